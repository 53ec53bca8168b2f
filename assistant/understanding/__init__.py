"""Understanding a question before searching or drafting: its focus (condition, drug, test),
what it asks, the patient's particulars, and the terms of the question and the doctor's
reply that a patient needs explained."""

from __future__ import annotations

import itertools
import re

import textstat  # type: ignore[import-untyped]
from pydantic import BaseModel, ConfigDict

from assistant.knowledge import lexicon
from assistant.knowledge.capitals import as_written
from assistant.knowledge.classes import medicine_classes
from assistant.text import split_sentences
from assistant.understanding.asks import (
    ANSWERED_BY,
    ASK_OF_TYPE,
    ASK_WORDS,
    EVIDENCE_TYPES,
    TOLD_UNDER,
    Ask,
    asks_of,
    without_asks,
)
from assistant.understanding.focus import (
    COMMON_KIND,
    GENERIC,
    Focus,
    FocusCatalogue,
    FocusRecord,
    key_of,
    keys_of,
    kind_of,
    names_of,
)
from assistant.understanding.particulars import Particulars, measured, particulars_of
from assistant.understanding.spelling import Correction, Speller, english

__all__ = [
    "ANSWERED_BY",
    "ASK_OF_TYPE",
    "ASK_WORDS",
    "COMMON_KIND",
    "EVIDENCE_TYPES",
    "GENERIC",
    "TOLD_UNDER",
    "Ask",
    "Correction",
    "Focus",
    "FocusAnswers",
    "FocusCatalogue",
    "FocusRecord",
    "Particulars",
    "Speller",
    "Understanding",
    "as_named",
    "asks_of",
    "is_medicine",
    "key_of",
    "keys_of",
    "names_of",
    "particulars_of",
    "understand",
    "without_asks",
]

# "What does calcification mean?", "what is an echogenic lesion"
_ASKED_TERM = re.compile(
    r"\bwhat (?:does|do|is|are) (?:a |an |the )?([a-z][a-z' -]{2,40}?) (?:mean|stand for)\b|"
    r"\bwhat (?:is|are) (?:a |an )?([a-z][a-z-]{3,30}(?: [a-z-]{3,30})?)\s*\?",
    re.I,
)
_GENERIC_TERMS = frozenset(
    ["it", "this", "that", "these", "they", "lump", "pain", "problem", "thing"]
)


class FocusAnswers(BaseModel):
    """A focus and the archive's answers on it, by question type."""

    model_config = ConfigDict(frozen=True)

    name: str
    names: tuple[str, ...] = ()
    records: tuple[str, ...] = ()
    types: tuple[str, ...] = ()  # aligned with records

    @classmethod
    def of(cls, focus: Focus) -> FocusAnswers:
        return cls(
            name=focus.name,
            names=tuple(sorted(focus.names)),
            records=tuple(r.record_id for r in focus.records),
            types=tuple(r.question_type or "" for r in focus.records),
        )

    def records_for(self, ask: Ask) -> list[str]:
        """The records whose question type answers ``ask``, best type first."""
        wanted = EVIDENCE_TYPES[ask]
        pairs = zip(self.records, self.types, strict=True)
        ranked = sorted(
            ((wanted.index(t), rid) for rid, t in pairs if t in wanted), key=lambda x: x[0]
        )
        return [rid for _, rid in ranked]


class Understanding(BaseModel):
    """What a question is about and asks; the plan and the answer check read it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    focus: str | None = None
    named: str | None = None  # the focus as the question writes it ("Lexapro")
    focus_names: tuple[str, ...] = ()
    focus_records: tuple[str, ...] = ()  # archive answers on the focus
    focus_types: tuple[str, ...] = ()  # their question types, aligned with focus_records
    # the kind of the focus the question asks about, where the archive has no answer on that
    # kind itself: "cluster headache" (focus "Headache")
    kind_asked: str | None = None
    # the medicine asked about, where the archive has no answer on it but on its class, the
    # focus, as (written, generic): ("Lexapro", "escitalopram") (focus "Antidepressants")
    member: tuple[str, str] | None = None
    other_foci: tuple[str, ...] = ()
    # a second condition the question asks the same about: "a cold sore and a mouth ulcer",
    # "how do genital herpes and HPV differ"
    also: tuple[FocusAnswers, ...] = ()
    also_unanswered: tuple[str, ...] = ()  # such a condition the archive has no answer on
    # medicines the question names beside its focus that the archive has no answer on, as
    # (written, generic): "Is it safe to take zyrtec / Claritin while breastfeeding?" is about
    # breastfeeding in the archive, and cetirizine and loratadine are not in it
    medicines_unanswered: tuple[tuple[str, str], ...] = ()
    # what the question gives as a measured level, a test's result, where the archive has no
    # answer on it, as (written, name): "Is low lipase related to pancreatic cancer …?" asks
    # about lipase as a level, not as the medicine the drug dictionary also knows it as
    levels_unanswered: tuple[tuple[str, str], ...] = ()
    # the question asks about a medicine it does not name: "what are the side effects of this
    # medication"; what past answers say of one medicine is no answer on another
    unnamed_medicine: bool = False
    asks: tuple[Ask, ...] = ("definition",)
    # two names the question asks whether they are the same, and that the dictionaries give
    # one concept, with its kind: ("Valtrex", "valacyclovir", "drug") for "Is Valtrex the
    # same thing as valacyclovir?"
    same_names: tuple[str, str, str] | None = None
    # a combination medicine and one of its parts, where the question asks whether they are
    # the same: ("Augmentin", "amoxicillin and clavulanic acid", "amoxicillin")
    combination: tuple[str, str, str] | None = None
    particulars: Particulars = Particulars()
    terms: tuple[str, ...] = ()  # to explain, from the question and the reply
    question: str = ""  # as read: misspelt medical names corrected (what is searched)
    corrections: tuple[Correction, ...] = ()

    def records_for(self, ask: Ask) -> list[str]:
        """The focus's records whose question type answers ``ask``, best type first."""
        answers = FocusAnswers(
            name=self.focus or "", records=self.focus_records, types=self.focus_types
        )
        return answers.records_for(ask)

    @property
    def also_called(self) -> str | None:
        """The question's own name for the focus, where it shares no word with the archive's:
        "stomach flu" for "Gastroenteritis", "UTI" for "Urinary Tract Infections"; None where
        it shares one, writes it apart ("pink eye", "Pinkeye"), or is a verb ("throw up")."""
        named, focus = self.named, self.focus
        if not named or not focus or self.member or not self.focus_records:
            return None
        words = key_of(named).split()
        if set(words) & set(key_of(focus).split()) or words[-1] in _PARTICLES:
            return None
        if re.sub(r"\W", "", named.lower()) == re.sub(r"\W", "", focus.lower()):
            return None
        shouted = named.upper()
        if named.islower() and not english(named) and lexicon().expand_abbreviation(shouted):
            return shouted  # "pcos", as the archive writes it: "PCOS"
        return named

    @property
    def member_named(self) -> str | None:
        """The medicine a class answers for, as the question names it: "Lexapro
        (escitalopram)"."""
        return as_named(*self.member) if self.member else None

    @property
    def unanswered(self) -> str | None:
        """The focus as the question names it, where the archive has no answer on it:
        "Lexapro (escitalopram)"; None when it has, or when the question names none."""
        if self.focus is None or self.focus_records:
            return None
        return as_named(self.named or self.focus, self.focus)

    @property
    def search_query(self) -> str:
        """A short query: the focus and what is asked (for retrieval and question matching)."""
        words = {
            "definition": "what is",
            "side_effects": "side effects",
            "diagnosis": "diagnosis tests",
            "seriousness": "is it serious outlook",
            "seek_care": "when to see a doctor",
        }
        asked = " ".join(words.get(a, a) for a in self.asks[:3])
        return f"{self.focus} {asked}".strip() if self.focus else ""


def understand(
    question: str,
    reply: str | None = None,
    title: str | None = None,
    catalogue: FocusCatalogue | None = None,
    age_range: str | None = None,
    sex: str | None = None,
    exclude_ids: frozenset[str] = frozenset(),
    speller: Speller | None = None,
) -> Understanding:
    """Reads the title first (an editor's topic), then the question, then the reply; the
    ``speller`` reads misspelt medical names in the question first."""
    catalogue = catalogue or FocusCatalogue()
    corrections: tuple[Correction, ...] = ()
    if speller is not None:
        question, corrections = speller.correct(question)
    question = _anti_joined(question, catalogue)
    particulars = particulars_of(question, age_range, sex)
    # the focus is what the patient asks about: not a test already done ("I went for an
    # ultrasound"), nor the reply's own terms (they are explained as terms); but when the
    # question names nothing else, what was done is what it asks about ("If I took trazodone
    # when would be the best time to take it?", "I have gout and my doctor told me to take
    # colchicine, how should I take it?")
    asked = question
    for done in particulars.done:
        asked = asked.replace(done, " ")
    named = catalogue.find(asked, exclude_ids)
    if not named and asked != question:
        asked = question
        named = catalogue.find(asked, exclude_ids)
    foci: list[Focus] = catalogue.find(title, exclude_ids) if title else []
    foci += [f for f in named if f not in foci]
    ordered = _condition_first(asked, foci)
    foci = [f for f in ordered if not _ruled_out(asked, f)]
    focus = foci[0] if foci else None
    if focus is None:
        # what a medicine is not is the rest of its class: "anything I can take for the pain
        # that isnt ibuprofen based?" asks about pain relievers
        focus = next(
            (
                group
                for f in ordered
                if f.kind == "drug" and (group := _class_of(f, catalogue, exclude_ids))
            ),
            None,
        )
    joined = _conjoined(asked, focus, foci[1:]) if focus and not title else []
    # of two conditions asked about alike, the first named is the focus: "shingles versus an
    # allergic reaction" is about shingles, though "allergic reaction" is the longer name
    if focus and joined and joined[0].records and _between(asked, joined[0], focus) is not None:
        focus, joined = joined[0], [focus]
    also = [f for f in joined if f.records]
    # the kind asked about, where the archive has answers on the focus but not on that kind
    kind = (
        next((f.surface for f in foci[1:] if f.kind != "drug" and kind_of(f, focus)), None)
        if focus
        else None
    )
    terms = _terms(question, reply, focus)
    asks = asks_of(question) if question.strip() != (title or "").strip() else ("definition",)
    # a reaction to what is no medicine is no side effect: "is it normal for an allergic
    # reaction to become red one week after I was bit?"
    if (
        "side_effects" in asks
        and not any(f.kind == "drug" for f in foci)
        and "side_effects" not in asks_of(re.sub(r"\breactions? to\b", " ", question, flags=re.I))
    ):
        asks = tuple(a for a in asks if a != "side_effects") or ("definition",)
    if focus and "causes" in asks and _what_it_causes(asked, focus):
        effect: Ask = "side_effects" if _is_medicine(focus) else "symptoms"
        asks = tuple(dict.fromkeys(effect if a == "causes" else a for a in asks))
    member = None
    names = focus.names if focus else frozenset()
    if focus is not None and focus.kind == "drug" and not focus.records:
        # a medicine the archive has no answer on: its class's answer, said to be general
        # (what names the medicine is still on it: "The benefits of lisinopril extend …")
        group = _class_of(focus, catalogue, exclude_ids)
        if group is not None:
            member, focus, names = (focus.surface, focus.name), group, names | group.names
    # the medicines named beside the focus that the archive has no answer on, as (written,
    # name); those the question gives as a level are tests' results
    lacking = tuple(
        dict.fromkeys(
            (f.surface, f.name)
            for f in foci[1:]
            if f.kind == "drug"
            and not f.records
            and focus
            and f.name != focus.name
            and not (member and medicine_classes().class_of(f.name) == focus.name)
        )
    )
    return Understanding(
        focus=focus.name if focus else None,
        named=focus.surface if focus else None,
        kind_asked=kind,
        member=member,
        focus_names=tuple(sorted(names)),
        focus_records=tuple(r.record_id for r in focus.records) if focus else (),
        focus_types=tuple(r.question_type or "" for r in focus.records) if focus else (),
        other_foci=tuple(
            dict.fromkeys(f.name for f in foci[1:] if f.name != (focus and focus.name))
        )[:5],
        also=tuple(FocusAnswers.of(f) for f in also),
        also_unanswered=tuple(f.surface for f in joined if not f.records),
        # (not one of the class the page is on: "stop the Cymbalta and then start the Zoloft")
        medicines_unanswered=tuple(n for n in lacking if not measured(question, n[0])),
        levels_unanswered=tuple(n for n in lacking if measured(question, n[0])),
        unnamed_medicine=(
            not foci
            and bool({"medication", "side_effects"} & set(asks))
            and _UNNAMED_MEDICINE.search(question) is not None
            and not any(f.kind == "drug" for f in catalogue.find(reply or ""))
        ),
        asks=asks,
        same_names=same_named(question),
        combination=combination_named(question),
        particulars=particulars,
        terms=terms,
        question=question,
        corrections=corrections,
    )


# the particle of a phrasal verb: "throw up", "pass out" name a condition as a verb
_PARTICLES = frozenset({"up", "out"})


# "this medication", "the pills", "my meds"; or side effects of what it does not say ("are
# there any side effects I should know about?")
_UNNAMED_MEDICINE = re.compile(
    r"\b(this|that|the|my|these|those|your|his|her) (new )?(medications?|medicines?|meds|"
    r"drugs?|pills?|tablets?|prescriptions?)\b|\bside[- ]?(effects?|affects?)\b",
    re.I,
)


# what joins two conditions asked about together: "a cold sore and a mouth ulcer", "genital
# herpes and HPV", "gout or pseudogout", "flu vs. a cold", "tell shingles from chickenpox"
_JOINED = re.compile(
    r"^\W*(?:and|or|vs\.?|versus|from|than|compared (?:to|with))\W+(?:like\W+)?"
    r"(?:(?:a|an|the|my|his|her|their)\W+)?$",
    re.I,
)


# what puts a medicine or a kind of care before the condition it is for: "an antibiotic for
# sinusitis", "is surgery needed for a hernia", "pain relievers that are safe with arthritis"
_FOR = re.compile(
    r"^\W+(?:[\w']+\W+){0,3}?(?:for|to treat|against|with)\W+"
    r"(?:(?:a|an|the|my|his|her|their)\W+)?$",
    re.I,
)


# "I asked the doctor if it was a lipoma, but he said it was not", "it is not a lipoma"
_RULED_OUT = (
    r"\b(?:said|says|told me|thinks?)\W+(?:that\W+)?(?:it|this)\W+(?:was|is|'s)\W+not\b|"
    r"\bruled\W+out\b|\b(?:not|(?:that|which)\W+(?:isn'?t|aren'?t)|other than|instead of|"
    r"besides|except|apart from|alternatives? to)\W+(?:an?\W+)?NAME\b"
)


def _ruled_out(text: str, focus: Focus) -> bool:
    """Whether the sentence naming ``focus`` says it is not what the patient has."""
    for sentence in split_sentences(text):
        if focus.surface.lower() in sentence.lower():
            pattern = _RULED_OUT.replace("NAME", re.escape(focus.surface))
            if re.search(pattern, sentence, re.I):
                return True
    return False


def _anti_joined(text: str, catalogue: FocusCatalogue) -> str:
    """``text`` with "anti-depressant" written "antidepressant" where that is a medicine the
    archive or the dictionaries know: a medicine against depression is not depression ("anti
    nausea medication" stays: "antinausea" is no name)."""

    def join(match: re.Match[str]) -> str:
        joined = f"{match.group(1)}{match.group(2)}"
        return joined if any(f.kind != "disease" for f in catalogue.find(joined)) else match[0]

    return re.sub(r"\b(anti)[- ]([a-z]{4,})", join, text, flags=re.I)


def _what_it_causes(text: str, focus: Focus) -> bool:
    """Whether the question asks what the focus causes, not what causes it: "Does the buspar
    cause sleepiness?" asks a medicine's side effects, "Sinus infection also causes green
    mucus in lungs and wheezing?" a condition's symptoms ("Could gout be caused by …" asks
    its causes, "what other stds would cause this" and "anything other than uti that
    causes wbc in urine" which of them causes it)."""
    name = re.escape(focus.surface)
    # (a medicine "that doesnt cause nausea" is still asked about its side effects)
    clause = "" if _is_medicine(focus) else "(?!that|which)"
    effect = r"(?:caus(?:e|es|ing)|contribut(?:e|es|ing) to)"  # "Does low thyroid contribute to"
    pattern = rf"(?<!what )(?<!what other )\b{name}\W+{clause}(?:\w+\W+){{0,3}}?{effect}\b"
    return re.search(pattern, text, re.I) is not None


# what asks whether two names are one thing: "Is Valtrex the same thing as valacyclovir?",
# "Do you recommend Cyclobenzaprine over Flexeril or are they the same?", "any difference?"
_SAME = re.compile(r"\b(same|differen\w*|differ|vs\.?|versus|another name|also called)\b", re.I)


def same_named(question: str) -> tuple[str, str, str] | None:
    """Two names ``question`` writes differently (not a plural of the other), where it asks
    whether they are the same, that the dictionaries give one disease or drug: ("Valtrex",
    "valacyclovir", "drug"), ("flu", "influenza", "disease")."""
    if not _SAME.search(question):
        return None
    first: dict[str, str] = {}
    for mention in lexicon().find(question):
        if mention.kind == "abbreviation":
            continue
        seen = first.setdefault(mention.canonical.lower(), mention.surface)
        if _singular(seen) != _singular(mention.surface):
            return seen, mention.surface, mention.kind
    return None


def combination_named(question: str) -> tuple[str, str, str] | None:
    """A combination medicine and one of its parts, both named where ``question`` asks
    whether they are the same ("Is Augmentin the same thing as amoxicillin?"): the
    combination as written, its parts and the part named, by their generic names."""
    if not _SAME.search(question):
        return None
    drugs = [m for m in lexicon().find(question) if m.kind == "drug"]
    for whole in drugs:
        parts = lexicon().ingredients(whole.canonical)
        for part in drugs:
            if part.canonical in parts:
                return whole.surface, f"{', '.join(parts[:-1])} and {parts[-1]}", part.canonical
    return None


def _singular(name: str) -> str:
    return re.sub(r"(?<=[a-z])s$", "", name.lower())


def is_medicine(name: str) -> bool:
    """Whether the lexicon knows ``name`` as a medicine ("escitalopram", "Antidepressants"),
    or it names a class of medicines (``drug_classes.toml``: "Pain Relievers")."""
    concept = lexicon().concept(name)
    return (concept is not None and concept.kind == "drug") or name in medicine_classes().classes


def _is_medicine(focus: Focus) -> bool:
    """Whether the focus is a medicine: found in the drug dictionary, or an archive focus
    the lexicon knows as one ("Antidepressants")."""
    return focus.kind == "drug" or is_medicine(focus.name)


def _between(text: str, first: Focus, second: Focus) -> str | None:
    """The text from where ``first`` is named to where ``second`` is named after it; None
    when either is not named, or ``second`` only before ``first``."""
    lower = text.lower()
    at = lower.find(first.surface.lower())
    where = lower.find(second.surface.lower(), at + len(first.surface)) if at >= 0 else -1
    if where < 0:
        return None
    return text[at + len(first.surface) : where]


def _class_of(
    medicine: Focus, catalogue: FocusCatalogue, exclude_ids: frozenset[str]
) -> Focus | None:
    """The archive's focus on the class of ``medicine`` (``drug_classes.toml``), where it
    has answers: "Antidepressants" for escitalopram."""
    name = medicine_classes().class_of(medicine.name)
    if name is None:
        return None
    return next(
        (f for f in catalogue.find(name, exclude_ids) if f.records and f.surface == name), None
    )


def as_named(named: str, name: str) -> str:
    """ "Lexapro (escitalopram)": the name the question uses (a brand with its capital), and the
    archive's if it differs; a generic name in lower case, as running text writes it
    ("Cymbalta (duloxetine)", where MeSH heads it "Duloxetine"), and so a condition's
    ("muscle aches (myalgia)", where MeSH heads it "Myalgia")."""
    named = lexicon().written(named)
    concept = lexicon().concept(name)
    if concept is not None and concept.kind == "drug" and name[1:].islower():
        name = name.lower()
        if named.lower() == name:  # the generic name, capitalised by the question: "Sertraline"
            named = name
    elif concept is not None and concept.kind == "disease":
        name = as_written(name, ())
    if set(key_of(name).split()) <= set(key_of(named).split()):
        return named  # "activated charcoal", not "activated charcoal (charcoal)"
    return f"{named} ({name})"


def _condition_first(text: str, foci: list[Focus]) -> list[Focus]:
    """The foci with the condition first where the question asks about a medicine or a kind
    of care for it: the medicine is then what is asked, the condition what it is about."""
    if len(foci) < 2:
        return foci
    first = foci[0]
    concept = lexicon().concept(first.name)
    if concept is not None and concept.kind == "disease":
        return foci
    for other in foci[1:]:
        # (not a bare "infection" the archive has no answer on before a medicine it has: "Dont
        # I need antibiotics for an infection?" asks about antibiotics)
        if key_of(other.name) in GENERIC and not other.records and first.records:
            continue
        gap = _between(text, first, other)
        if other.kind != "drug" and gap is not None and _FOR.match(gap):
            return [other, *(f for f in foci if f is not other)]
    return foci


def _conjoined(text: str, focus: Focus, others: list[Focus]) -> list[Focus]:
    """The condition the question names right beside its focus, joined by "and", "or",
    "vs": it asks the same about each (at most one more; it may have no archive answer)."""
    for other in others:
        if other.kind == "drug" or other.name == focus.name:
            continue
        gap = _between(text, focus, other)
        if gap is None:
            gap = _between(text, other, focus)
        if gap is not None and _JOINED.match(gap):
            return [other]
    return []


def _terms(question: str, reply: str | None, focus: Focus | None) -> tuple[str, ...]:
    """Terms a patient may not know: the one the question asks about, then the medical names
    in the reply and the question (the focus itself is explained by the whole draft)."""
    focus_keys = {key_of(n) for n in focus.names} if focus else set()
    terms: list[str] = []
    for match in _ASKED_TERM.finditer(question):
        term = (match.group(1) or match.group(2) or "").strip().lower()
        if term and term not in _GENERIC_TERMS:
            terms.append(term)
    terms += _suffix_terms(reply or "")
    for text, hard in ((reply or "", 2), (question, 3)):
        for mention in lexicon().find(text):
            surface = mention.surface.lower()
            # a plain word needs no explaining ("pain", "swelling" in a question), nor the lay
            # name of a medical one ("runny nose" for rhinorrhea)
            lay = key_of(mention.canonical) != key_of(surface) and all(
                english(w) for w in surface.split()
            )
            # nor a brand name in brackets after the medicine it names ("Methotrexate
            # (Otrexup, Rasuvo, RediTrex) … should not be used")
            glossed = mention.kind == "drug" and re.search(
                rf"\([^()]*\b{re.escape(mention.surface)}\b[^()]*\)", text
            )
            # nor a medicine of the class the page is on ("ibuprofen" on pain relievers)
            of_the_class = (
                focus is not None and medicine_classes().class_of(mention.canonical) == focus.name
            )
            if (
                mention.kind != "abbreviation"
                and not lay
                and not glossed
                and not of_the_class
                and key_of(surface) not in focus_keys
                and any(textstat.is_difficult_word(w, hard) for w in surface.split())
            ):
                terms.append(surface)
    out: list[str] = []
    for term in terms:
        if (
            key_of(term) not in {key_of(t) for t in out}
            and key_of(term) not in focus_keys
            and term not in _PLAIN_TERMS
            and not _explained_in_place(term, f"{question}\n{reply or ''}")
        ):
            out.append(term)
    return tuple(out[:6])


def _explained_in_place(term: str, text: str) -> bool:
    """Whether the text says what the term means right where it uses it: "seasonal influenza
    (flu)", "malaise (feeling unwell)", "the flu (influenza)", "Tendinitis is inflammation of
    the tendon", "Inflammation of the eyelid margins, known as blepharitis"."""
    t = re.escape(term)
    return (
        re.search(
            rf"\b{t}\s*\(|\(\s*{t}\s*\)|\b{t}\s+(is|are|means)\s|"
            rf"\w,\s+(also\s+)?(called|known\s+as)\s+{t}\b",
            text,
            re.I,
        )
        is not None
    )


_MEDICAL_SUFFIX = re.compile(
    r"^[a-z-]{3,}(osis|itis|genic|oma|omas|emia|ectomy|plasia|trophy|ification|opathy|"
    r"traumatic|ectasia|algia)$"
)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "at",
        "to",
        "and",
        "or",
        "with",
        "which",
        "may",
        "might",
        "be",
        "is",
        "are",
        "this",
        "that",
    ]
)
_COMMON = frozenset(["diagnosis", "prognosis"])
# words before a term that are no part of it: "… include appendicitis", "… called
# condyloma", "such as blepharitis", "suspected epididymitis" (K-QA replies)
_NOT_MODIFIERS_TEXT = """
as like than for from by has have had get gets got include includes including cause causes
treat treats called named known such also not no your my his her their its any some possible
probable likely
"""
_NOT_MODIFIERS = frozenset(_NOT_MODIFIERS_TEXT.split())


def _modifies(word: str) -> bool:
    """Whether ``word``, right before a medical term, makes one term with it ("fat
    necrosis", "bacterial vaginosis"): a lower-case word that is no function word, verb
    form or participle."""
    lower = word.lower()
    return (
        word.islower()
        and lower not in _STOP
        and lower not in _NOT_MODIFIERS
        and not lower.endswith(("ed", "ing"))
    )


# medical words every patient knows, never listed as terms to explain
_PLAIN_TERMS = frozenset(
    [
        "inflammation",
        "infection",
        "infections",
        "signs and symptoms",
        "symptoms",
        "symptom",
        "virus",
        "viruses",
        "bacteria",
        "disease",
        "diseases",
        "fever",
        "pain",
        "cancer",
        "flu",
        "cold",
        # symptoms said in everyday words (K-QA replies: "… can cause dizziness, sleepiness
        # and vomiting")
        "dizziness",
        "drowsiness",
        "sleepiness",
        "tiredness",
        "sneezing",
        "coughing",
        "vomiting",
        "itching",
        "swelling",
        "bleeding",
        "confusion",
        "spasm",
        "spasms",
        "caffeine",
    ]
)


def _suffix_terms(text: str) -> list[str]:
    """Medical-looking words of a reply with the word that makes them a term
    ("echogenic lesions", "fat necrosis", "calcification")."""
    found = list(re.finditer(r"[A-Za-z][A-Za-z-]*", text))
    words = [m.group() for m in found]
    # two words make one term only with nothing but space between ("… bowel disease,
    # Diverticulitis" are two)
    spaced = [not text[a.end() : b.start()].strip() for a, b in itertools.pairwise(found)]
    out = []
    for i, word in enumerate(words):
        lower = word.lower()
        if not _MEDICAL_SUFFIX.match(lower) or lower in _COMMON:
            continue
        if lower.endswith(("genic", "traumatic")) and i + 1 < len(words) and spaced[i]:
            out.append(f"{lower} {words[i + 1].lower()}")
        elif i and spaced[i - 1] and _modifies(words[i - 1]):
            out.append(f"{words[i - 1].lower()} {lower}")
        else:
            out.append(lower)
    return out
