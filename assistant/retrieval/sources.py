"""What retrieval returns: past replies (sources) with the passages that matched, and filters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict


class Passage(BaseModel):
    """One matched chunk of a source, with the scores that ranked it."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    text: str
    kind: str
    score: float
    dense: float | None = None
    keyword: float | None = None


class Source(BaseModel):
    """A past record that matched: its fields and its best one or two passages."""

    model_config = ConfigDict(frozen=True)

    rank: int
    record_id: str
    score: float
    passages: tuple[Passage, ...]
    title: str | None = None
    question: str = ""
    reply: str | None = None
    doctor: str | None = None
    specialty: str | None = None
    dataset: str | None = None
    question_type: str | None = None
    focus: str | None = None
    ask_date: date | None = None
    reply_date: date | None = None
    source_url: str | None = None
    license: str | None = None

    @property
    def passage(self) -> str:
        return self.passages[0].text if self.passages else ""

    @property
    def display_title(self) -> str:
        return self.title or self.focus or self.question[:80]

    @classmethod
    def from_metadata(
        cls, rank: int, score: float, passages: tuple[Passage, ...], meta: dict[str, Any]
    ) -> Source:
        fields = {name: meta.get(name) for name in cls.model_fields if name in meta}
        return cls(
            rank=rank,
            record_id=str(meta["record_id"]),
            score=score,
            passages=passages,
            **{k: v for k, v in fields.items() if k != "record_id"},
        )


@dataclass(frozen=True)
class Filters:
    """Restricts retrieval. ``specialty`` matches any part of "Cardiology / Pulmonology"."""

    specialty: str | None = None
    dataset: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    exclude_ids: frozenset[str] = field(default_factory=frozenset)
