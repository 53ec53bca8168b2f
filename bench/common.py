"""Shared by the benchmarks: where the benchmark index lives, query sets, percentiles."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.corpus import load

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


def bench_settings() -> Settings:
    """The full-corpus index of the benchmarks: ``$ASSISTANT_HOME/bench``."""
    base = Settings()
    return base.model_copy(update={"home": base.home / "bench"})


def queries(n: int, seed: int = 5) -> list[str]:
    """Half real patient questions (K-QA), half archive-style questions (MedQuAD)."""
    rng = random.Random(seed)
    patients = [
        json.loads(line)["Question"]
        for line in (DATA / "kqa_patient_questions.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    archive = [r.question for r in load(DATA / "medquad.jsonl.gz").records]
    half = n // 2
    return rng.sample(patients, half) + rng.sample(archive, n - half)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))
