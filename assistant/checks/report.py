"""What the checks found in a draft: per-sentence support and a list of flags for the reviewer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Severity = Literal["info", "warning", "error"]
FlagKind = Literal[
    "unsupported_sentence",
    "invalid_citation",
    "uncited_sentence",
    "red_flag_without_escalation",
    "readability",
    "length",
    "no_sources",
    "unanswered",
]


class SentenceCheck(BaseModel):
    """Is this sentence supported by the doctor's reply or by the source(s) it cites?"""

    model_config = ConfigDict(frozen=True)

    section: int
    index: int
    text: str
    origin: str
    score: float = Field(description="support, 0..1 (1 = stated by the evidence)")
    supported: bool
    evidence: str | None = Field(default=None, description="the closest passage found")
    evidence_from: str | None = Field(
        default=None, description='"reply", or the citation number "[n]" it came from'
    )
    reasons: tuple[str, ...] = ()


class Flag(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: FlagKind
    severity: Severity
    message: str
    section: int | None = None
    index: int | None = None


class CheckReport(BaseModel):
    """Everything the reviewer is shown about a draft's trustworthiness."""

    model_config = ConfigDict(frozen=True)

    scorer: str
    sentences: tuple[SentenceCheck, ...] = ()
    flags: tuple[Flag, ...] = ()
    red_flags: tuple[str, ...] = Field(
        default=(), description="red-flag categories in the question"
    )
    red_flag_labels: tuple[str, ...] = Field(
        default=(), description="the same categories in words, as the reviewer reads them"
    )
    escalation_present: bool = False
    grade: float | None = Field(default=None, description="Flesch-Kincaid grade of the body")
    words: int = 0
    seconds: float = 0.0

    @property
    def supported_share(self) -> float:
        checked = [s for s in self.sentences if s.origin != "template"]
        return sum(s.supported for s in checked) / len(checked) if checked else 1.0

    @property
    def answers_question(self) -> bool:
        """No part of what was asked is left without a supported answer (the answer check)."""
        return not any(f.kind == "unanswered" for f in self.flags)

    @property
    def unsupported(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if not s.supported]
