"""Calibrating a judge: run it on every labelled pair and measure it against the physicians.

:func:`calibrate` measures the judge against the physicians' majority (accuracy, Cohen's
kappa, the 3 by 3 confusion matrix, per-class precision and recall) and against each single
physician; for a judge tuned on these labels it adds the held-out measure of the tuning.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from assistant.evaluation.calibration.agreement import (
    ClassScores,
    Matrix,
    RaterAgreement,
    accuracy,
    class_scores,
    cohen_kappa,
    confusion,
    rater_agreement,
)
from assistant.evaluation.calibration.labels import (
    DEFAULT_LABELS,
    PHYSICIANS,
    file_sha256,
    read_labels,
    select,
)
from assistant.evaluation.calibration.training import Training, cross_validate_learned
from assistant.evaluation.calibration.tuning import FOLDS, HeldOut, cross_validate
from assistant.evaluation.judges import Label, OfflineJudge, PairFeatures, StatementJudge, decide
from assistant.evaluation.judges.learned import LearnedJudge, as_rows
from assistant.evaluation.judges.signals import PairSignals
from assistant.evaluation.results import Agreement

BATCH = 16  # pairs per judge() call (the progress callback advances after each)
Progress = Callable[[int], None]


class Calibration(BaseModel):
    """One judge measured against the physicians' labels."""

    judge: str
    labels_file: str
    labels_sha256: str
    pairs: int
    limit: int | None = None
    accuracy: float  # against the physicians' majority
    kappa: float
    confusion: Matrix
    classes: list[ClassScores]
    physicians: list[RaterAgreement]  # against each single physician
    in_sample: bool = False  # the judge was tuned on these labels
    held_out: HeldOut | None = None
    training: Training | None = None  # the learned judge's recipe measured held out
    weights: dict[str, dict[str, float]] | None = None  # the learned judge's coefficients
    calls: int = 0  # model calls made (LLM judges)
    cached: int = 0  # answers found in the judge's cache
    unparseable: int = 0  # model answers that named no verdict (counted as neutral)
    conflicting: int = 0  # pairs judged both entailed and contradicted (counted as neutral)
    seconds: float = 0.0
    calibrated_at: datetime

    @property
    def agreement(self) -> Agreement:
        """The agreement to expect on new data: held-out when the judge was tuned on these
        labels (and the held-out measure exists), else the measured one."""
        held = self.held_out if self.in_sample else None
        return Agreement(
            judge=self.judge,
            pairs=held.pairs if held else self.pairs,
            accuracy=held.accuracy if held else self.accuracy,
            kappa=held.kappa if held else self.kappa,
            calibrated_at=self.calibrated_at,
            kappa_interval=(
                (self.training.kappa_interval.low, self.training.kappa_interval.high)
                if self.training is not None and self.in_sample
                else None
            ),
            accuracy_interval=(
                (self.training.accuracy_interval.low, self.training.accuracy_interval.high)
                if self.training is not None and self.in_sample
                else None
            ),
        )

    @property
    def mean_physician_accuracy(self) -> float:
        return sum(p.accuracy for p in self.physicians) / len(self.physicians)

    @property
    def mean_physician_kappa(self) -> float:
        return sum(p.kappa for p in self.physicians) / len(self.physicians)


def calibrate(
    judge: StatementJudge,
    path: Path = DEFAULT_LABELS,
    limit: int | None = None,
    progress: Progress | None = None,
    curve: bool = True,
) -> Calibration:
    """Runs ``judge`` on the labelled pairs (``limit`` of them, spread over the file) and
    measures it. ``progress(n)`` is called after each batch of ``n`` pairs; ``curve=False``
    leaves out the learned judge's learning curve (what a run's calibration does not need)."""
    every = read_labels(path)
    rows = select(every, limit)
    sha = file_sha256(path)
    stats = getattr(judge, "stats", None)
    before = _counts(stats)
    started = time.perf_counter()
    judged: list[Label] = []
    features: list[PairFeatures] = []
    signals: list[PairSignals] = []
    for start in range(0, len(rows), BATCH):
        pairs = [r.pair for r in rows[start : start + BATCH]]
        if isinstance(judge, OfflineJudge):
            found = judge.features(pairs)
            features.extend(found)
            labels = [decide(f, judge.thresholds) for f in found]
        elif isinstance(judge, LearnedJudge):
            read = judge.signals(pairs)
            signals.extend(read)
            labels = judge.decide(read)
        else:
            labels = judge.judge(pairs)
        if len(labels) != len(pairs):
            raise ValueError(f"judge {judge.name} gave {len(labels)} labels for {len(pairs)}")
        judged.extend(labels)
        if progress is not None:
            progress(len(pairs))
    seconds = time.perf_counter() - started
    reference = [r.majority for r in rows]
    matrix = confusion(reference, judged)
    in_sample = getattr(judge, "tuned_on", None) == sha
    held_out = None
    questions = [r.question for r in rows]
    # held out only over the whole file: a sample's folds would measure tuning on fewer pairs
    if in_sample and features and len(rows) == len(every) and len(set(questions)) >= FOLDS:
        held_out = cross_validate(features, reference, questions)
    training = None
    whole = len(rows) == len(every) and len(set(questions)) >= FOLDS
    if in_sample and signals and whole:
        training = cross_validate_learned(as_rows(signals), reference, questions, curve)
        held_out = HeldOut(**training.model_dump(include=set(HeldOut.model_fields)))
    after = _counts(stats)
    return Calibration(
        judge=judge.name,
        labels_file=str(path),
        labels_sha256=sha,
        pairs=len(rows),
        limit=limit,
        accuracy=accuracy(matrix),
        kappa=cohen_kappa(matrix),
        confusion=matrix,
        classes=class_scores(matrix),
        physicians=[
            rater_agreement("judge", f"physician {i}", judged, [r.physicians[i] for r in rows])
            for i in range(len(PHYSICIANS))
        ],
        in_sample=in_sample,
        held_out=held_out,
        training=training,
        weights=judge.model.weights() if isinstance(judge, LearnedJudge) else None,
        calls=after["calls"] - before["calls"],
        cached=after["cached"] - before["cached"],
        unparseable=after["unparseable"] - before["unparseable"],
        conflicting=after["conflicting"] - before["conflicting"],
        seconds=seconds,
        calibrated_at=datetime.now(UTC),
    )


def _counts(stats: object) -> dict[str, int]:
    return {k: int(getattr(stats, k, 0)) for k in ("calls", "cached", "unparseable", "conflicting")}
