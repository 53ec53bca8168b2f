"""Fitting the learned offline judge on the physicians' labels, and measuring it held out.

The recipe, all of it seeded (``SEED``) so that a refit gives the same file:

- **model**: multinomial logistic regression (scikit-learn, lbfgs) on standardised signals;
  the search grid is the regularisation ``C`` and the weight of the rare contradiction class
  (``GRID``), so the classifier cannot simply ignore contradictions;
- **selection**: the grid point with the highest Cohen's kappa over an inner 3-fold
  cross-validation grouped by question (ties to the earliest);
- **held out**: an outer 5-fold cross-validation grouped by question (stratified by label):
  selection and fitting see only the four training folds, the fifth is judged; the pooled
  judgements give accuracy, kappa, the confusion matrix and the contradiction table. The
  intervals are 95% bootstrap intervals over questions (accuracy, kappa) and exact binomial
  (Clopper-Pearson) intervals (contradiction precision and recall);
- **learning curve**: the same nested procedure with only part of each training fold's
  questions;
- **contradictions**: besides the class weight in the grid, a fixed high-precision rule
  (:func:`assistant.evaluation.judges.learned.with_rule`) applies in the folds as in use;
- **shipped model**: selection and fitting on all pairs.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel

from assistant.evaluation.calibration.agreement import (
    Matrix,
    accuracy,
    cohen_kappa,
    confusion,
)
from assistant.evaluation.calibration.tuning import HeldOut, held_out
from assistant.evaluation.judges import LABELS, Label
from assistant.evaluation.judges.learned import LearnedModel, with_rule
from assistant.evaluation.judges.signals import FEATURES

SEED = 13
OUTER_FOLDS = 5
INNER_FOLDS = 3
GRID: tuple[tuple[float, float], ...] = tuple(
    (c, w) for w in (1.0, 8.0) for c in (0.1, 0.5, 2.0)
)  # (C, weight of a contradiction)
CURVE = (0.33, 0.67, 1.0)  # shares of each training fold's questions
BOOTSTRAP = 1000


class Interval(BaseModel):
    low: float
    high: float


class Rate(BaseModel):
    """A share with its exact binomial interval: ``hits`` of ``of``."""

    hits: int
    of: int
    value: float | None
    interval: Interval | None


class CurvePoint(BaseModel):
    share: float
    pairs: int  # training pairs per fold, on average
    accuracy: float
    kappa: float


class Training(HeldOut):
    """The held-out measure of the recipe (``thresholds``: each outer fold's grid point), with
    intervals, the contradiction table and the learning curve."""

    accuracy_interval: Interval
    kappa_interval: Interval
    confusion: Matrix
    contradiction_precision: Rate
    contradiction_recall: Rate
    curve: list[CurvePoint]
    recipe: dict[str, Any]


def recipe() -> dict[str, Any]:
    return {
        "model": "multinomial logistic regression (scikit-learn, lbfgs) on standardised signals",
        "grid": [{"C": c, "contradiction_weight": w} for c, w in GRID],
        "selection": f"highest Cohen's kappa, {INNER_FOLDS}-fold CV grouped by question",
        "held_out": f"{OUTER_FOLDS}-fold CV grouped by question, stratified, nested",
        "seed": SEED,
    }


def _fit(x: NDArray[np.float64], y: Sequence[Label], point: tuple[float, float]) -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    c, weight = point
    weights = {label: (weight if label == "contradiction" else 1.0) for label in LABELS}
    model = make_pipeline(
        StandardScaler(),
        LogisticRegression(C=c, class_weight=weights, max_iter=2000),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(x, list(y))
    return model


def _folds(
    y: Sequence[Label], groups: Sequence[str], n: int
) -> list[tuple[NDArray[np.int64], NDArray[np.int64]]]:
    from sklearn.model_selection import StratifiedGroupKFold

    # groups as numbers in the order of their hash, so the folds do not depend on row order
    order = sorted(set(groups), key=lambda g: hashlib.sha256(g.encode("utf-8")).hexdigest())
    numbers = {g: i for i, g in enumerate(order)}
    split = StratifiedGroupKFold(n_splits=n, shuffle=True, random_state=SEED)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a class with fewer members than folds
        return list(split.split(np.zeros(len(y)), list(y), [numbers[g] for g in groups]))


def select(
    x: NDArray[np.float64], y: Sequence[Label], groups: Sequence[str]
) -> tuple[float, float]:
    """The grid point with the highest inner cross-validated kappa."""
    folds = _folds(y, groups, INNER_FOLDS)
    best, best_kappa = GRID[0], float("-inf")
    for point in GRID:
        judged: list[Label] = list(y)
        for train, test in folds:
            model = _fit(x[train], [y[i] for i in train], point)
            for i, label in zip(test, model.predict(x[test]), strict=True):
                judged[i] = label
        kappa = cohen_kappa(confusion(y, judged))
        if kappa > best_kappa + 1e-12:
            best, best_kappa = point, kappa
    return best


def fit(
    x: NDArray[np.float64],
    y: Sequence[Label],
    groups: Sequence[str],
    labels_sha256: str,
    idf_sha256: str,
) -> LearnedModel:
    """Selection and fitting on all the pairs given: the model to ship."""
    point = select(x, y, groups)
    model = _fit(x, y, point)
    scaler, regression = model[0], model[1]
    order = [list(regression.classes_).index(label) for label in LABELS]
    return LearnedModel(
        features=list(FEATURES),
        labels=list(LABELS),
        mean=[float(v) for v in scaler.mean_],
        scale=[float(v) for v in scaler.scale_],
        coef=[[float(v) for v in regression.coef_[i]] for i in order],
        intercept=[float(regression.intercept_[i]) for i in order],
        labels_sha256=labels_sha256,
        idf_sha256=idf_sha256,
        recipe={**recipe(), "picked": {"C": point[0], "contradiction_weight": point[1]}},
    )


def _nested(
    x: NDArray[np.float64], y: Sequence[Label], groups: Sequence[str], share: float = 1.0
) -> tuple[list[Label], list[str], float]:
    judged: list[Label] = list(y)
    picked: list[str] = []
    sizes = []
    for train, test in _folds(y, groups, OUTER_FOLDS):
        if share < 1.0:
            kept = sorted({groups[i] for i in train},
                          key=lambda g: hashlib.sha256(g.encode("utf-8")).hexdigest())  # fmt: skip
            kept = kept[: max(INNER_FOLDS, round(len(kept) * share))]
            chosen = set(kept)
            train = np.asarray([i for i in train if groups[i] in chosen], dtype=np.int64)
        ty, tg = [y[i] for i in train], [groups[i] for i in train]
        point = select(x[train], ty, tg)
        picked.append(f"C {point[0]:g}, contradiction weight {point[1]:g}")
        model = _fit(x[train], ty, point)
        for i, label in zip(test, model.predict(x[test]), strict=True):
            judged[i] = with_rule(x[i], label)
        sizes.append(len(train))
    return judged, picked, float(np.mean(sizes))


def clopper_pearson(hits: int, of: int, level: float = 0.95) -> Interval | None:
    """The exact binomial interval of ``hits / of``; None when ``of`` is 0."""
    if of == 0:
        return None
    from scipy.stats import beta

    tail = (1 - level) / 2
    low = 0.0 if hits == 0 else float(beta.ppf(tail, hits, of - hits + 1))
    high = 1.0 if hits == of else float(beta.ppf(1 - tail, hits + 1, of - hits))
    return Interval(low=low, high=high)


def rate(hits: int, of: int) -> Rate:
    return Rate(
        hits=hits, of=of, value=hits / of if of else None, interval=clopper_pearson(hits, of)
    )


def bootstrap(
    reference: Sequence[Label], judged: Sequence[Label], groups: Sequence[str]
) -> tuple[Interval, Interval]:
    """95% percentile intervals of accuracy and kappa, resampling questions."""
    rng = np.random.default_rng(SEED)
    by_group: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        by_group.setdefault(g, []).append(i)
    members = list(by_group.values())
    accuracies, kappas = [], []
    for _ in range(BOOTSTRAP):
        rows = [i for k in rng.integers(0, len(members), len(members)) for i in members[k]]
        matrix = confusion([reference[i] for i in rows], [judged[i] for i in rows])
        accuracies.append(accuracy(matrix))
        kappas.append(cohen_kappa(matrix))

    def interval(values: list[float]) -> Interval:
        low, high = np.percentile(values, [2.5, 97.5])
        return Interval(low=float(low), high=float(high))

    return interval(accuracies), interval(kappas)


def cross_validate_learned(
    x: NDArray[np.float64], y: Sequence[Label], groups: Sequence[str], curve: bool = True
) -> Training:
    """The recipe measured held out (nested), with intervals and (``curve``) the learning
    curve, which costs twice the rest again."""
    judged, picked, _ = _nested(x, y, groups)
    matrix = confusion(y, judged)
    acc_interval, kappa_interval = bootstrap(y, judged, groups)
    c = LABELS.index("contradiction")
    hits = matrix[c][c]
    points = []
    for share in CURVE if curve else (1.0,):
        at, _, pairs = (judged, picked, 0.0) if share == 1.0 else _nested(x, y, groups, share)
        if share == 1.0:
            pairs = float(np.mean([len(t) for t, _ in _folds(y, groups, OUTER_FOLDS)]))
        m = confusion(y, at)
        points.append(CurvePoint(share=share, pairs=round(pairs), accuracy=accuracy(m),
                                kappa=cohen_kappa(m)))  # fmt: skip
    method = f"nested {OUTER_FOLDS}-fold cross-validation grouped by question"
    return Training(
        **held_out(method, y, judged, picked).model_dump(),
        accuracy_interval=acc_interval,
        kappa_interval=kappa_interval,
        confusion=matrix,
        contradiction_precision=rate(hits, sum(row[c] for row in matrix)),
        contradiction_recall=rate(hits, sum(matrix[c])),
        curve=points,
        recipe=recipe(),
    )
