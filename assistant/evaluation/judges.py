"""Statement judges: does an answer entail, contradict, or say nothing about a statement?

K-QA (Manes et al., BioNLP 2024) scores an answer by natural-language inference against the
physicians' gold statements: the answer is the premise, each statement the hypothesis.
A ``StatementJudge`` gives one ``Label`` per (answer, statement) pair. Two implementations:
an offline judge (no LLM) and an LLM judge (prompts in ``prompts/``, cached on disk by input
hash). ``assistant eval calibrate`` measures both against physicians' labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

Label = Literal["entailment", "neutral", "contradiction"]
LABELS: tuple[Label, ...] = ("entailment", "neutral", "contradiction")
JudgeKind = Literal["offline", "llm"]


@dataclass(frozen=True, slots=True)
class Pair:
    """One judgement to make: does ``answer`` entail or contradict ``statement``?"""

    answer: str
    statement: str


@dataclass(frozen=True, slots=True)
class CallEstimate:
    """What judging will cost before it starts: calls not already cached, and tokens."""

    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class StatementJudge(Protocol):
    @property
    def name(self) -> str:
        """Names the judge precisely enough to match it with its calibration (model, prompt)."""
        ...

    def estimate(self, pairs: Sequence[Pair]) -> CallEstimate: ...

    def judge(self, pairs: Sequence[Pair]) -> list[Label]: ...
