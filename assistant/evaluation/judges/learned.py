"""The learned offline judge: a multinomial logistic regression over the pair's signals.

The model is a small JSON file (``data/offline-judge.json``): the signals' names, their means
and scales, one row of coefficients and an intercept per label, the sha256 of the labels file
and of the IDF weights it was fitted with, and the recipe (search grid, folds, seed). Reading
it needs no scikit-learn: a label's probability is the softmax of ``coef · (x - mean) / scale
+ intercept``. ``assistant eval calibrate --judge offline --refit`` fits it again
(``assistant.evaluation.calibration.training``), byte for byte the same on the same machine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ValidationError

from assistant.checks.alignment import Idf, TokenEmbedder
from assistant.evaluation.judges.protocol import LABELS, CallEstimate, JudgeStats, Label, Pair
from assistant.evaluation.judges.signals import FEATURES, PairSignals, SignalReader
from assistant.files import write_atomically
from assistant.resources import packaged

MODEL_FILE = packaged("evaluation", "judges", "data", "offline-judge.json")
MODEL_FORMAT = 1
LEARNED_VERSION = "2"


class ModelError(ValueError):
    """The model file cannot be used; the message names the file and what to do."""


class LearnedModel(BaseModel):
    """A fitted multinomial logistic regression, standardised inputs, in a transparent form."""

    format: int = MODEL_FORMAT
    version: str = LEARNED_VERSION
    features: list[str]
    labels: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[list[float]]  # one row per label, one column per feature
    intercept: list[float]
    labels_sha256: str
    idf_sha256: str
    recipe: dict[str, Any]

    def probabilities(self, rows: NDArray[np.float64]) -> NDArray[np.float64]:
        z = (rows - np.asarray(self.mean)) / np.asarray(self.scale)
        logits = z @ np.asarray(self.coef).T + np.asarray(self.intercept)
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        probabilities: NDArray[np.float64] = e / e.sum(axis=1, keepdims=True)
        return probabilities

    def predict(self, rows: NDArray[np.float64]) -> list[Label]:
        if not len(rows):
            return []
        labels = [_label(name) for name in self.labels]
        found = [labels[i] for i in self.probabilities(rows).argmax(axis=1)]
        return [with_rule(row, label) for row, label in zip(rows, found, strict=True)]

    def weights(self) -> dict[str, dict[str, float]]:
        """Each label's coefficient per (standardised) signal."""
        return {
            label: dict(zip(self.features, row, strict=True))
            for label, row in zip(self.labels, self.coef, strict=True)
        }

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()[:12]

    def to_json(self) -> str:
        return json.dumps(self.model_dump(), indent=1, sort_keys=True) + "\n"

    def save(self, path: Path = MODEL_FILE) -> Path:
        return write_atomically(path, self.to_json())

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> LearnedModel:
        try:
            model = cls.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(
                f"{path}: the offline judge's model is missing; rebuild it with "
                "`assistant eval calibrate --judge offline --refit`"
            ) from None
        except (OSError, ValidationError) as exc:
            raise ModelError(
                f"{path}: not a readable judge model ({exc}); rebuild it with "
                "`assistant eval calibrate --judge offline --refit`"
            ) from None
        if model.format != MODEL_FORMAT or tuple(model.features) != FEATURES:
            raise ModelError(
                f"{path}: fitted on other signals (format {model.format}, {len(model.features)} "
                f"signals) than this code reads; rebuild it with "
                "`assistant eval calibrate --judge offline --refit`"
            )
        return model


CLASH_F1 = 0.5
_CLASHES = FEATURES.index("number_clashes")
_F1 = FEATURES.index("token_f1")


def with_rule(row: NDArray[np.float64], label: Label) -> Label:
    """The high-precision contradiction rule over the model's label: the passage the statement
    aligns with (token F1 ≥ ``CLASH_F1``) states the same kind of quantity with another value
    ("4000 mg" where it says "200 mg to 400 mg"). Contradictions are 3% of the labelled pairs,
    too rare for the regression to predict; the rule has nothing fitted to the labels."""
    if row[_CLASHES] > 0 and row[_F1] >= CLASH_F1:
        return "contradiction"
    return label


def _label(name: str) -> Label:
    for label in LABELS:
        if label == name:
            return label
    raise ModelError(f"the judge model names an unknown label {name!r}")


class LearnedJudge:
    """Signals from MiniLM, the lexicon and the polarity checks, combined by a fitted model."""

    def __init__(
        self, embedder: TokenEmbedder, model: LearnedModel | None = None, idf: Idf | None = None
    ) -> None:
        self.model = model or LearnedModel.load()
        self.reader = SignalReader(embedder, idf)
        self.stats = JudgeStats()

    @property
    def name(self) -> str:
        """Names the fitted model by its digest too, so that a calibration stored for an
        earlier fit does not pass for this one (a refit makes the judge uncalibrated)."""
        return (
            f"offline v{self.model.version} (learned: MiniLM tokens + lexicon + polarity; "
            f"model {self.model.digest})"
        )

    @property
    def tuned_on(self) -> str:
        """sha256 of the labels file the model was fitted on."""
        return self.model.labels_sha256

    def estimate(self, pairs: Sequence[Pair]) -> CallEstimate:
        return CallEstimate()  # no model calls

    def signals(self, pairs: Sequence[Pair]) -> list[PairSignals]:
        return self.reader.read(pairs)

    def judge(self, pairs: Sequence[Pair]) -> list[Label]:
        return self.decide(self.signals(pairs))

    def decide(self, signals: Sequence[PairSignals]) -> list[Label]:
        return self.model.predict(as_rows(signals))


def as_rows(signals: Sequence[PairSignals]) -> NDArray[np.float64]:
    return np.asarray([s.values for s in signals], dtype=np.float64).reshape(-1, len(FEATURES))
