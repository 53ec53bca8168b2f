"""Hypothesis strategies shared by the fuzz suite (``tests/test_fuzz_*.py``): text that mixes
ordinary words with the fragments that break parsers and renderers, and the hypothesis
profiles the suite runs under.

Profiles: ``ci`` (the default: 100 examples a test, derandomized so a run is reproducible,
a deadline that a slow shared 2-core machine meets) and ``deep`` (randomized, 2,000
examples, for hunting locally: ``HYPOTHESIS_PROFILE=deep pytest tests/test_fuzz_*.py``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "deep", max_examples=2_000, deadline=timedelta(seconds=10), print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

HOSTILE = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><iframe src="javascript:alert(1)">',
    "javascript:alert(document.cookie)",
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x]: javascript:alert(1)",
    "[x][x]",
    "<javascript:alert(1)>",
    "\\[x](javascript:alert(1))",
    "&lt;script&gt;",
    "&#106;avascript:alert(1)",
    "<!--",
    "`code`",
    "**bold**",
    "# Heading",
    "## ",
    "- ",
    "1. ",
    "[1]",
    "[2, 3]",
    "Dr.",
    "e.g.",
    "...",
    "?!",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\f",
    "=====",
    '"',
    "'",
    ",",
    "\u00a0",
    "\u2028",
    "\u202e",
    "\ufeff",
    "\x00",
    "医生说是良性的。",
    "¿Qué?",
    "٣",
)
WORDS = ("the", "lump", "Calcium", "builds", "up", "Fever", "It", "is", "benign", "2", "0.2")

words = st.sampled_from(WORDS)
hostile = st.sampled_from(HOSTILE)
anything = st.text(max_size=30)


def mixed_text(max_parts: int = 12) -> st.SearchStrategy[str]:
    """Words, hostile fragments and arbitrary Unicode, joined with spaces or nothing."""
    part = st.one_of(words, hostile, anything)
    joiner = st.sampled_from((" ", "", ". ", "\n"))
    return st.lists(st.tuples(part, joiner), max_size=max_parts).map(
        lambda parts: "".join(p + j for p, j in parts)
    )


RUN_UNITS = tuple(" \t.#*[()],;:!?-1aA'")


def hostile_run(prefixes: tuple[str, ...], suffixes: tuple[str, ...]) -> st.SearchStrategy[Run]:
    """A line built to make a backtracking pattern retry: a prefix, one short unit (spaces,
    end marks, hashes, brackets…) repeated, and a suffix."""
    unit = st.sampled_from(RUN_UNITS) | st.text(alphabet=RUN_UNITS, min_size=1, max_size=3)
    return st.builds(Run, st.sampled_from(prefixes), unit, st.sampled_from(suffixes))


class Run:
    """``prefix + unit * n + suffix`` for any ``n``."""

    def __init__(self, prefix: str, unit: str, suffix: str) -> None:
        self.prefix, self.unit, self.suffix = prefix, unit, suffix

    def __repr__(self) -> str:
        return f"Run({self.prefix!r}, {self.unit!r}, {self.suffix!r})"

    def text(self, chars: int) -> str:
        return self.prefix + self.unit * (chars // len(self.unit)) + self.suffix


def assert_linear(work: Callable[[str], object], run: Run, chars: int = 1_000) -> None:
    """``work`` on ``run`` costs about 8 times as much at 8 times the length: linear, not
    quadratic (64 times) or worse. CPU time, best of three; a cost under 2 ms counts as 2 ms,
    so timer noise on small inputs cannot fail it."""

    def cost(n: int) -> float:
        text = run.text(n)
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            work(text)
            best = min(best, time.process_time() - start)
        return best

    small = cost(chars)
    assert small < 0.5, f"{small:.2f} s already at {chars:,} characters: {run}"
    large = cost(8 * chars)
    assert large < 24 * max(small, 2e-3), f"{small:.4f} s -> {large:.4f} s at 8x: {run}"
