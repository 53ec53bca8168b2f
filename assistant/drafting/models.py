"""What a draft is: the request, the sections of sentences with citations, the sources,
the page's Similar Q&A and Related FAQ, and where it came from (provenance).

Citation ``[n]`` in a sentence points at ``Draft.sources[n - 1]``. A sentence taken from
the doctor's own reply has ``origin="reply"`` and needs no number: the page shows the reply.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.corpus.record import Asker, RelatedFAQ, SimilarQA
from assistant.retrieval import Source

MAX_QUESTION_CHARS = 6_000
MAX_REPLY_CHARS = 6_000

Origin = Literal["reply", "source", "template", "model", "human"]
SectionKind = Literal["opening", "explanation", "seek_care", "escalation", "conclusion"]


class Explainer(BaseModel):
    """An editor's explainer (a batch row): whom it is for and how long it should be."""

    model_config = ConfigDict(frozen=True)

    audience: Literal["patient", "caregiver"] = "patient"
    target_length: int | None = None  # words; None: the prompt's default


class DraftRequest(BaseModel):
    """A patient's question, and what the physician has said so far."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    reply: str | None = Field(default=None, max_length=MAX_REPLY_CHARS)
    asker: Asker = Asker()
    ask_date: date | None = None
    doctor: str | None = None
    specialty: str | None = None
    reply_date: date | None = None
    title: str | None = None
    article: bool = False  # an editor's explainer article on ``title``, not a patient's question
    explainer: Explainer | None = None  # drafted as an editor's explainer (audience, length)
    instruction: str | None = Field(
        default=None, max_length=500, description="e.g. 'simpler' or 'shorter' on regenerate"
    )
    exclude_ids: frozenset[str] = frozenset()

    @property
    def topic(self) -> str | None:
        """What an editor's article is on (its title); a patient's page title is only the
        page's headline ("Subcutaneous tissue of the calf?"), never the topic it names."""
        return self.title if self.article else None

    @field_validator("reply", "doctor", "specialty", "title", "instruction", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("question")
    @classmethod
    def _has_words(cls, value: str) -> str:
        if not any(ch.isalnum() for ch in value):
            raise ValueError("the question has no words")
        return value


class DraftSentence(BaseModel):
    """One sentence, its citations, and where its words came from."""

    model_config = ConfigDict(frozen=True)

    text: str
    citations: tuple[int, ...] = ()
    origin: Origin = "model"
    source_id: str | None = Field(
        default=None, description="for a sentence copied from a source: the record it came from"
    )


class Section(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: SectionKind
    heading: str | None = None
    sentences: tuple[DraftSentence, ...] = ()
    ask: str | None = Field(
        default=None, description="what the section answers (an understanding Ask), if known"
    )


class Usage(BaseModel):
    model_config = ConfigDict(frozen=True)

    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class Provenance(BaseModel):
    """Which drafter and model wrote the draft, from which prompt and sources, how fast."""

    model_config = ConfigDict(frozen=True)

    drafter: str
    model: str
    model_note: str | None = None  # e.g. "small demo model: fluent, often wrong"
    endpoint: str | None = None
    prompt_name: str | None = None
    prompt_version: str | None = None
    prompt_hash: str | None = None
    source_ids: tuple[str, ...] = ()
    timings_ms: dict[str, float] = Field(default_factory=dict)
    usage: Usage | None = None
    instruction_note: str | None = None  # what the drafter did with a reviewer's instruction
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Draft(BaseModel):
    """A drafted "More Info" explanation, before any physician has seen it."""

    request: DraftRequest
    title: str
    sections: list[Section]
    sources: list[Source]
    similar_qa: list[SimilarQA] = Field(default_factory=list)
    related_faq: list[RelatedFAQ] = Field(default_factory=list)
    provenance: Provenance
    disclaimer: str = ""
    asks: tuple[str, ...] = Field(
        default=(), description="what the question asks (understanding), for the answer check"
    )

    def sentences(self) -> Iterator[tuple[int, int, DraftSentence]]:
        """(section index, sentence index, sentence) in reading order."""
        for s, section in enumerate(self.sections):
            for i, sentence in enumerate(section.sentences):
                yield s, i, sentence

    def body_text(self) -> str:
        """The explanation as plain text with [n] citations and headings on their own line."""
        parts: list[str] = []
        for section in self.sections:
            if section.heading:
                parts.append(section.heading)
            parts.append(" ".join(with_citations(s) for s in section.sentences))
        return "\n".join(p for p in parts if p)


def with_citations(sentence: DraftSentence) -> str:
    """``"It is benign."`` with citation 2 → ``"It is benign [2]."``."""
    if not sentence.citations:
        return sentence.text
    marks = "".join(f"[{n}]" for n in sentence.citations)
    text = sentence.text.rstrip()
    end = len(text.rstrip(".!?"))
    return f"{text[:end]} {marks}{text[end:]}"
