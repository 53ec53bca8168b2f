"""Offline judge time per pair, measured side by side in one run on the same K-QA pairs.

  (a) new: the learned offline judge (``LearnedJudge``: token vectors of the statement and
      the answer's sentences, IDF alignment, lexicon, polarity, logistic regression);
  (b) old: the cosine-threshold judge (``OfflineJudge``: MiniLM cosine of sentences and
      sentence pairs, agreement vetoes).

Both use their own fresh embedder on 2 ONNX threads (no vector cached from the other), judge
the same pairs in batches of 16 as ``assistant eval calibrate`` does, and run in turn for
several rounds (rotating who goes first); the best round counts. Target: the new judge
≤ 20 ms per pair on 2 cores. Run: ``python -m bench.bench_judge [--pairs 120] [--rounds 2]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.table import Table

from assistant.embeddings import MiniLMEmbedder
from assistant.evaluation.calibration import read_labels, select
from assistant.evaluation.judges import LearnedJudge, OfflineJudge, Pair

BATCH = 16


def timed(judge: Callable[[Sequence[Pair]], object], pairs: list[Pair]) -> float:
    started = time.perf_counter()
    for start in range(0, len(pairs), BATCH):
        judge(pairs[start : start + BATCH])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    pairs = [r.pair for r in select(read_labels(), args.pairs)]
    judges: dict[str, Callable[[], Callable[[Sequence[Pair]], object]]] = {
        "new (learned)": lambda: LearnedJudge(MiniLMEmbedder(threads=2)).judge,
        "old (cosine)": lambda: OfflineJudge(MiniLMEmbedder(threads=2)).judge,
    }
    best = {name: float("inf") for name in judges}
    for round_ in range(args.rounds):
        names = list(judges)
        names = names[round_ % 2 :] + names[: round_ % 2]
        for name in names:
            judge = judges[name]()  # fresh embedder: no vectors cached from a round before
            judge(pairs[:2])  # warm up the session
            best[name] = min(best[name], timed(judge, pairs))
    table = Table(title=f"Judge time per pair ({len(pairs)} K-QA pairs, 2 ONNX threads)")
    for column in ("judge", "ms per pair", "ratio to old"):
        table.add_column(column, justify="left" if column == "judge" else "right")
    old = best["old (cosine)"]
    for name, seconds in best.items():
        table.add_row(name, f"{seconds / len(pairs) * 1000:.1f}", f"{seconds / old:.2f}")
    Console().print(table)


if __name__ == "__main__":
    main()
