"""Readability and length of patient text: Flesch-Kincaid grade (textstat) and word count.

Patient material should read at grade 6-8; a "More Info" body on the site runs to a few
hundred words (the example page's is about 600). Drafting (what "simpler" leaves out), the
checks (their flags) and the review page (its gauges) all measure with ``measure``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import textstat  # type: ignore[import-untyped]

GRADE_TARGET = (6.0, 8.0)  # Flesch-Kincaid grade, inclusive
LENGTH_TARGET = (250, 900)  # words in a More Info body, inclusive

_CITATIONS = re.compile(r"(?<!\s)\s*+\[\d+\]")  # a space run entered once: linear time


@dataclass(frozen=True, slots=True)
class Readability:
    grade: float | None  # None when there is nothing to grade
    words: int


def measure(text: str) -> Readability:
    """Grade and word count of ``text``, citations such as ``[2]`` left out."""
    plain = _CITATIONS.sub("", text).strip()
    words = int(textstat.lexicon_count(plain, removepunct=True)) if plain else 0
    grade = round(float(textstat.flesch_kincaid_grade(plain)), 1) if words else None
    return Readability(grade, words)
