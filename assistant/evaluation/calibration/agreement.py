"""Agreement measures: the confusion matrix, accuracy, Cohen's kappa, per-class scores.

:func:`rater_agreement` measures any two raters (a judge or a physician) over the same pairs;
:func:`human_ceiling` measures the physicians against each other (pairwise and all three): a
judge that agrees with one physician about as well as physicians agree with each other is as
good as a physician.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from assistant.evaluation.calibration.labels import PHYSICIANS, LabelledPair
from assistant.evaluation.judges import LABELS, Label

Matrix = list[list[int]]  # rows: the reference's label, columns: the judge's, in LABELS order


def confusion(reference: Sequence[Label], judged: Sequence[Label]) -> Matrix:
    if len(reference) != len(judged):
        raise ValueError(f"{len(reference)} reference labels but {len(judged)} judged ones")
    matrix = [[0] * len(LABELS) for _ in LABELS]
    for r, j in zip(reference, judged, strict=True):
        matrix[LABELS.index(r)][LABELS.index(j)] += 1
    return matrix


def accuracy(matrix: Matrix) -> float:
    n = sum(map(sum, matrix))
    if n == 0:
        raise ValueError("no pairs to measure")
    return sum(matrix[i][i] for i in range(len(matrix))) / n


def cohen_kappa(matrix: Matrix) -> float:
    """Cohen's kappa, (p_o - p_e) / (1 - p_e): observed agreement p_o beyond the agreement p_e
    expected from each rater's label frequencies alone. 1.0 when both raters gave one and the
    same label throughout (p_e = p_o = 1)."""
    n = sum(map(sum, matrix))
    observed = accuracy(matrix)
    rows = [sum(r) for r in matrix]
    cols = [sum(c) for c in zip(*matrix, strict=True)]
    expected = sum(r * c for r, c in zip(rows, cols, strict=True)) / (n * n)
    if expected >= 1.0:
        return 1.0
    return float((observed - expected) / (1.0 - expected))


class ClassScores(BaseModel):
    label: Label
    reference: int  # pairs the reference gave this label
    judged: int  # pairs the judge gave this label
    precision: float | None  # None: the judge never gave this label
    recall: float | None  # None: the reference never gave this label


def class_scores(matrix: Matrix) -> list[ClassScores]:
    scores = []
    for i, label in enumerate(LABELS):
        reference, judged = sum(matrix[i]), sum(row[i] for row in matrix)
        hit = matrix[i][i]
        scores.append(
            ClassScores(
                label=label,
                reference=reference,
                judged=judged,
                precision=hit / judged if judged else None,
                recall=hit / reference if reference else None,
            )
        )
    return scores


class RaterAgreement(BaseModel):
    """Agreement of two raters (a judge or a physician) over the same pairs."""

    rater: str
    other: str
    pairs: int
    accuracy: float
    kappa: float


def rater_agreement(
    rater: str, other: str, a: Sequence[Label], b: Sequence[Label]
) -> RaterAgreement:
    matrix = confusion(b, a)
    return RaterAgreement(
        rater=rater, other=other, pairs=len(a), accuracy=accuracy(matrix), kappa=cohen_kappa(matrix)
    )


class HumanCeiling(BaseModel):
    """How far the three physicians agree with each other on the same pairs."""

    pairs: int
    pairwise: list[RaterAgreement]
    all_three: float  # share of pairs all three labelled alike
    labels_file: str = ""

    @property
    def mean_pairwise(self) -> float:
        return sum(p.accuracy for p in self.pairwise) / len(self.pairwise)

    @property
    def mean_kappa(self) -> float:
        return sum(p.kappa for p in self.pairwise) / len(self.pairwise)


def human_ceiling(rows: Sequence[LabelledPair], labels_file: str = "") -> HumanCeiling:
    if not rows:
        raise ValueError("no pairs to measure")
    votes = [[r.physicians[i] for r in rows] for i in range(len(PHYSICIANS))]
    pairwise = [
        rater_agreement(f"physician {i}", f"physician {j}", votes[i], votes[j])
        for i in range(len(votes))
        for j in range(i + 1, len(votes))
    ]
    unanimous = sum(len(set(r.physicians)) == 1 for r in rows)
    return HumanCeiling(
        pairs=len(rows), pairwise=pairwise, all_three=unanimous / len(rows), labels_file=labels_file
    )
