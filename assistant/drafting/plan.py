"""The evidence plan between retrieval and writing: what the question is about and asks,
and for each section of the page the quoted runs of the archive's answers on that focus
whose question type fits, the section answering the question first.

Sentences from records about another condition never enter a section about this one: a
section's evidence comes only from records whose focus is the question's focus.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from assistant.corpus.headings import is_heading, split_headings
from assistant.corpus.record import Record
from assistant.index import Archive
from assistant.retrieval import Passage, Source
from assistant.text import split_sentences
from assistant.understanding import EVIDENCE_TYPES, Ask, Understanding, understand

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
# a sentence that leans on the one before it
_LEANS = re.compile(
    r"^(these|this|such|those|they|it|its|he|she|here|other|another|also|however|but|"
    r"now|in addition|for example|for this reason|as a result|examples?)\b|\bsuch\b",
    re.I,
)
_LIST_INTRO = re.compile(r"(:|\binclude|\bfollowing|\bif you|\bsuch as)\s*$", re.I)
_BOILERPLATE = re.compile(
    r"\b(this summary|pdq|click|these resources|this section|listed below|links? below|"
    r"clinicaltrials|genereviews|human phenotype ontology|approximate number of patients|"
    r"nih:|national institute|for more information|see the|research|scientists|studies)\b",
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


class Plan(BaseModel):
    """An inspectable plan: sections with their quoted evidence, and what is missing."""

    model_config = ConfigDict(frozen=True)

    understanding: Understanding
    sections: tuple[PlannedSection, ...] = ()
    missing: tuple[Ask, ...] = ()  # asked, but the archive has no answer on the focus

    @property
    def record_ids(self) -> list[str]:
        return list(dict.fromkeys(q.record_id for s in self.sections for q in s.quotes))


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
    u = understand(question, reply, title, archive.foci(), age_range, sex, exclude_ids)
    if not u.focus_records:
        return Plan(understanding=u, missing=u.asks)
    records = archive.records(list(u.focus_records))
    used: set[str] = set()
    sections: list[PlannedSection] = []
    missing: list[Ask] = []
    words = 0
    for ask in (*u.asks, *(a for a in PAGE_ORDER if a not in u.asks)):
        answering = ask in u.asks
        quotes = _run(records, u.records_for(ask), used, RUN["answer" if answering else "other"])
        if quotes is None:
            if answering:
                missing.append(ask)
            continue
        size = sum(len(q.text.split()) for q in quotes)
        if not answering and words + size > max_words:
            continue
        used.update(q.text for q in quotes)
        words += size
        sections.append(PlannedSection(ask=ask, answers_question=answering, quotes=quotes))
    return Plan(understanding=u, sections=tuple(sections), missing=tuple(missing))


def _run(
    records: dict[str, Record], ranked_ids: list[str], used: set[str], size: int
) -> tuple[Quote, ...] | None:
    """The opening run of consecutive usable sentences of the best-fitting answer."""
    for record_id in ranked_ids:
        record = records.get(record_id)
        if record is None or not record.long_explanation:
            continue
        run = _opening_run(record, used, size)
        if run:
            return tuple(Quote(text=t, record_id=record_id) for t in run)
    return None


def _opening_run(record: Record, used: set[str], size: int) -> list[str]:
    text = split_headings(record.long_explanation or "", [record.title, record.focus])
    run: list[str] = []
    for raw in split_sentences(text):
        sentence = _LABEL.sub("", raw.lstrip("-•* ").strip())
        if is_heading(sentence) or sentence.endswith("?"):
            continue
        ok = (
            6 <= len(sentence.split()) <= 40
            and sentence[-1:] == "."
            and not _BOILERPLATE.search(sentence)
            and sentence not in used
            and not _LIST_INTRO.search(sentence.rstrip("."))
            and " - " not in sentence
        )
        if not ok or (not run and _LEANS.search(sentence)):
            if run:
                break  # the run ends where the text stops being quotable
            continue
        run.append(sentence)
        if len(run) >= size:
            break
    return run


def plan_sources(plan: Plan, records: dict[str, Record]) -> list[Source]:
    """The plan's records as cited sources, numbered by first use; each source's passage is
    the text quoted from it (what the checks compare the draft against)."""
    sources = []
    for rank, record_id in enumerate(plan.record_ids, start=1):
        record = records[record_id]
        quoted = " ".join(
            q.text for s in plan.sections for q in s.quotes if q.record_id == record_id
        )
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


__all__ = ["EVIDENCE_TYPES", "Plan", "PlannedSection", "Quote", "make_plan", "plan_sources"]
