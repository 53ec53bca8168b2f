"""Bootstrap confidence intervals: of a mean over items, and of a paired difference of means.

Percentile bootstrap over items (resampling items, not statements), seeded so a report is
reproducible. ``None`` values (a metric that does not apply to an item) are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.evaluation.results import Interval

RESAMPLES = 2_000
SEED = 13


def bootstrap_interval(
    values: Sequence[float | None],
    resamples: int = RESAMPLES,
    seed: int = SEED,
    spread: float | None = None,
) -> Interval | None:
    """Mean and 95% interval of ``values``; None when no value applies."""
    data = np.array([v for v in values if v is not None], dtype=np.float64)
    if data.size == 0:
        return None
    means = _resampled_means(data, resamples, seed)
    low, high = np.percentile(means, [2.5, 97.5])
    return Interval(
        mean=float(data.mean()), low=float(low), high=float(high), n=int(data.size), spread=spread
    )


def paired_difference(
    before: Sequence[float | None],
    after: Sequence[float | None],
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Interval | None:
    """``after - before`` over the items both measured (same order), with its 95% interval."""
    if len(before) != len(after):
        raise ValueError(f"paired values differ in length: {len(before)} vs {len(after)}")
    pairs = [(b, a) for b, a in zip(before, after, strict=True) if b is not None and a is not None]
    return bootstrap_interval([a - b for b, a in pairs], resamples, seed)


def repeat_spread(per_repeat_means: Sequence[float]) -> float | None:
    """Standard deviation of the per-repeat means (run-to-run spread); None with one repeat."""
    if len(per_repeat_means) < 2:
        return None
    return float(np.std(per_repeat_means, ddof=1))


def _resampled_means(data: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, data.size, size=(resamples, data.size))
    return np.asarray(data[picks].mean(axis=1))
