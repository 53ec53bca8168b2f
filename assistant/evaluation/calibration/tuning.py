"""Tuning the offline judge's thresholds on the physicians' labels, and measuring that held out.

The offline judge's thresholds are tuned by :func:`tune_thresholds` on the labels file, so its
agreement on it is in-sample; :func:`cross_validate` measures the tuning procedure held out
(5 folds grouped by question, so no answer is in both the tuning and the measured part), and
:attr:`Calibration.agreement` reports that held-out figure for in-sample calibrations.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from pydantic import BaseModel

from assistant.evaluation.calibration.agreement import accuracy, cohen_kappa, confusion
from assistant.evaluation.judges import Label, PairFeatures, Thresholds, decide

FOLDS = 5
ENTAILMENT_GRID = tuple(round(0.50 + 0.01 * i, 2) for i in range(46))  # 0.50 .. 0.95
CONTRADICTION_GRID: tuple[float | None, ...] = (
    None,
    *(round(0.60 + 0.05 * i, 2) for i in range(8)),  # 0.60 .. 0.95
)


class HeldOut(BaseModel):
    """Agreement of a tuned judge on pairs its thresholds were not tuned on."""

    method: str
    pairs: int
    accuracy: float
    kappa: float
    thresholds: list[str]  # what each fold's tuning picked


def tune_thresholds(features: Sequence[PairFeatures], reference: Sequence[Label]) -> Thresholds:
    """The grid point with the highest Cohen's kappa against ``reference``; ties go to the
    earliest (no contradiction before any, lower thresholds before higher)."""
    best: Thresholds | None = None
    best_kappa = float("-inf")
    for contradiction in CONTRADICTION_GRID:
        for entailment in ENTAILMENT_GRID:
            thresholds = Thresholds(entailment, contradiction)
            judged = [decide(f, thresholds) for f in features]
            kappa = cohen_kappa(confusion(reference, judged))
            if kappa > best_kappa + 1e-12:
                best, best_kappa = thresholds, kappa
    assert best is not None
    return best


def cross_validate(
    features: Sequence[PairFeatures],
    reference: Sequence[Label],
    groups: Sequence[str],
    folds: int = FOLDS,
) -> HeldOut:
    """Tune on all folds but one, judge the one left out; pooled over the folds. Pairs of one
    group (question) stay in one fold; groups are dealt to folds in the order of their hash."""
    distinct = sorted(set(groups), key=lambda g: hashlib.sha256(g.encode("utf-8")).hexdigest())
    if len(distinct) < folds:
        raise ValueError(f"{len(distinct)} questions cannot make {folds} folds")
    fold_of = {g: i % folds for i, g in enumerate(distinct)}
    judged: list[Label | None] = [None] * len(features)
    picked = []
    for fold in range(folds):
        train = [i for i, g in enumerate(groups) if fold_of[g] != fold]
        thresholds = tune_thresholds([features[i] for i in train], [reference[i] for i in train])
        picked.append(str(thresholds))
        for i, g in enumerate(groups):
            if fold_of[g] == fold:
                judged[i] = decide(features[i], thresholds)
    pooled: list[Label] = [label for label in judged if label is not None]
    return held_out(f"{folds}-fold cross-validation grouped by question", reference, pooled, picked)


def held_out(
    method: str, reference: Sequence[Label], judged: Sequence[Label], picked: list[str]
) -> HeldOut:
    """The pooled held-out judgements measured against the reference."""
    matrix = confusion(reference, judged)
    return HeldOut(
        method=method,
        pairs=len(judged),
        accuracy=accuracy(matrix),
        kappa=cohen_kappa(matrix),
        thresholds=picked,
    )
