"""The evidence plan between retrieval and writing: what the question is about and asks,
and for each section of the page the quoted runs of the archive's answers on that focus
whose question type fits, the section answering the question first.

Sentences from records about another condition never enter a section about this one: a
section's evidence comes only from records whose focus is the question's focus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from itertools import pairwise, takewhile
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from assistant.corpus.headings import is_heading, split_headings
from assistant.corpus.record import Record
from assistant.drafting.arrange import (
    ADVICE_VERBS,
    SEEK_CARE,
    fits,
    names_any,
    on_other_topic,
    told_under,
)
from assistant.drafting.definitions import defines
from assistant.drafting.models import DraftRequest, DraftSentence
from assistant.index import Archive
from assistant.knowledge import lexicon
from assistant.knowledge.classes import medicine_classes
from assistant.retrieval import Passage, Source
from assistant.text import sentence_spans, split_sentences
from assistant.understanding import (
    EVIDENCE_TYPES,
    TOLD_UNDER,
    Ask,
    FocusAnswers,
    FocusCatalogue,
    Understanding,
    is_medicine,
    key_of,
    keys_of,
    understand,
)
from assistant.understanding.focus import defined_abbreviations
from assistant.understanding.particulars import Particulars, for_their_age
from assistant.understanding.spelling import english

# the sections of a More Info page, in page order after the answer
PAGE_ORDER: tuple[Ask, ...] = (
    "definition",
    "causes",
    "symptoms",
    "diagnosis",
    "treatment",
    "outlook",
    "prevention",
)
# … and of a page on a medicine: no causes or signs of its own ("Antibiotics do not fight
# infections caused by viruses" tells no cause of antibiotics); tests stay, as the dictionary's
# medicines are also what tests measure ("The tests are done to check how well your kidneys
# are working", on creatinine); its side effects before how it is taken, as an answer on a
# medicine tells them ("Antidepressants may cause mild side effects … Tell your doctor if you
# have any side effects.")
MEDICINE_ORDER: tuple[Ask, ...] = (
    "definition",
    "diagnosis",
    "side_effects",
    "treatment",
    "outlook",
    "prevention",
)
_LIST_INTRO = re.compile(r"(:|\binclude|\bfollowing|\bif you|\bsuch as)\s*$", re.I)
# a sentence that promises a count of things it does not name: "There are three ways that
# cancer spreads in the body." (not "There are two types of diabetes: type 1 and type 2.")
_PROMISES_LIST = re.compile(
    r"^there (are|is) (two|three|four|five|six|seven|several|\d+) (\w+ )?(ways|types|kinds|"
    r"forms|stages|steps|groups|categories|classes|phases|parts|things)\b[^,;:]*$",
    re.I,
)
# what opens a list item that is no sentence of its own: "- Whether or not the tumor can be
# removed by surgery.", "- Where the tumor is found in the pancreas." (a clause with no
# sentence around it), "- Has come back after treatment." (a verb with no subject)
_ITEM_FRAGMENT = re.compile(
    r"^(whether|how|that|(where|when|if|because|while)\b[^,]*$|(has|have|is|are|was|were)\b)",
    re.I,
)
_BOILERPLATE = re.compile(
    r"\b(this summary|pdq|click|these resources|this section|listed below|links? below|"
    r"clinicaltrials|genereviews|human phenotype ontology|approximate number of patients|"
    r"nih:|national institute|for more information|see the|research\w*|scientists|studies|"
    r"(?-i:see [A-Z]\w+)|watch the|video|(learn|read|find out) more|the table below|"
    r"medical dictionary|orphanet|fractions?|rough estimate|these frequencies|"
    r"information on frequency)\b",
    re.I,
)
_LABEL = re.compile(r"^(summary|key points?|overview)\s*:\s*", re.I)
RUN = {"answer": 5, "other": 3}


class Quote(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    record_id: str


class PlannedSection(BaseModel):
    model_config = ConfigDict(frozen=True)

    ask: Ask
    answers_question: bool
    quotes: tuple[Quote, ...]
    focus: str | None = None  # a second condition asked about ("… and HPV"); None: the focus


class Plan(BaseModel):
    """An inspectable plan: sections with their quoted evidence, and what is missing."""

    model_config = ConfigDict(frozen=True)

    understanding: Understanding
    sections: tuple[PlannedSection, ...] = ()
    missing: tuple[Ask, ...] = ()  # asked, but the archive has no answer on the focus
    # when to see a doctor, and for what signs, in the focus's own answers
    warning_signs: tuple[Quote, ...] = ()
    # the sections a page on the focus has (a medicine's: no causes or signs)
    page_order: tuple[Ask, ...] = PAGE_ORDER

    @property
    def quotes(self) -> list[Quote]:
        return [*(q for s in self.sections for q in s.quotes), *self.warning_signs]

    @property
    def record_ids(self) -> list[str]:
        return list(dict.fromkeys(q.record_id for q in self.quotes))


def make_plan(
    archive: Archive,
    question: str,
    reply: str | None = None,
    title: str | None = None,
    age_range: str | None = None,
    sex: str | None = None,
    exclude_ids: frozenset[str] = frozenset(),
    max_words: int = 480,
) -> Plan:
    foci = archive.foci()  # (one look at the collection's revision, not one a section)
    u = understand(question, reply, title, foci, age_range, sex, exclude_ids, archive.speller())
    if not u.focus_records:
        return Plan(understanding=u, missing=u.asks)
    records = archive.records([*u.focus_records, *(r for f in u.also for r in f.records)])
    on = [records[r].focus or "" for r in u.focus_records if r in records]
    # (a medicine's class is one too: "Pain Relievers" for ibuprofen)
    medicine = u.member is not None or (on and all(is_medicine(f) for f in on))
    order = MEDICINE_ORDER if medicine else PAGE_ORDER
    # (what is said of the half of a two-condition focus the question does not name is
    # never quoted, as if it were quoted already)
    used = _of_the_other_half(records, u.question)
    sections: list[PlannedSection] = []
    missing: list[Ask] = []
    words = 0
    # what is asked, about the focus and about a second condition asked about with it ("… and
    # HPV", from that condition's own records); then the page's other sections on the focus
    steps: list[tuple[Ask, FocusAnswers | None]] = [(a, None) for a in u.asks]
    steps += [(a, other) for other in u.also for a in u.asks]
    steps += [(a, None) for a in order if a not in u.asks]
    another_kind = _of_another_kind(u.member) if u.member is not None else None
    for ask, other in steps:
        if ask == "seek_care":
            continue  # the warning signs below answer it
        answering = ask in u.asks
        size = RUN["answer" if answering else "other"]
        records_for = other.records_for if other else u.records_for
        quotes = _run(records, records_for(ask), used, size, ask)
        if quotes is not None:
            quotes = _on_the_focus(quotes, records, u.focus_names, foci) or None
        if quotes is None and answering and ask in TOLD_UNDER:
            # told under another ask's answers: the sentences there that talk about it
            if any(told_under(q.text, ask, p.ask) for p in sections for q in p.quotes):
                continue  # (quoted already, in the section asked first)
            under = TOLD_UNDER[ask]
            quotes = _run(records, records_for(under), used, size, ask, told_under=under)
        if quotes is not None and another_kind is not None:
            quotes = _without(quotes, another_kind) or None
        if quotes is not None:
            quotes = _for_their_age(quotes, u.particulars) or None
        if quotes is None:
            if answering and other is None:
                missing.append(ask)
            continue
        length = sum(len(q.text.split()) for q in quotes)
        if not answering and words + length > max_words:
            continue
        used.update(q.text for q in quotes)
        words += length
        sections.append(
            PlannedSection(
                ask=ask,
                answers_question=answering,
                quotes=quotes,
                focus=other.name if other else None,
            )
        )
    asked = "seek_care" in u.asks
    most = WARNINGS_ASKED if asked else WARNINGS
    warnings = _warning_signs(records, u.focus_records, used, most, u.particulars.child)
    warnings = _for_their_age(warnings, u.particulars)
    if asked and not warnings:
        missing.append("seek_care")
    return Plan(
        understanding=u,
        sections=tuple(sections),
        missing=tuple(missing),
        warning_signs=warnings,
        page_order=order,
    )


def _on_the_focus(
    quotes: Sequence[Quote],
    records: Mapping[str, Record],
    focus_names: Sequence[str],
    foci: FocusCatalogue,
) -> tuple[Quote, ...]:
    """``quotes`` without what an answer on two conditions says of the other one alone:
    NIDDK's "High Blood Pressure and Kidney Disease" says "Kidney disease is diagnosed with
    urine and blood tests", which is no test for high blood pressure (not "The best way to
    slow or prevent kidney disease from high blood pressure is …", which names both)."""
    others = {
        r: _other_halves(records[r].focus, focus_names, foci) for r in {q.record_id for q in quotes}
    }
    return _without(
        quotes,
        lambda q: names_any(q.text, others[q.record_id]) and not names_any(q.text, focus_names),
    )


def _other_halves(
    focus: str | None, focus_names: Sequence[str], foci: FocusCatalogue
) -> tuple[str, ...]:
    """Of a focus that names two conditions ("High Blood Pressure and Kidney Disease",
    "Meningitis and Encephalitis"), the others than the question's (``focus_names``), where
    the archive answers on each of them apart; () for any other focus: the archive has no
    answer on nausea but in "Nausea and Vomiting", nor on dizziness but in "Dizziness and
    Vertigo", which speak of one complaint."""
    halves = _halves(focus)
    if len(halves) < 2 or not any(names_any(h, focus_names) for h in halves):
        return ()
    together = {r.record_id for f in foci.find(focus or "") for r in f.records}
    others = tuple(h for h in halves if not names_any(h, focus_names))

    def apart(half: str) -> bool:
        return any(
            f.surface == half and {r.record_id for r in f.records} - together
            for f in foci.find(half)
        )

    return others if all(apart(h) for h in others) else ()


def _halves(focus: str | None) -> list[str]:
    """The conditions a focus names: "High Blood Pressure and Kidney Disease" is two, "A, B
    and C" three; any other focus one."""
    return re.split(r",? and |, ", focus or "")


def _of_the_other_half(records: Mapping[str, Record], question: str) -> set[str]:
    """The sentences on the half of a two-condition focus that the question does not name:
    asked about "muscle strain", MedlinePlus's "Sprains and Strains" runs "A sprain is a
    stretched or torn ligament. Ligaments are tissues that connect bones at a joint. …
    Symptoms include pain, swelling, bruising, and being unable to move your joint." before
    it turns to strains; a sentence that names neither half is on the one named last. Only
    where the answer says what each half is ("A strain is …"): "Dizziness and Vertigo" and
    "Nausea and Vomiting" speak of one complaint."""
    asked = f" {key_of(question)} "
    other: set[str] = set()
    for record in records.values():
        names = _halves(record.focus)
        halves = {f" {key_of(h)} " for h in names}
        named = {h for h in halves if h in asked}
        if len(halves) != 2 or len(named) != 1:
            continue
        sentences = sentences_of(record)
        if not all(any(defines(s, h) for s in sentences) for h in names):
            continue
        on = halves
        for sentence in sentences:
            words = f" {key_of(sentence)} "
            on = {h for h in halves if h in words} or on
            if not on & named:
                other.add(sentence)
    return other


def _of_another_kind(member: tuple[str, str]) -> Callable[[Quote], bool]:
    """For a medicine drafted from its class's answer, whether a quote says something of a
    kind of that class the medicine is not (looked up once a plan): "The most powerful pain
    relievers are narcotics. They are very effective, but they can sometimes have serious
    side effects." is nothing on ibuprofen (one that names its own kind, or the medicine, is
    on it: "There are two main types of OTC pain medicines: acetaminophen (Tylenol) and …
    (NSAIDs)")."""
    written, generic = member
    classes = medicine_classes()
    other = classes.other_kinds(generic)
    own = [*classes.own_kinds(generic), *lexicon().synonyms(generic), written]
    return lambda q: names_any(q.text, other) and not names_any(q.text, own)


def _without(quotes: Sequence[Quote], drop: Callable[[Quote], bool]) -> tuple[Quote, ...]:
    """``quotes`` but those ``drop`` picks, each with the ones after it that lean on it or
    name a medicine it names ("Rotarix is given in two doses." after the left-out "Two oral
    vaccines … protect children from rotavirus infections: … (RotaTeq); and … (Rotarix).")."""
    kept: list[Quote] = []
    dropped: str | None = None
    named: set[str] = set()
    for q in quotes:
        if q.record_id == dropped and (not standalone(q.text) or named & medicines_named(q.text)):
            continue
        if drop(q):
            dropped, named = q.record_id, medicines_named(q.text)
            continue
        dropped = None
        kept.append(q)
    return tuple(kept)


def _for_their_age(quotes: Sequence[Quote], particulars: Particulars) -> tuple[Quote, ...]:
    """The quotes that do not speak only of people of another age than the patient's: of
    grown-ups for a child ("Migraine is three times more common in women than in men"), of
    children for a grown-up ("Your child will need to take antibiotics for at least 3 to 5
    days"), each kept to its sentences before the first that does; one that leans on a
    left-out quote goes with it."""
    said = [(q, for_their_age(q.text, particulars)) for q in quotes]
    gone = {q for q, text in said if not text}
    trimmed = [q.model_copy(update={"text": text}) if text else q for q, text in said]
    return _without(trimmed, gone.__contains__)


WARNINGS = 2  # sentences on when to see a doctor, at most
WARNINGS_ASKED = 4  # … where the question asks it
# when to see a doctor, and for what: "If you have rectal bleeding you should see a doctor",
# "You should talk to your doctor if you have a strong pain in your abdomen …" (not "Most
# people dont need to see a doctor before they start …", nor "People with mild cases of the
# flu should stay home …, except to get medical care")
_WHEN = re.compile(r"\b(if|when|whenever|right away|immediately|at once|urgent\w*)\b", re.I)
_NO_NEED = re.compile(
    r"\b(do not|don't|dont|doesn't|no|never) need\b|\b(tested|screened|screening)\b", re.I
)
_TO_A_PARENT = re.compile(r"(if|when) your (child|baby|infant|toddler|son|daughter)\b", re.I)
_CARER = re.compile(
    r"\b(doctor|physician|health ?care (provider|professional)|provider|911|emergency|"
    r"medical (help|attention|care))\b",
    re.I,
)
# answers that tell when to get care for the condition (not when to get tested for it, nor
# how to prevent it: "If you are younger than 45 … talk with your doctor about being tested")
_NOT_WARNING_TYPES = frozenset({"exams and tests", "prevention", "susceptibility", "frequency"})


def _warning_signs(
    records: Mapping[str, Record],
    record_ids: Sequence[str],
    used: set[str],
    most: int,
    child: bool = False,
) -> tuple[Quote, ...]:
    """The first sentences of the focus's answers that tell when to see a doctor and why,
    not quoted already, each with the ones right after it that lean on it ("You should also
    get medical attention if you have back pain following an injury"); those told a child's
    parent ("If your child has diarrhea, do not hesitate to call the doctor …") only where
    the question is about a ``child``."""
    found: list[Quote] = []
    for record_id in record_ids:
        record = records.get(record_id)
        if record is None or record.question_type in _NOT_WARNING_TYPES:
            continue
        sentences = list(_quotable(record, used))
        for i, sentence in enumerate(sentences):
            if not (
                sentence
                and SEEK_CARE.search(sentence)
                and _CARER.search(sentence)
                and _WHEN.search(sentence)
                and not _NO_NEED.search(sentence)
                and standalone(sentence)
                and (child or not _TO_A_PARENT.match(sentence))
            ) or any(q.text == sentence for q in found):
                continue
            found.append(Quote(text=sentence, record_id=record_id))
            for follows in takewhile(_leans_on_it, sentences[i + 1 : i + 1 + BACK]):
                found.append(Quote(text=follows or "", record_id=record_id))
            if len(found) >= most:
                return tuple(found)
    return tuple(found)


def _leans_on_it(sentence: str | None) -> bool:
    """Whether a sentence goes on from the one before it, and may be quoted right after it."""
    return (
        sentence is not None
        and not standalone(sentence)
        and standalone(sentence, after_predecessor=True)
    )


def plan_for(archive: Archive | None, request: DraftRequest) -> Plan | None:
    """The request's plan; None without an archive to plan from."""
    if archive is None:
        return None
    return make_plan(
        archive,
        request.question,
        request.reply,
        request.title,
        request.asker.age_range,
        request.asker.sex,
        request.exclude_ids,
    )


def as_read(request: DraftRequest, plan: Plan | None) -> DraftRequest:
    """The request with its question as read (misspelt names corrected), for searching."""
    if plan is None or not plan.understanding.corrections:
        return request
    return request.model_copy(update={"question": plan.understanding.question})


def _run(
    records: dict[str, Record],
    ranked_ids: list[str],
    used: set[str],
    size: int,
    ask: Ask,
    told_under: Ask | None = None,
) -> tuple[Quote, ...] | None:
    """The opening run of consecutive usable sentences of the best-fitting answer; from a
    general answer (question type "information") on another ask, only the sentences that
    talk about that ask, so that no sentence sits under a heading it does not fit; from the
    answers on ``told_under`` (:data:`TOLD_UNDER`), the sentences there that talk about it."""
    for record_id in ranked_ids:
        record = records.get(record_id)
        if record is None or not record.long_explanation:
            continue
        general = told_under or (record.question_type == "information" and ask != "definition")
        run = (
            _on_cue(record, used, size, ask, told_under)
            if general
            else _opening_run(record, used, size, ask)
        )
        if run:
            return tuple(Quote(text=t, record_id=record_id) for t in run)
    return None


def _quotable(record: Record, used: set[str]) -> Iterator[str | None]:
    """The record's sentences, cleaned; None for one that cannot be quoted."""
    for sentence, ok, _, _ in _sentences(record.long_explanation or "", record.title, record.focus):
        yield sentence if ok and sentence not in used else None


def _parts(record: Record) -> list[int]:
    """For each of the record's sentences (as :func:`_quotable` gives them), the part of the
    answer it stands in: a heading starts the next part ("Acute and Subacute Cough" in an
    answer on treating a cough)."""
    return [r.part for r in _sentences(record.long_explanation or "", record.title, record.focus)]


def balanced(sentence: str) -> bool:
    """Whether each bracket the sentence opens it closes: not '("Rate" refers to the number
    of times your heart beats per minute.', cut out of a parenthesis of two sentences."""
    return sentence.count("(") == sentence.count(")")


def list_items(record: Record) -> frozenset[str]:
    """The record's list items that are no sentences of their own (:func:`item_fragment`),
    as :func:`_sentences` reads them."""
    read = _sentences(record.long_explanation or "", record.title, record.focus)
    return frozenset(r.sentence for r in read if r.item)


class _Read(NamedTuple):
    sentence: str  # cleaned
    ok: bool  # may be quoted at all
    part: int  # the part of the answer it stands in (a heading starts the next)
    item: bool  # a list item that is no sentence of its own


@lru_cache(maxsize=4096)
def _sentences(text: str, title: str, focus: str | None) -> tuple[_Read, ...]:
    """An answer's cleaned sentences, as read (:class:`_Read`); cached, as the same archive
    answers are planned from, and their list items looked up, draft after draft."""
    found: list[_Read] = []
    part = 0
    text = split_headings(text, [title, focus])
    for start, end in sentence_spans(text, run_together=True):
        raw = text[start:end]
        sentence = strip_label(raw.lstrip("-•* ").strip())
        if is_heading(sentence) or sentence.endswith("?"):
            part += bool(found)
            continue
        item = bool(sentence) and item_fragment(text, start, sentence)
        ok = (
            4 <= len(sentence.split()) <= 40  # "Antibiotics can cure PID." is an answer
            and sentence[-1:] == "."
            and not _BOILERPLATE.search(sentence)
            and not _LIST_INTRO.search(sentence.rstrip("."))
            and not _glued_list(sentence)
            and not _GLUED_HEADING.search(sentence)
            and not lost_dashes(sentence)
            and not item
            and balanced(sentence)
        )
        found.append(_Read(sentence, ok, part, item))
    # nor what the answer sets up to take back in a sentence that cannot be quoted: "You may
    # have heard of anabolic steroids, which can have harmful effects. But there's another
    # type of steroid - sometimes called a corticosteroid - that treats …" (alone, it reads
    # as what the answer says of steroids)
    for i, (read, after) in enumerate(pairwise(found)):
        if read.ok and not after.ok and _SET_UP.match(read.sentence):
            found[i] = read._replace(ok=False)
    return tuple(found)


_SET_UP = re.compile(
    r"(you (may|might) have heard|(many|some) people (think|believe)|it is (often|commonly) "
    r"(thought|believed))\b",
    re.I,
)


def _glued_list(sentence: str) -> bool:
    """Whether ``sentence`` holds a list the source glued into one line ("These include -
    Anxiety - Stress - …"); not two dashes around an aside, where the sentence goes on after
    them: "But there's another type of steroid - sometimes called a corticosteroid - that
    treats a variety of problems." """
    return " - " in sentence and not _ASIDE_IN_DASHES.match(sentence)


# a capital, the words before the aside (not a list's introduction: "… are - Conjunctivitis
# - also known as pinkeye."), an aside of at most eight words that opens in lower case, and
# three or more words after it
_ASIDE_IN_DASHES = re.compile(
    r"^[A-Z][^-]*(?<!\binclude)(?<!\bincludes)(?<!\bincluding)(?<!\bfollowing)(?<!\bare)"
    r"(?<!\bis)(?<!\bcause)(?<!\bas)(?<![:;])(?<!\bor) - "
    r"[a-z][^\s;-]*(?: [^\s;-]+){0,7} - [a-z][^\s-]*(?: [^\s-]+){2,}$"
)


def sentences_of(record: Record) -> list[str]:
    """A record's quotable sentences, cleaned, in order."""
    return [s for s in _quotable(record, set()) if s is not None]


def in_record_order(
    sentences: Sequence[DraftSentence], records: Mapping[str, Record]
) -> tuple[DraftSentence, ...]:
    """``sentences`` with each record's quoted sentences in the places they hold, put in the
    order the record says them, a sentence that leans on its predecessor right after the one
    before it from its record; what is not a sentence of its record stays where it is."""
    out = list(sentences)
    orders: dict[str, dict[str, int]] = {}  # each record's sentence → its first place
    slots: dict[str, list[tuple[int, int]]] = {}
    for n, sentence in enumerate(sentences):
        record = records.get(sentence.source_id or "")
        if record is None:
            continue
        if record.id not in orders:
            said = sentences_of(record)
            orders[record.id] = {text: i for i, text in reversed(list(enumerate(said)))}
        # (a pair by its first sentence: "In men, chlamydia can infect the epididymis …
        # This can cause pain, …")
        at = orders[record.id].get(sentence.text)
        if at is None:
            at = orders[record.id].get(next(iter(split_sentences(sentence.text)), ""))
        if at is not None:
            slots.setdefault(record.id, []).append((n, at))
    for taken in slots.values():
        places = [n for n, _ in taken]
        for place, (n, _) in zip(places, sorted(taken, key=lambda t: t[1]), strict=True):
            out[place] = sentences[n]
    # and what leans on the sentence before it in its answer follows that sentence: "These
    # changes might make it easier …" is not parted from "Lifestyle changes often can help …"
    # by a sentence of another answer
    for n in range(1, len(out)):
        sentence = out[n]
        if sentence.source_id is None or sentence.source_id == out[n - 1].source_id:
            continue
        if standalone(sentence.text):
            continue
        before = [k for k in range(n) if out[k].source_id == sentence.source_id]
        if before:
            out.insert(before[-1] + 1, out.pop(n))
    return tuple(out)


def _opening_run(record: Record, used: set[str], size: int, ask: Ask) -> list[str]:
    """The answer's first run of ``size`` consecutive quotable sentences (past a heading only
    into a part that opens on what is asked: "Medication: Medications that lower blood
    pressure can also …", not "Acute and Subacute Cough: An acute cough lasts less than 3
    weeks." in an answer on treating a cough); for the symptoms,
    when it names next to nothing (no condition, symptom or medicine but the focus), a later
    run on them that names clearly more. "The signs and symptoms of iron-deficiency anemia
    depend on its severity. Mild to moderate … may have no signs or symptoms. …" gives way
    to "Signs and symptoms of iron deficiency may include brittle nails, swelling or soreness
    of the tongue, …". (Elsewhere an opening that names nothing is usually the overview:
    "Treatments may include dietary changes and supplements, medicines, and surgery.")"""
    sentences = list(_quotable(record, used))
    parts = _parts(record)
    own = f"{record.focus or ''} {record.title}".lower()
    names = _own_names(record)

    def goes_on(i: int) -> bool:  # not "The following tests are used …"
        sentence = sentences[i]
        return (
            sentence is not None
            and standalone(sentence, after_predecessor=True)
            and (parts[i] == parts[i - 1] or fits(sentence, ask, names))
        )

    def run_from(start: int) -> list[str]:
        after = takewhile(goes_on, range(start + 1, min(start + size, len(sentences))))
        return [sentences[i] or "" for i in (start, *after)]

    runs = [
        (start, run_from(start))
        for start, first in enumerate(sentences)
        if first is not None and standalone(first)
    ]
    if not runs:
        return []

    def named(run: tuple[int, list[str]]) -> int:
        return len({name for s in run[1] for seen, name in _named(s) if seen not in own})

    chosen = runs[0]
    opening = named(chosen)
    first = chosen[1][0]
    if ask == "prevention" and not fits(first, ask, names) and on_other_topic(first, ask):
        # a prevention answer that opens on how it spreads: CDC's "How to prevent scabies"
        # ("When a person is infested … symptoms may not appear for up to two months"), then
        # what prevents it ("Scabies is prevented by avoiding …")
        chosen = next((r for r in runs[1:] if fits(r[1][0], ask, names)), chosen)
    if ask == "symptoms" and opening <= VAGUE:
        better = [
            r for r in runs[1:] if fits(r[1][0], ask, names) and named(r) >= opening + CLEARLY_MORE
        ]
        chosen = max(better, key=named, default=chosen)  # the first of the best
    elif ask != "definition" and any(s in used for s in sentences_of(record)[: chosen[0]]):
        # past what another section quoted of it, the answer goes on to other topics: a run
        # there must open on what is asked ("An acute cough lasts less than 3 weeks." is no
        # treatment, though the answer on treating a cough says it)
        on_it = [r for r in runs if fits(r[1][0], ask, names)]
        if not on_it:
            return []
        chosen = on_it[0]
    # a run that an unquotable sentence cut short goes on with the next one after it ("… for
    # men older than age 50. [a sentence ending on a footnote number] Although benign
    # prostatic hyperplasia rarely causes symptoms before age 40, …"); not past a sentence
    # that needs what follows it ("The following tests are used …"), and not in a general
    # answer's opening, which goes on to other topics ("Your doctor will diagnose …")
    start, run = chosen
    end = start + len(run)
    for start, more in runs if ask != "definition" else []:
        if start < end:  # inside what the run holds already
            continue
        if len(run) >= size or any(sentences[end:start]):
            break
        if parts[start] != parts[end - 1] and not fits(more[0], ask, names):
            break
        taken = more[: size - len(run)]
        run, end = run + taken, start + len(taken)
    # nor does it end right before a sentence that goes on from its last one ("They can be
    # symptoms of many different conditions. These include morning sickness, …")
    while end < len(sentences) and len(run) < size + BACK and _leans_on_it(sentences[end]):
        run.append(sentences[end] or "")
        end += 1
    if ask in ("treatment", "medication"):
        run += _other_medicines(sentences[end:], run)
    return run


def _other_medicines(rest: Sequence[str | None], run: Sequence[str]) -> list[str]:
    """Of the sentences after a treatment run, up to ``OTHER_MEDICINES`` that stand alone
    and name a medicine the run does not, each with those that lean on it: a treatment
    answer often opens on the first treatment and names the next ones further on (NIA on
    gout, after NSAIDs and corticosteroids: "When NSAIDs or corticosteroids fail to control
    pain and swelling, the doctor may use another drug, colchicine.", then the medicines that
    lower uric acid)."""
    named = {name for s in run for name in medicines_named(s)}
    found: list[str] = []
    picked = 0
    for i, sentence in enumerate(rest):
        if picked == OTHER_MEDICINES:
            break
        if sentence is None or not standalone(sentence):
            continue
        new = medicines_named(sentence) - named
        if not new:
            continue
        # with the ones right after it that lean on it ("This drug is most effective when
        # taken within the first 12 hours of an acute attack.")
        follows = takewhile(_leans_on_it, rest[i + 1 : i + 1 + BACK])
        found += [sentence, *(f or "" for f in follows)]
        named |= new
        picked += 1
    return found


OTHER_MEDICINES = 2  # sentences naming further medicines, at most, after a treatment run


def medicines_named(sentence: str) -> set[str]:
    """The medicines a sentence names (their lexicon names)."""
    return {m.canonical.lower() for m in lexicon().find(sentence) if m.kind == "drug"}


VAGUE = 1  # things an opening run names, at most, for a later run to be looked for
CLEARLY_MORE = 3  # more things named that a later run needs to replace the opening one


@lru_cache(maxsize=16384)
def _named(sentence: str) -> frozenset[tuple[str, str]]:
    """The conditions, symptoms and medicines a sentence names: (as written, lexicon name)."""
    return frozenset(
        (m.surface.lower(), m.canonical.lower())
        for m in lexicon().find(sentence)
        if m.kind != "abbreviation"
    )


def _on_cue(
    record: Record, used: set[str], size: int, ask: Ask, under: Ask | None = None
) -> list[str]:
    """The sentences that talk about ``ask``, each with the ones right after it that lean
    on it ("Antiviral medicines can help them heal faster. They can also help to prevent
    cold sores …"), in the answer's order; in an answer on ``under``, those that talk about
    it there, though they talk about ``under`` too ("Drugs … to prevent future attacks")."""
    sentences = list(_quotable(record, used))
    names = _own_names(record)
    found: list[str] = []
    i = 0
    while i < len(sentences) and len(found) < size:
        sentence = sentences[i]
        i += 1
        # (in an answer on ``under``, only what tells the ask there: "Your doctor will monitor
        # how you respond" in a treatment answer is no outlook)
        if sentence is None or not (
            told_under(sentence, ask, under) if under else fits(sentence, ask, names)
        ):
            continue
        if ask == "prevention" and _prevents_another(sentence, record):
            continue
        lead = _lead_of(sentences, i - 1)  # [sentence] where it stands alone
        if not lead or any(s in found for s in lead) or len(found) + len(lead) > size:
            continue
        # nor when what it leans on talks about another topic: "They can be symptoms of many
        # different conditions. These include …, cancer chemotherapy or other medicines." is
        # no treatment of nausea
        if any(on_other_topic(s, ask) for s in lead[:-1]):
            continue
        found += lead
        while i < len(sentences) and len(found) < size and _leans_on_it(sentences[i]):
            found.append(sentences[i] or "")
            i += 1
    return found


def _own_names(record: Record) -> tuple[str, ...]:
    """The names an answer gives what it is about: its focus, its title, and the short form
    it defines for them ("Polycystic ovary syndrome (PCOS) happens when …": "PCOS")."""
    return _names_in(record.focus, record.title, record.long_explanation or "")


@lru_cache(maxsize=4096)
def _names_in(focus: str | None, title: str | None, text: str) -> tuple[str, ...]:
    """:func:`_own_names`, cached as :func:`_sentences` is: the plan reads an answer by its
    names once for each section, and the search for the short forms it defines costs about
    a millisecond."""
    names = [n for n in (focus, title) if n]
    defined = defined_abbreviations((n, text) for n in names)
    return tuple(dict.fromkeys([*names, *defined]))


def _prevents_another(sentence: str, record: Record) -> bool:
    """Whether what ``sentence`` prevents is another condition than the record's: "This helps
    prevent infections." in an answer on cough tells what coughing does, not how to prevent a
    cough."""
    own = keys_of(record.focus or record.title or "")
    for match in re.finditer(r"\bprevent\w*\s+((?:\w+\s+){0,3}\w+)", sentence, re.I):
        for mention in lexicon().find(match.group(1)):
            if (
                mention.kind == "disease"
                and not {key_of(mention.surface), key_of(mention.canonical)} & own
            ):
                return True
    return False


BACK = 2  # sentences a run may reach back for the one that a sentence leans on


def _lead_of(sentences: Sequence[str | None], at: int) -> list[str]:
    """The run that ends at ``sentences[at]`` and starts at the sentence it leans on ("Pink
    eye … It involves … It can cause swelling, itching …"), at most ``BACK`` back; [] where
    there is none."""
    run: list[str] = []
    for j in range(at, max(at - BACK, 0) - 1, -1):
        sentence = sentences[j]
        if sentence is None:
            return []
        run.insert(0, sentence)
        if standalone(sentence):
            before = sentences[j - 1] if j else None
            if before is not None and uses_abbreviation_of(sentence, before):
                return [before, *run]
            return run
        if not standalone(sentence, after_predecessor=True):
            return []
    return []


_DEFINED = re.compile(r"\(([A-Z][A-Za-z]?[A-Z]{1,5})s?\)")


def uses_abbreviation_of(sentence: str, predecessor: str) -> bool:
    """Whether ``sentence`` uses a short name that ``predecessor`` gives ("… can lead to
    pelvic inflammatory disease (PID). PID can cause infertility …"), and does not say
    itself what it stands for."""
    for short in _DEFINED.findall(predecessor):
        if re.search(rf"\b{short}s?\b", sentence) and f"({short}" not in sentence:
            return True
    return False


_OPENS_ON_PREDECESSOR = re.compile(
    r"^(if (not|so)|these|this|such|those|they|them|it|its|he|she|his|her|here|others|"
    r"there(?! (is|are) (no|many|several|two|three|four|five|\d+|more than)\b)|other|"
    r"another|also|"
    # ("Neither an effective treatment nor cure is available" leans on nothing before it)
    r"however|but|and|or|so|thus|therefore|then|now|both|either|neither(?! [^.]*\bnor\b)|"
    # "Nor does mild pain mean a problem is not serious": the other half of a denial before
    r"nor|"
    r"in addition|"
    r"additionally|for examples?|for instance|for this reason|as a result|as such|examples?|"
    r"in (this|these|such|that) \w+|like|unlike|similarly|instead|otherwise|again|likewise|"
    r"furthermore|moreover|the (latter|former|same)|in (most|many|some) cases|"
    # "Some" of what came before, doing something: "Blood pressure medicines work in
    # different ways … Some remove extra fluid and salt from the body." (not "Some people …"),
    # and "Many" of them: "Many give off chemicals called toxins, …" (bacteria)
    r"(some|many|most|several|few) (have|has|may|might|are|is|can|could|will|would|also|"
    r"develop|experience|remove|need|require|work|act|give|cause|produce|make|live|do)\b|"
    # the next step of a story told before: "Eventually, the voice becomes gurgling …"
    r"(eventually|finally|later|afterwards?)(?=,)|"
    # "The second is from when your heart is at rest": the second of what came before
    r"the (second|third|fourth|fifth|next|other)( one)? (is|are|was|were|can|may|has|occurs)|"
    r"(when|if|because|as|since|although|while|once|after|before|until|unless) "
    r"(they|it|these|this|those|such|he|she)|\w+, (it|they|this|these)|"
    # (not another name in apposition: "Birth control, also known as contraception, is …")
    r"(\w+\W+){1,3}also(?! (known as|called|named|referred to)\b)|"
    # "All of these medicines have …", "Each of them …", "Most such cases …"
    r"(all|each|many|most|some|none|any|one|two|several|few) (of )?(these|those|them|such)|"
    # "The cause can be an infection or another problem": the cause of what it followed
    r"the (cause|reason|condition|disease|disorder|infection|problem|virus|viruses|bacteria|"
    r"germs) (can|may|might|is|are|was|usually|often|most|probably|also|typically|generally|"
    # "The viruses multiply, the tell-tale rash erupts, …": the viruses of the story before
    r"results?|occurs?|affects?|causes?|multiply|spread|travel|reach|enter|then)|"
    # "The ulcers look like common canker sores": the sores of the condition it followed
    r"the (ulcers|sores|rash|lesions|blisters|bumps|spots|patches|lumps|growths) (look|appear|"
    r"heal|last|form|develop|may|can|are|usually|often|typically|tend))\b",
    re.I,
)


# "A slight fever can make it harder for them to survive.": "them" are the bacteria of the
# sentence before; a plural the sentence itself names first ("Bacteria travel … where they can
# thrive", "Most people …, but some of them") or after ("When their anxiety level is mild,
# people with GAD …") is its own
_THEY = re.compile(r"\b(they|them|their|theirs|themselves)\b", re.I)
_PLURAL = re.compile(
    r"\b(\w+(?<!ss)(?<!us)(?<!is)(?<!')s|people|children|women|men|teeth|feet|lice|mice|"
    r"bacteria|fungi|data|criteria|both|many|some|others|few|all|most|each|everyone|anyone|"
    r"someone|you|we|family|staff|team|public|couple)\b",
    re.I,
)


# "People who take these medicines …", "The sap is in the root, stems, leaves and fruit of
# these plants.": a set the source named before
_THESE = re.compile(r"\b(?:these|those)\s+(\w+(?:\s+\w+)?)", re.I)


def _plural_points_back(sentence: str) -> bool:
    """Whether ``sentence`` says "these" things, or "they", "them" or "their", of a plural it
    does not name."""
    if any(_names_a_plural(m.group(1)) for m in _THESE.finditer(sentence)):
        return True
    they = _THEY.search(sentence)
    if they is None or they.start() == 0:  # (one that opens it leans: _OPENS_ON_PREDECESSOR)
        return False
    after = sentence[they.end() :] if they.group().lower() == "their" else ""
    return not _names_a_plural(sentence[: they.start()]) and not _names_a_plural(after)


def _names_a_plural(text: str) -> bool:
    """Whether a word of ``text`` may name a plural (not a verb's -s: "usually causes them")."""
    return any(m.group().lower() not in _FINITE for m in _PLURAL.finditer(text))


# "… do not progress to this advanced stage", "Ivermectin is commonly used to treat this form of
# scabies" (crusted scabies): a stage, form or type named by a sentence that was not quoted
_POINTS_BACK = re.compile(
    r"\b(this|that|these|those) (\w+ )?(stages?|phases?|forms?|types?|kinds?|steps?)\b|"
    # "Your body's natural defenses can usually take it from there."
    r"\bfrom there\b|"
    # what helps besides what was said before: "Using heat pads on the inflamed area, saline
    # nasal sprays, and vaporizers can also help" (after sinusitis's treatments; K-QA 9; not
    # a second verb of the sentence's own subject: "… is used to treat melanoma, and may also
    # be used as palliative therapy")
    r"(?<!\band )\b(can|may|might|could|will|should|does|do) also (help|work|be (helpful|used))\b|"
    # one of the kinds named before: "Urine and blood tests can show which one you have" (of
    # the two kinds of diabetes insipidus), "Ask your health care provider which one is right
    # for you" (not "a condition in which one or more areas …")
    r"(?<!\bin )\bwhich ones? (you|is right|are right)\b|"
    # a short sentence that ends on what its predecessor named: "A worm doesn't cause it.",
    # "Both men and women can get it." (not one whose clause names it first: "If you have
    # diabetes, learn how to manage it"; "them" is :func:`_plural_points_back`'s)
    r"^(?=(\S+\s+){0,8}\S+$)[^,;:]*\bit[.!?]?$|"
    # "There are many other causes.": other than the ones the source named before
    r"^there (is|are|can be) (also )?((many|several|some|a few|numerous) )?other\b|"
    # the risks of what was said before: "Because of the risks, you must use them only under
    # a doctor's supervision" (of narcotics)
    r"^because of (the|these|those|their|its) (risks?|dangers?|side effects?)\b|"
    # "this" for what was said before: "The shingles virus can take advantage of this and
    # become active again", "To do this, …", "The exception to this is …" (not for what
    # the sentence said before it: "If your nose is swollen, this can block the sinuses",
    # "…, but this is less common")
    r"(?<!, )(?<!but )(?<!and )\bthis(?= (and|or|is|was|can|may|might|will|would|could|"
    r"should|happens|means|occurs)\b|[,.;])",
    re.I,
)


# a footnote's marker after a word: "Cirrhosis* is scarring of the liver.", "Bacteria * are
# the most common cause of UTIs." (NIDDK's, for "*See the Pronunciation Guide …")
_MARKER = re.compile(r"(?<=\w) ?\*+(?=[\s,.;:)]|$)")


def strip_label(sentence: str) -> str:
    """A sentence without the "Summary :" label some source pages put before it, nor a
    footnote's marker (:data:`_MARKER`)."""
    return _MARKER.sub("", _LABEL.sub("", sentence))


def standalone(sentence: str, after_predecessor: bool = False) -> bool:
    """Whether a sentence can be quoted on its own: it does not open on its predecessor
    ("These include …", "Such medicines …", "In addition, …") nor introduce a list.
    ``after_predecessor``: quoted right after the sentence it leans on, only the rest counts."""
    leans = not after_predecessor and (
        _OPENS_ON_PREDECESSOR.search(sentence)
        or re.search(r"\bsuch\b(?! as)", sentence, re.I)
        or _POINTS_BACK.search(sentence)
        or _plural_points_back(sentence)
    )
    return not (
        leans
        or re.search(r"^here\b|\b(the following|listed below|as above)\b", sentence, re.I)
        or _LIST_INTRO.search(sentence.rstrip(". "))
        or _PROMISES_LIST.search(sentence.rstrip(". "))
        or _BOILERPLATE.search(sentence)
        or _glued_list(sentence)
        or re.search(r":\s*\d{1,2}[.)]\s", sentence) is not None
        # a list glued to what introduces it: "may advise you to: Reduce …", "For example:
        # Reduce anxiety and stress."
        or _GLUED_LIST.search(sentence) is not None
        or _CLAUSE_THEN_COLON.search(sentence) is not None
        # "Women who have risk factors for iron deficiency: Once a year.": a table's row
        or re.search(r":\s+(\S+\s+){0,2}\S+[.!?]$", sentence) is not None
        or _GLUED_HEADING.search(sentence) is not None
        or lost_dashes(sentence)
        or _LIST_ITEM.search(sentence) is not None
        or _name_then_which(sentence)
        or _label_only(sentence)
    )


# the words a source's lost dash glued onto the word before: "Type 2 diabetesthe most common
# form of diabetesis caused by …", "people with bloody diarrheaa sign of bacterial or parasitic
# infectionshould not use these medicines" (MedQuAD lost its em dashes in places)
_JOINERS = (
    *("the", "also", "are", "and", "which", "that", "should", "may"),
    *("can", "called", "was", "were", "or", "is", "though", "an", "a"),
    # "a topical medicationby enema or suppository"
    *("by", "for", "with", "from", "such", "including", "especially"),
)
# and the words a lost space glued onto the word after: "fat found in theblood", "the most—if
# not the most—controllable" (MedQuAD lost the spaces around some of its links, too)
_LEADING_JOINERS = ("the", "and", "or", "is", "are", "which", "that", "most")
# (a word that opens a sentence too: "Biologicsincluding adalimumab, …")
_LOWER_WORD = re.compile(r"\b[A-Za-z][a-z]{6,}\b")


def lost_dashes(sentence: str) -> bool:
    """Whether a word of ``sentence`` is an English word and a joining word run together
    ("metabolismthe", "levelswhich", "infectionshould"); Latin names are not ("alopecia
    universalis", "osteogenesis imperfecta"). 283 of MedQuAD's 187,921 sentences. A word run
    into a number is one too ("Take a short course2 or 3 daysof an antibiotic", "a low
    dose1 microgram"; 19 in MedQuAD), and so is a joining word run into the English word after
    it ("theblood", "andmeats", "mostcontrollable"; 36 more)."""
    if _WORD_THEN_NUMBER.search(sentence):
        return True
    for word in map(str.lower, _LOWER_WORD.findall(sentence)):
        if english(word):
            continue
        for joiner in _LEADING_JOINERS:
            rest = word[len(joiner) :]
            if word.startswith(joiner) and len(rest) >= 5 and english(rest):
                return True
        for joiner in _JOINERS:
            stem = word[: -len(joiner)]
            # "glandularis", "osteogenesis imperfecta", "spina bifida occulta", "polymyalgia
            # rheumatica", "lentigo maligna" (not "diabetesis", "radiologista", "infectiona")
            latin = (joiner == "is" and stem[-1] not in "se") or (
                joiner in ("a", "an") and _LATIN_STEM.search(stem) is not None
            )
            if word.endswith(joiner) and len(stem) >= 6 and not latin and english(stem):
                return True
        if _two_words(word):
            return True
    return False


_LATIN_STEM = re.compile(r"(ic|t|[^o]n|e|i)$")
# the combining forms that make one word with the word after them ("hydroxysteroid")
_COMBINING = ("hydroxy", "electro", "dentino", "counter", "papilloma", "metallo")


def _two_words(word: str) -> bool:
    """Whether ``word`` is two longer English words run together where the source lost a
    dash: "electrolyteschemicals", "imaginginterprets", "carbohydratessugars" (171 words of
    MedQuAD's; not "hydroxysteroid", "papillomaviruses")."""
    return any(
        english(word[:k]) and _a_word(word[k:]) and word[:k] not in _COMBINING
        for k in range(7, len(word) - 5)
    )


def _a_word(word: str) -> bool:
    """Whether ``word`` is an English word, a medical name the dictionaries give whole, or a
    word of one ("preventedrotavirus diarrhea": "rotavirus infections")."""
    return (
        english(word)
        or any(m.end - m.start == len(word) for m in lexicon().find(word))
        or lexicon().has_word(word)
    )


# a list item whose bullet the source lost, opening the sentence ("drinking alcohol.", "if the
# cancer has spread within the breast."; 259 of MedQuAD's sentences open lower-case; not "pH",
# "mRNA" or "e.g.") or glued after one ("Aspirin and ibuprofen are common types of NSAIDs.
# drinking alcohol. using cocaine."; not "Sarcoptes scabiei var. hominis", "H. pylori")
_LIST_ITEM = re.compile(
    r"(?:^|\b(?!(?:var|ssp|spp|tsp|etc|et|al|vs|no|approx|ca|Inc|Co|Dr|St|Mr|Ms)\.)\w{2,}\. )"
    r"[a-z][a-z'-]*\b(?!\.)"
)

# a list's item that names a thing and says what it is in a relative clause, with no verb of
# its own: "Heart rate, or pulse, which measures how fast your heart is beating." (not "Some
# people develop kidney disease, which can progress …", "Alcohol adds calories, which …")
_NAME_WHICH = re.compile(r"^([A-Z][\w ()'-]*?)(, or [\w ()'-]+?)?, (which|that|who) [^,]+$")
_NO_NAME_TEXT = """
is are was were be been being has have had can can't could may might will would should must
do does did not also there it it's youre they this these that you we he she for some others
most many develop require need get experience
"""
_NO_NAME_WORDS = frozenset(_NO_NAME_TEXT.split())


def _name_then_which(sentence: str) -> bool:
    """Whether ``sentence`` is a name of at most five words and a relative clause on it."""
    match = _NAME_WHICH.match(sentence.rstrip(". "))
    words = match.group(1).split() if match else []
    return 0 < len(words) <= 5 and _verbless(words)


def _verbless(words: Sequence[str], verb: str = r"[a-z]+[^su]s") -> bool:
    """Whether no word of ``words`` is a verb: none is one of ``_NO_NAME_WORDS`` ("is",
    "can", "develop"), and none after the first looks like ``verb`` ("adds")."""
    return not any(
        w.lower() in _NO_NAME_WORDS or (i and re.fullmatch(verb, w)) for i, w in enumerate(words)
    )


_BULLETS = frozenset(["-", "•", "*"])
# the verbs that make a list item a sentence of its own ("Antibiotics can cure the infection.")
_FINITE_TEXT = """
is are was were be been has have had can can't could may might will would should must do does
did don't doesn't cause causes help helps include includes make makes need needs develop
develops occur occurs lead leads affect affects happen happens become becomes work works
responds respond consist consists contain contains spread spreads grow grows start starts
begin begins show shows use uses give gives keep keeps take takes increase increases reduce
reduces prevent prevents treat treats remove removes mean means depend depends form forms
produce produces protect protects look looks feel feels seem seems get gets come comes
it's there's that's isn't aren't wasn't won't present play plays
"""
_FINITE = frozenset(_FINITE_TEXT.split())


# a term and what it is, as a glossary gives them: "Urinalysis : A test to check the color of
# urine and its contents, …" says what urinalysis is, a sentence of its own
_GLOSS = re.compile(r"^[A-Z][\w'/-]*(?: [\w'/-]+){0,5} ?: (?:An?|The) [a-z]")


def item_fragment(text: str, start: int, sentence: str) -> bool:
    """Whether the sentence at ``start`` of ``text`` (``sentence``: cleaned) is an item of a
    list ("… depend on the following: - Whether or not …") that is no sentence of its own:
    it opens like a clause or has no verb outside its brackets ("The patients general
    health.", "Jaundice (yellowing of the skin and whites of the eyes)."); advice is one
    ("Eat a healthy diet."), and so is a term glossed ("Urinalysis : A test to check …"). A
    line of its own is an item where nothing in it may be a verb (a plural may be one): its
    list has no bullets ("Medicines that help you sleep at night.", not "A urologist
    performs these surgeries in a hospital.")."""
    words = _unbracketed_words(sentence)
    if not words or words[0] in ADVICE_VERBS or _GLOSS.match(sentence):
        return False
    # a verb of its own, not of a clause on a name: "Headaches or pain in the sinus areas.",
    # "Blocked sinuses that do not clear, or sinus pressure." are none
    own = _outside_relatives(words)
    if text[start : start + 1] in _BULLETS or text[max(0, start - 2) : start].strip() in _BULLETS:
        return _ITEM_FRAGMENT.match(sentence) is not None or not (_FINITE & set(own))
    line = text[start:].split("\n", 1)[0]
    return (start == 0 or text[start - 1] == "\n") and (
        (len(line.split()) == len(sentence.split()) and not _own_verbs(own))
        or (_in_list(text, start) and not _own_verbs(own, listed=True))
    )


def _own_verbs(own: Sequence[str], listed: bool = False) -> list[str]:
    """The words after the first that may be verbs: not a plural a relative clause is on
    ("… medicines that can disrupt sleep"), nor, in a list (``listed``), one that ends the
    words ("Caffeine, tobacco, and other stimulants.")."""
    last = len(own) - 1
    return [
        w
        for i, w in enumerate(own[1:], start=1)
        if w in _FINITE
        or (
            re.fullmatch(_VERB, w)
            and not (i < last and own[i + 1] in ("that", "which", "who"))
            and not (listed and i == last and not w.endswith("ed"))
        )
    ]


def _in_list(text: str, start: int) -> bool:
    """Whether the line at ``start`` is an item of a list its line's first sentence opens,
    under an introduction that ends in a colon: NHLBI's "… avoid substances that make it
    worse, such as:" then "Caffeine, tobacco, and other stimulants. The effects of these
    substances can last …" and "Certain over-the-counter and prescription medicines that can
    disrupt sleep (for example, …). Talk with your doctor …", each on a line of its own."""
    lines = [line.strip() for line in text[:start].split("\n") if line.strip()]
    for line in reversed(lines[-LIST_LINES:]):
        if line.endswith(":"):
            return True
        words = _unbracketed_words(next(iter(split_sentences(line)), ""))
        own = _outside_relatives(words)
        if not words or words[0] in ADVICE_VERBS or _own_verbs(own, listed=True):
            return False
    return False


LIST_LINES = 12  # items of one list, at most, looked back over for its introduction


def _unbracketed_words(sentence: str) -> list[str]:
    """The words of ``sentence`` outside its brackets, lower-cased."""
    return [w.lower() for w in re.findall(r"[\w'-]+", re.sub(r"\([^)]*\)", " ", sentence))]


def _outside_relatives(words: Sequence[str]) -> list[str]:
    """``words`` but the verb of a clause on a name, its helping verbs with it: "… rash …,
    that may be itchy" keeps "rash", not "may be"; "who snores has" keeps "has"."""
    out: list[str] = []
    relative = helped = False
    for w in words:
        if relative and w in _HELPING:
            helped = True
            continue
        # (after a helping verb, the verb in whatever form: "that can disrupt sleep")
        if relative and (helped or w in _FINITE or re.fullmatch(_VERB, w)):
            relative = helped = False
            continue
        relative, helped = w in ("that", "which", "who"), False
        out.append(w)
    return out


_HELPING_TEXT = """
is are was were be been being has have had can could may might will would should must do does
did not don't doesn't can't
"""
_HELPING = frozenset(_HELPING_TEXT.split())
_VERB = r"[a-z]+([^su']s|ed)"  # "adds", "caused" (not "patient's")


def _label_only(sentence: str) -> bool:
    """Whether ``sentence`` is a list item's label of at most six words with no verb:
    "Overactive intestinal immune system.", "Diuretics, also called water pills." (not
    "Maintain a healthy weight.")"""
    words = re.findall(r"[\w'-]+", _ANOTHER_NAME.sub("", sentence))
    return (
        0 < len(words) <= 6
        and words[0].lower() not in ADVICE_VERBS
        and _verbless(words, verb=_VERB)
    )


# another name given in apposition: ", also called water pills", " -- also known as CKD --"
_ANOTHER_NAME = re.compile(
    r"\W+(?:sometimes )?also (?:known as|called|named|referred to as)\b.*?(?=\s*(?:[,.;]|--|$))",
    re.I,
)
_GLUED_LIST = re.compile(
    r"\b(?:to|(?i:for example|for instance|such as|include|includes)):\s+[A-Z]"
)
# a clause promising what follows its colon: "A variety of conditions may affect your hearing or
# balance: Ear infections are …", "Lymphomas are divided into two general types: Hodgkin …"
# (not a glossary's "Tonsillectomy: Surgery to remove both tonsils.")
_CLAUSE_THEN_COLON = re.compile(
    r"\b(?i:is|are|was|were|be|may|can|will|depends?|includes?|including|have|has|had|"
    r"provided|listed|divided|classified|named|causes?|affects?)\b[^:]*[a-z)]:\s+[A-Z][a-z]"
)
_WORD_THEN_NUMBER = re.compile(r"\b[a-z]{4,}\d{1,2}\s[a-z]")

# "Certain medical conditions History of cervical cancer …", "Eat Well People with diabetes
# …": a heading glued into the text
_GLUED_HEADING = re.compile(
    r"\b[a-z]{3,} [A-Z][a-z]+ (of|and|or|in|for|the|with|to|a|an)\b|^([A-Z][a-z]+,? ){3,}[A-Z]|"
    r"^([A-Z][a-z]+ ){2,}(?!I\b)[A-Z][a-z]* [a-z]|"
    # with the small words of a title: "Changes in Body Functions Researchers continue …",
    # "Kidney Function and Aging Kidney function may be …" (not "The Food and Drug
    # Administration sets …", nor "Treatment of Dyssynergia Cerebellaris Myoclonica is …")
    r"^(?!The )([A-Z][a-z]+ ((in|of|and|or|for|the|to|with|on|at|from|by) ){0,2}){3,}(?!I\b)"
    r"[A-Z][a-z]* (?!(is|are|was|were|has|have|had|can|may|might|will|would|does|do)\b)[a-z]|"
    # "Antiviral treatment Hepatocellular carcinoma …" (not "Infants with Down syndrome …")
    r"^[A-Z][a-z]+ (?!(with|of|and|or|in|for|from|to|by|the|an?|has|have|had|is|are|called|"
    r"named|get|got)\b)[a-z]+ [A-Z][a-z]{3,} [a-z]|"
    r"(?<![.:;!?\"(])\s(In|The|A|An|Of|For|To|With|If|When|What|How|Why|Your|You|This|These|"
    r"There)\s(?=\S)"
)


def plan_sources(plan: Plan, records: dict[str, Record]) -> list[Source]:
    """The plan's records as cited sources, numbered by first use; each source's passage is
    the text quoted from it (what the checks compare the draft against)."""
    return quote_sources(plan.quotes, records)


def quote_sources(quotes: Sequence[Quote], records: dict[str, Record]) -> list[Source]:
    """The quoted records as sources, numbered by first use, each with the text quoted from
    it as its passage."""
    sources = []
    for rank, record_id in enumerate(dict.fromkeys(q.record_id for q in quotes), start=1):
        record = records[record_id]
        quoted = " ".join(q.text for q in quotes if q.record_id == record_id)
        passage = Passage(chunk_id=f"{record_id}::plan", text=quoted, kind="explanation", score=1.0)
        sources.append(
            Source(
                rank=rank,
                record_id=record_id,
                score=1.0,
                passages=(passage,),
                title=record.title,
                question=record.question,
                reply=record.reply,
                doctor=record.doctor,
                specialty=record.specialty,
                dataset=record.dataset,
                question_type=record.question_type,
                focus=record.focus,
                source_url=record.source_url,
                license=record.license,
            )
        )
    return sources


__all__ = [
    "EVIDENCE_TYPES",
    "MEDICINE_ORDER",
    "PAGE_ORDER",
    "Plan",
    "PlannedSection",
    "Quote",
    "as_read",
    "make_plan",
    "plan_for",
    "plan_sources",
    "quote_sources",
    "sentences_of",
    "standalone",
]
