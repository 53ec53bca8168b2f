"""Sentence splitting on hostile input grows linearly: 1k, 10k and 100k characters.

For each input shape, the time of ``assistant.text.split_sentences`` is printed beside a bare
``re.split`` on sentence ends (the baseline: one linear pass, no abbreviation or list
handling), with the ratio of the two and the growth from one size to the next (linear: about
10x per 10x of input). The shapes are the ones that made the old patterns backtrack for
minutes (issue 14): runs of end marks, of spaces, of list numbers, and ordinary prose.

Run from the repository root: ``python -m bench.bench_split``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from assistant.text import split_sentences

SHAPES = {
    "dots": ".",
    "end marks and spaces": "?! ",
    "list numbers": "1. ",
    "initials": "a.",
    "prose": "Gout is a form of arthritis. It hurts. ",
}
SIZES = (1_000, 10_000, 100_000)
_BASELINE = re.compile(r"(?<=[.!?])\s+")


def _best_of(fn: Callable[[str], object], text: str, runs: int = 3) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    console = Console()
    table = Table(title="split_sentences vs re.split, best of 3 (ms)")
    for column in ("input", "chars", "ours", "re.split", "ours / re.split", "growth (ours)"):
        table.add_column(column, justify="right" if column != "input" else "left")
    for name, unit in SHAPES.items():
        previous: float | None = None
        for size in SIZES:
            text = ("Why " + unit * (size // len(unit) + 1))[:size] + " A"
            ours = _best_of(split_sentences, text)
            base = _best_of(_BASELINE.split, text)
            growth = f"{ours / previous:.1f}x" if previous else ""
            table.add_row(
                name,
                f"{size:,}",
                f"{1000 * ours:.2f}",
                f"{1000 * base:.2f}",
                f"{ours / max(base, 1e-9):.0f}",
                growth,
            )
            previous = ours
    console.print(table)


if __name__ == "__main__":
    main()
