"""The record: one archived question with its doctor's reply and long explanation.

The shape follows a published page of the site (``data/site_page_example.txt``):
title, the patient's question, the asker line, the replying doctor and specialty,
the short reply, dates, the long "More Info" explanation, and the page's
"Similar Q&A" and "Related FAQ" links.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Asker(BaseModel):
    """Who asked: the site shows a display name, an age range and a sex."""

    model_config = ConfigDict(frozen=True)

    name: str | None = None
    sex: str | None = None
    age_range: str | None = None


class SimilarQA(BaseModel):
    """A "Similar Q&A" entry on a page: a link to another archived question."""

    model_config = ConfigDict(frozen=True)

    title: str
    question_snippet: str | None = None
    doctor: str | None = None
    specialty: str | None = None
    reply_snippet: str | None = None
    record_id: str | None = None


class RelatedFAQ(BaseModel):
    """A "Related FAQ" topic with the specialty it belongs to (the site may omit the topic)."""

    model_config = ConfigDict(frozen=True)

    topic: str | None = None
    specialty: str | None = None


class Record(BaseModel):
    """One archived Q&A item, validated. Fields a source lacks are ``None``; nothing is invented."""

    model_config = ConfigDict(frozen=True, str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=512)
    dataset: str = "site"
    language: str = "en"
    title: str | None = None
    question: str = Field(min_length=1)
    asker: Asker = Asker()
    ask_date: date | None = None
    doctor: str | None = None
    specialty: str | None = None
    specialty_is_derived: bool = False
    reply: str | None = None
    reply_date: date | None = None
    long_explanation: str | None = None
    similar_qa: tuple[SimilarQA, ...] = ()
    related_faq: tuple[RelatedFAQ, ...] = ()
    question_type: str | None = None
    focus: str | None = None
    source_url: str | None = None
    license: str | None = None
    provenance: str | None = None
    extras: dict[str, Any] = Field(default_factory=dict)

    @field_validator(
        "title",
        "doctor",
        "specialty",
        "reply",
        "long_explanation",
        "question_type",
        "focus",
        "source_url",
        "license",
        "provenance",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    def content_hash(self) -> str:
        """A digest of everything that is indexed: changes here mean re-embedding."""
        payload = self.model_dump(mode="json", exclude={"extras"})
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:32]

    @property
    def display_title(self) -> str:
        return self.title or self.focus or self.question[:80]


def content_id(dataset: str, question: str, reply: str | None, explanation: str | None) -> str:
    """A stable id for a record that came without one: a hash of its text."""
    blob = "\x1f".join((question.strip(), (reply or "").strip(), (explanation or "").strip()))
    digest = hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]
    return f"{dataset.lower()}:{digest}"
