"""The offline judge: embedding similarity, agreement vetoes and contradiction cues; no LLM.

``OfflineJudge`` finds the answer passage closest to the statement (MiniLM cosine over the
answer's sentences and adjacent sentence pairs, via :class:`OfflineSupportScorer` with the
answer as its one piece of evidence) and then decides:

1. **contradiction** when that passage is on the same point (similarity ≥
   ``Thresholds.contradiction``) and disagrees with the statement: one is negated and the
   other not, it states the same kind of quantity with another value ("4000 mg" where the
   passage says "200 mg to 400 mg"), or the statement names a drug or condition the answer
   lacks while the passage names another one of the same kind;
2. **entailment** when the passage is close enough (≥ ``Thresholds.entailment``) and the
   agreement checks do not veto it (every number, dose, drug and condition of the statement
   is stated somewhere in the answer);
3. **neutral** otherwise.

The thresholds are not picked by hand: :func:`assistant.evaluation.calibration.tune_thresholds`
takes the pair with the highest Cohen's kappa against the physicians' majority label over a
grid (entailment 0.50 to 0.95 by 0.01; contradiction 0.60 to 0.95 by 0.05, or never). The
shipped ``DEFAULT_THRESHOLDS`` (0.70, 0.90) are that procedure run on all 399 pairs of
``data/kqa_nli_physician_labels.csv``, so the offline judge's calibration on that file is
**in-sample** (accuracy 67.9%, kappa 0.37). Held out, by 5-fold cross-validation grouped by
question (thresholds tuned on four folds, measured on the fifth), it is the same: every fold
picks 0.70 and 0.90. Physicians agree with each other on 82-88% of these pairs (kappa
0.67-0.76): similarity is a weak judge, a cheap offline stand-in for the LLM judge.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.checks.agreement import Vocabulary, default_vocabulary, disagreements, quantities
from assistant.checks.support import Embedder, Evidence, OfflineSupportScorer
from assistant.evaluation.judges.protocol import CallEstimate, JudgeStats, Label, Pair, by_answer

OFFLINE_VERSION = "1"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Similarities the offline judge needs: to call a statement entailed (with no veto), and
    to call a disagreeing passage "on the same point" (``None``: never call a contradiction)."""

    entailment: float
    contradiction: float | None

    def __str__(self) -> str:
        contradiction = "never" if self.contradiction is None else f"{self.contradiction:.2f}"
        return f"entailment ≥ {self.entailment:.2f}, contradiction ≥ {contradiction}"


DEFAULT_THRESHOLDS = Thresholds(entailment=0.70, contradiction=0.90)
TUNED_ON_SHA256 = "98372a3feea2ac7b445357ec2ab2e6f6251ecd72ad03a102ea4e4cdf53956779"
"""sha256 of the labels file ``DEFAULT_THRESHOLDS`` were tuned on (the shipped K-QA file)."""


@dataclass(frozen=True, slots=True)
class PairFeatures:
    """What the offline judge measured for one pair; :func:`decide` turns it into a label."""

    similarity: float  # cosine of the statement and its closest answer passage, 0..1
    vetoed: bool  # the answer lacks a number, dose, drug or condition of the statement
    conflicts: tuple[str, ...] = ()  # how the closest passage disagrees with the statement
    passage: str | None = None


def decide(features: PairFeatures, thresholds: Thresholds) -> Label:
    """The offline judge's rule (see the module's docstring)."""
    same_point = thresholds.contradiction
    if same_point is not None and features.conflicts and features.similarity >= same_point:
        return "contradiction"
    if features.similarity >= thresholds.entailment and not features.vetoed:
        return "entailment"
    return "neutral"


_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nothing|neither|nor|cannot)\b|n['\u2019]t\b", re.IGNORECASE
)


def negated(text: str) -> bool:
    """Whether ``text`` contains a negation ("not", "no", "never", "doesn't", "cannot", …)."""
    return _NEGATION.search(text) is not None


def conflicts(statement: str, passage: str, answer: str, vocabulary: Vocabulary) -> list[str]:
    """How ``passage`` (of ``answer``) disagrees with ``statement``; empty when it does not."""
    found: list[str] = []
    if negated(statement) != negated(passage):
        found.append(
            "the statement is negated and the answer is not"
            if negated(statement)
            else "the answer is negated and the statement is not"
        )
    stated = quantities(passage)
    for q in quantities(statement):
        same_kind = [s for s in stated if q.unit is not None and s.unit == q.unit]
        if same_kind and q not in same_kind:
            listed = ", ".join(dict.fromkeys(f'"{s}"' for s in same_kind))
            found.append(f'states "{q}" where the answer states {listed}')
    named = {m.concept.name for m in vocabulary.find(statement)}
    in_passage = vocabulary.find(passage)
    for missing in vocabulary.missing(statement, answer):
        others = [
            m.name
            for m in in_passage
            if m.concept.kind == missing.concept.kind and m.concept.name not in named
        ]
        if others:
            found.append(f"names {missing.name} where the answer names {others[0]}")
    return list(dict.fromkeys(found))


class OfflineJudge:
    """Embedding similarity, agreement vetoes and contradiction cues; no LLM, deterministic."""

    def __init__(
        self,
        embedder: Embedder,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.thresholds = thresholds
        self.vocabulary = vocabulary or default_vocabulary()
        self.scorer = OfflineSupportScorer(embedder, thresholds.entailment, self.vocabulary)
        self.stats = JudgeStats()

    @property
    def name(self) -> str:
        return f"offline v{OFFLINE_VERSION} (MiniLM + agreement; {self.thresholds})"

    @property
    def tuned_on(self) -> str | None:
        """sha256 of the labels file these thresholds were tuned on; None when not known."""
        return TUNED_ON_SHA256 if self.thresholds == DEFAULT_THRESHOLDS else None

    def with_thresholds(self, thresholds: Thresholds) -> OfflineJudge:
        """The same judge (and embedder) with other thresholds."""
        return OfflineJudge(self.scorer.embedder, thresholds, self.vocabulary)

    def estimate(self, pairs: Sequence[Pair]) -> CallEstimate:
        return CallEstimate()  # no model calls

    def judge(self, pairs: Sequence[Pair]) -> list[Label]:
        return [decide(f, self.thresholds) for f in self.features(pairs)]

    def features(self, pairs: Sequence[Pair]) -> list[PairFeatures]:
        """What :func:`decide` needs for each pair, independent of the thresholds."""
        found: dict[int, PairFeatures] = {}
        for answer, rows in by_answer(pairs).items():
            statements = [pairs[i].statement for i in rows]
            supports = self.scorer.score(statements, [Evidence(answer, "answer")])
            for i, statement, support in zip(rows, statements, supports, strict=True):
                passage = support.evidence
                found[i] = PairFeatures(
                    similarity=support.score,
                    vetoed=bool(disagreements(statement, answer, self.vocabulary)),
                    conflicts=tuple(
                        conflicts(statement, passage, answer, self.vocabulary) if passage else ()
                    ),
                    passage=passage,
                )
        return [found[i] for i in range(len(pairs))]
