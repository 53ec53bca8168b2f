"""What every statement judge shares: the labels, the pairs it judges, and the protocol."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Label = Literal["entailment", "neutral", "contradiction"]
LABELS: tuple[Label, ...] = ("entailment", "neutral", "contradiction")


@dataclass(frozen=True, slots=True)
class Pair:
    """One judgement to make: does ``answer`` entail or contradict ``statement``?"""

    answer: str
    statement: str


def by_answer(pairs: Sequence[Pair]) -> dict[str, list[int]]:
    """The pairs' indices grouped by answer (an answer is read once for all its statements)."""
    rows: dict[str, list[int]] = {}
    for i, pair in enumerate(pairs):
        rows.setdefault(pair.answer, []).append(i)
    return rows


@dataclass(frozen=True, slots=True)
class CallEstimate:
    """What judging will cost before it starts: calls not already cached, and tokens."""

    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(slots=True)
class JudgeStats:
    """What a judge has done so far: model calls made, answers found in the cache, and answers
    that named no verdict (counted as neutral) or two at once."""

    calls: int = 0
    cached: int = 0
    unparseable: int = 0
    conflicting: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class StatementJudge(Protocol):
    @property
    def name(self) -> str:
        """Names the judge precisely enough to match it with its calibration (model, prompt)."""
        ...

    def estimate(self, pairs: Sequence[Pair]) -> CallEstimate: ...

    def judge(self, pairs: Sequence[Pair]) -> list[Label]: ...
