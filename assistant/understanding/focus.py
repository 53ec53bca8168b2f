"""The focus of a question: the condition, drug, test or procedure it is about.

Names come from the archive's own foci (MedQuAD ``focus``, a page's title) and from the
medical lexicon (lay and medical names, brand and generic drugs, abbreviations), matched
on stemmed word n-grams so "diabetics" finds "diabetes". A focus the archive holds answers
for is preferred, then the longer name, then the one named earliest.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import Stemmer

from assistant.knowledge import lexicon
from assistant.understanding.spelling import english

_STEM = Stemmer.Stemmer("english")
_TOKEN = re.compile(r"[^\W_]+")
_MAX_WORDS = 8
# archive foci that are ordinary words in a patient's question, never a focus on their own
_NOT_A_FOCUS = frozenset(
    [
        "pain",
        "the",
        "it",
        "is",
        "can",
        "may",
        "will",
        "back",
        "head",
        "skin",
        "eye",
        "eyes",
        "ear",
        "ears",
        "heart",
        "blood",
        "cold",
        "over the counter",  # "OTC" is how a medicine is sold, not what it is
    ]
)


# words that name a focus only by their stem: "ease the burning" is a feeling, not a burn;
# "fissure/tear" is a rip, not the eye's tears (but "a clogged tear duct" is theirs); poison
# ivy is a plant's rash, not a poisoning
_NOT_A_FOCUS_AS_WRITTEN = re.compile(
    r"(?:burning|tear(?!\s+(?:ducts?|glands?)\b)|poison(?=\s+(?:ivy|oak|sumac)\b)|"
    # a steroid medicine is no anabolic steroid (the archive's "Steroids" is on their abuse)
    r"steroids?(?=\s+(?:creams?|ointments?|sprays?|shots?|injections?|pills?|inhalers?)\b)|"
    # what a product is free of is not what it is: "sulfate free shampoo", "sugar-free"
    r"[\w-]+(?=[\s-]free\b))\b",
    re.I,
)
_MEDICINE_BEFORE = re.compile(r"\b(?:topical|oral|nasal|inhaled)\s+$", re.I)


def _written_otherwise(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a word that names no focus where it is written."""
    match = _NOT_A_FOCUS_AS_WRITTEN.match(text, start)
    if match is not None and match.end() == end:
        return True
    steroid = re.fullmatch(r"steroids?", text[start:end], re.I) is not None
    return steroid and _MEDICINE_BEFORE.search(text[:start]) is not None


def names_of(focus: str) -> list[str]:
    """A focus's names: "Parasites - Scabies" (CDC's pages) is also "Scabies"; "Pyelonephritis:
    Kidney Infection" also "Pyelonephritis", and the part after the colon where the
    dictionaries know it; "Enlarged Prostate (BPH)" also "Enlarged Prostate" and "BPH";
    "Gum (Periodontal) Disease" also "Gum Disease" and "Periodontal Disease"; "Nausea and
    Vomiting" also "Nausea" and "Vomiting"."""
    name = focus.strip()
    group, _, rest = name.partition(" - ")
    names = [name, rest.strip()] if rest.strip() and group.strip() else [name]
    for each in list(names):
        head, colon, tail = each.partition(": ")
        if colon and head.strip():
            names.append(head.strip())
            if lexicon().concept(tail.strip()):
                names.append(tail.strip())
    for each in [n for n in names if ": " not in n]:
        for match in _ALIAS.finditer(each):
            before, alias = each[: match.start()].strip(), match.group(2).strip()
            after = each[match.end() :].strip()
            if not before:
                continue
            names.append(f"{before} {after}".strip())
            if re.search(r"[^\W\d_]", after):  # "Gum (Periodontal) Disease": the alias stands
                names.append(" ".join([*before.split()[:-1], alias, after]))  # for the word before
            elif match.group(1) or _is_abbreviation(alias) or lexicon().concept(alias):
                names.append(alias)
    names += [part for each in names for part in (*_pair_of(each), *_series_of(each))]
    # not a name of nothing: "What is (are) ?" (a record without a focus) is not "What is ?"
    return [n for n in dict.fromkeys(names) if n == name or set(key_of(n).split()) - _NO_NAME]


# a topic on two conditions, each in capitals: "Nausea and Vomiting", "Diverticulosis and
# Diverticulitis" (not GARD's syndromes named by two features: "Osteopoikilosis and
# dacryocystitis"; nor "Alcohol Use and Older Adults")
_PAIR = re.compile(r"([A-Z][^,()]*?) and ([A-Z][^,()]*)")


def _pair_of(name: str) -> list[str]:
    """The two conditions a topic on both names, where the dictionaries know each as one."""
    pair = _PAIR.fullmatch(name)
    if pair is None:
        return []
    concepts = [lexicon().concept(part) for part in pair.groups()]
    if all(c is not None and c.kind == "disease" for c in concepts):
        return list(pair.groups())
    return []


# one kind named three ways: "Poison Ivy, Oak and Sumac" (each word in capitals; not GARD's
# "multicentric osteolysis, nodulosis, and arthropathy")
_SERIES = re.compile(r"([A-Z]\w+) ([A-Z]\w+), ([A-Z]\w+),? and ([A-Z]\w+)")


def _series_of(name: str) -> list[str]:
    """ "Poison Ivy", "Poison Oak" and "Poison Sumac" of "Poison Ivy, Oak and Sumac"."""
    series = _SERIES.fullmatch(name)
    if series is None:
        return []
    kind, *kinds = series.groups()
    return [f"{kind} {each}" for each in kinds]


_NO_NAME = frozenset(
    _STEM.stemWords(["what", "is", "are", "how", "why", "when", "who", "which", "the", "a", "of"])
)


# "(BPH)", "(also known as Chagas Disease)", "(Hepatocellular)"; not "(Including …)"
_ALIAS = re.compile(r"\((also known as )?([^()]+)\)")


def _is_abbreviation(text: str) -> bool:
    """ "BPH", "TB", "HeV", "P.A.D.": two or more capitals and no space."""
    return " " not in text and sum(ch.isupper() for ch in text) >= 2


def key_of(name: str) -> str:
    """A name's matching key: lower-case stemmed words."""
    return " ".join(_STEM.stemWords(_TOKEN.findall(name.lower())))


# a record on "Anxiety Disorders" or "Parasites - Scabies" is on anxiety, on scabies
_GROUP_WORDS = frozenset(key_of(w) for w in ("disorders", "diseases", "infections", "problems"))
# the groups patients name by other words: "heart problems", "a neurological issue" (not
# "skin problems" for "Skin Infections", nor one disease: "Huntington disease")
_LAY_GROUPED = frozenset(("diseases", "disorders", "problems"))
_LAY_GROUP_WORDS = (key_of("problems"), key_of("issues"))
# words that name a kind of condition, no condition of their own: "an infection" is not
# "Pinworm Infection", "a disease" not "Lyme disease"
GENERIC = frozenset(
    key_of(w)
    for w in (
        *("infection", "illness", "disease", "disorder", "inflammation", "syndrome"),
        *("condition", "problem", "cancer"),
    )
)


# words that name a common kind of a condition, not another condition: "acute bronchitis" is
# bronchitis, "viral meningitis" meningitis
_COMMON_KIND_TEXT = """
acute chronic viral bacterial fungal allergic infectious mild severe recurrent oral genital common
"""
COMMON_KIND = frozenset(key_of(w) for w in _COMMON_KIND_TEXT.split())


def _named_fully(text: str, start: int, end: int) -> str:
    """A condition's name as the text gives it, with the word before a generic name that
    says which ("respiratory infection" for the dictionary's "infection") and a Latin word
    after it ("keratosis pilaris" for its "keratosis"): each a word of the dictionaries'
    names, the one after no English word."""
    words = lexicon()
    before = re.search(r"([A-Za-z]+)\s+$", text[:start])
    if key_of(text[start:end]) in GENERIC and before and words.has_word(before.group(1)):
        start = before.start(1)
    after = re.match(r"\s+([A-Za-z]+)", text[end:])
    if after and not english(after.group(1)) and words.has_word(after.group(1)):
        end += after.end(1)
    return text[start:end]


def kind_of(outer: Focus, inner: Focus | None) -> bool:
    """Whether ``outer`` is a kind of ``inner`` that the archive has no answer on, and
    ``inner`` one it has: a common kind ("viral meningitis" of "meningitis"), or one its last
    words name ("cluster headache" of "headache"; not "iron deficiency anemia" of "iron")."""
    if inner is None or outer.records or not inner.records:
        return False
    words, inner_words = key_of(outer.surface).split(), key_of(inner.surface).split()
    if not set(inner_words) <= set(words):
        return False  # "chronic pancreatitis" is no kind of "pancreatic cancer"
    return set(words) - set(inner_words) <= COMMON_KIND or words[-len(inner_words) :] == inner_words


def keys_of(focus: str) -> set[str]:
    """The keys a record's focus answers to: its names, each also without a group word."""
    keys = set()
    for name in names_of(focus):
        key = key_of(name)
        head, _, last = key.rpartition(" ")
        keys |= {key, head} if head and last in _GROUP_WORDS else {key}
    return keys


# "Pelvic inflammatory disease (PID) is …": a name the archive's own answer abbreviates
_ABBREVIATION = r"\s*\(([A-Z][A-Za-z0-9]{1,7})\)"


def defined_abbreviations(texts: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The abbreviations that answers define for their own focus, from (focus, text) pairs:
    "Pelvic inflammatory disease (PID)" in an answer on Pelvic Inflammatory Disease gives
    ``{"PID": "Pelvic Inflammatory Disease"}``. One defined for two foci means neither."""
    found: dict[str, dict[str, str]] = defaultdict(dict)  # abbreviation -> key -> name
    for focus, text in texts:
        for name in names_of(focus):
            for match in re.finditer(rf"(?i:\b{re.escape(name)}){_ABBREVIATION}", text):
                abbreviation = match.group(1)
                if sum(ch.isupper() for ch in abbreviation) >= 2 and key_of(abbreviation) != key_of(
                    name
                ):
                    found[abbreviation].setdefault(key_of(name), name)
    return {
        a: next(iter(names.values()))
        for a, names in sorted(found.items())
        if len(a) >= 3 and _one_concept(list(names.values()))  # "CD", "AF": too many meanings
    }


def _words_of(key: str) -> frozenset[str]:
    """A key's words, "of" and "the" left out ("kidney disease of diabetes")."""
    return frozenset(w for w in key.split() if w not in _OF_THE)


_OF_THE = frozenset({"of", "the"})


def _one_concept(names: list[str]) -> bool:
    """Whether names are one concept: "Polycystic Ovary Syndrome", "Polycystic ovarian
    syndrome" (the dictionaries' synonyms)."""
    first, *rest = names
    same = {key_of(first)} | {key_of(n) for n in lexicon().synonyms(first)}
    return all(key_of(n) in same for n in rest)


@dataclass(frozen=True)
class FocusRecord:
    record_id: str
    question_type: str | None


@dataclass(frozen=True)
class Focus:
    """What a question is about; ``records`` are the archive's answers on it."""

    name: str
    surface: str  # as written in the text
    kind: str  # "archive", "disease" or "drug"
    names: frozenset[str] = frozenset()
    records: tuple[FocusRecord, ...] = ()


@dataclass
class FocusCatalogue:
    """The archive's foci with the records that answer each, by question type."""

    records: dict[str, list[FocusRecord]] = field(default_factory=lambda: defaultdict(list))
    names: dict[str, str] = field(default_factory=dict)  # key -> display name
    # abbreviation -> key, of the abbreviations the archive's answers define ("PID")
    abbreviations: dict[str, str] = field(default_factory=dict)
    # the keys of each set of words (see ``alike``), filled on first use
    _alike: dict[frozenset[str], list[str]] = field(
        default_factory=lambda: defaultdict(list), repr=False
    )

    @classmethod
    def build(
        cls,
        rows: Iterable[tuple[str, str | None, str | None]],
        abbreviations: Mapping[str, str] | None = None,
    ) -> FocusCatalogue:
        """From (record id, focus or title, question type) rows, and the abbreviations the
        archive defines for its foci (see :func:`defined_abbreviations`)."""
        catalogue = cls()
        for abbreviation, name in (abbreviations or {}).items():
            catalogue.abbreviations[abbreviation] = key_of(name)
        lay: dict[str, list[tuple[str, FocusRecord]]] = defaultdict(list)
        for record_id, focus, question_type in rows:
            for name in names_of(focus or ""):
                key = key_of(name)
                if not key or key in _NOT_A_FOCUS:
                    continue
                record = FocusRecord(record_id, question_type)
                catalogue.names.setdefault(key, name)
                catalogue.records[key].append(record)
                head = key.rpartition(" ")[0]
                if head and name.rpartition(" ")[2].lower() in _LAY_GROUPED:
                    for word in _LAY_GROUP_WORDS:
                        lay[f"{head} {word}"].append((name, record))
        # a group of conditions as patients name it: "heart problems", "a neurological issue"
        # are the archive's "Heart Diseases", "Neurologic Diseases" (where no focus is so
        # named; of two so named, the one with more answers)
        for key, named in lay.items():
            if key not in catalogue.records:
                counts = Counter(n for n, _ in named)
                name = max(counts, key=lambda n: (counts[n], n))
                catalogue.names[key] = name
                catalogue.records[key] = [r for n, r in named if n == name]
        return catalogue

    def lookup(self, name: str) -> tuple[str, list[FocusRecord]] | None:
        """The archive focus called ``name`` or any synonym of it."""
        for candidate in (name, *sorted(lexicon().synonyms(name), key=len)):
            # "ringworm" is "tinea", which the archive answers as "Tinea Infections"
            for key in (key_of(candidate), key_of(f"{candidate} infections")):
                if key in self.records:
                    return self.names[key], self.records[key]
        return None

    def find(self, text: str, exclude: frozenset[str] = frozenset()) -> list[Focus]:
        """Every focus named in ``text``, best first (see the module docstring)."""
        spans = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        stems = _STEM.stemWords([s[2].lower() for s in spans])
        found: dict[str, tuple[int, int, Focus]] = {}
        later: list[tuple[str, int, int, Focus]] = []  # a focus named again further on
        for i in range(len(spans)):
            for n in range(min(_MAX_WORDS, len(spans) - i), 0, -1):
                key = " ".join(stems[i : i + n])
                surface = text[spans[i][0] : spans[i + n - 1][1]]
                if (
                    key in self.records
                    and key not in _NOT_A_FOCUS
                    and not _written_otherwise(text, spans[i][0], spans[i + n - 1][1])
                ):
                    focus = self._focus(self.names[key], surface, "archive", exclude)
                    if focus is not None and key in found:
                        later.append((key, i, n, focus))
                    elif focus is not None:
                        found[key] = (i, n, focus)
                    break
        for i, (start, end, word) in enumerate(spans):
            short = self._abbreviated(word)
            if short is not None and short not in found and short in self.records:
                focus = self._focus(self.names[short], text[start:end], "archive", exclude)
                if focus is not None:
                    found[short] = (i, 1, focus)
        for mention in lexicon().find(text):
            hit = self.lookup(mention.canonical) or self.lookup(mention.surface)
            name = hit[0] if hit else mention.canonical
            key = key_of(name)
            if (
                key in found
                or key in _NOT_A_FOCUS
                or _written_otherwise(text, mention.start, mention.end)
            ):
                continue
            position = len(_TOKEN.findall(text[: mention.start]))
            kind = "archive" if hit else mention.kind
            # one the archive has no answer on is named as the patient names it, so that the
            # page says what it lacks: "respiratory infection", "keratosis pilaris"
            surface = mention.surface if hit else _named_fully(text, mention.start, mention.end)
            focus = self._focus(name, surface, kind, exclude)
            if focus is not None:
                found[key] = (position, len(_TOKEN.findall(mention.surface)), focus)
        # a focus named inside a longer condition is not the focus: "iron" in "iron deficiency
        # anemia", even when the archive has answers on iron and none on the anemia (but a
        # "shingles vaccine" question is still about shingles); named again on its own further
        # on, it is ("the stomach flu and the flu")
        # (but a condition the archive has answers on stays inside a common kind of it that it
        # has none on: "viral meningitis" is about meningitis)
        conditions = [(i, i + n, f) for i, n, f in found.values() if f.kind != "drug"]

        def nested(i: int, n: int, inner: Focus | None = None) -> bool:
            return any(
                a <= i and i + n <= b and b - a > n and not kind_of(outer, inner)
                for a, b, outer in conditions
            )

        for key, i, n, focus in later:
            if nested(*found[key][:2], focus) and not nested(i, n, focus):
                found[key] = (i, n, focus)
        kept = [(i, n, f) for i, n, f in found.values() if not nested(i, n, f)]
        ranked = sorted(kept, key=lambda t: (t[2].kind != "archive", -t[1], t[0]))
        return [focus for _, _, focus in ranked]

    def _abbreviated(self, word: str) -> str | None:
        """The focus an abbreviation the archive defines stands for: as written ("PID"), or
        in small letters when it is no English word ("pcos", not "aids")."""
        if word in self.abbreviations:
            return self.abbreviations[word]
        if len(word) < 3 or english(word):
            return None
        return self.abbreviations.get(word.upper())

    def _focus(self, name: str, surface: str, kind: str, exclude: frozenset[str]) -> Focus | None:
        records = [r for r in self.alike(key_of(name)) if r.record_id not in exclude]
        if kind == "archive" and not records:
            return None
        names = frozenset({name, surface, *lexicon().synonyms(name)})
        return Focus(name, surface, kind, names, tuple(records))

    def alike(self, key: str) -> list[FocusRecord]:
        """The records of a focus and of the foci named with the same words in another order:
        "Enlarged Prostate" (MedlinePlus) and "Prostate Enlargement" (NIDDK), "Diabetic
        Kidney Disease" and "Kidney Disease of Diabetes"."""
        if not self._alike:
            for each in self.records:
                self._alike[_words_of(each)].append(each)
        keys = self._alike.get(_words_of(key), [key])
        return [r for k in sorted(keys, key=lambda k: k != key) for r in self.records.get(k, [])]
