"""Readability and length of a draft's body: Flesch-Kincaid grade (textstat) and word count.

Patient material should read at grade 6-8; a "More Info" body on the site runs to a few
hundred words (the example page's is about 600). Both targets are constants here and
parameters of the checks, so an entry point can pass its own from settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import textstat  # type: ignore[import-untyped]

from assistant.checks.report import Flag

GRADE_TARGET = (6.0, 8.0)  # Flesch-Kincaid grade, inclusive
LENGTH_TARGET = (250, 900)  # words in a More Info body, inclusive

_CITATIONS = re.compile(r"\s*\[\d+\]")


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


def readability_flags(
    measured: Readability,
    grade_target: tuple[float, float] = GRADE_TARGET,
    length_target: tuple[int, int] = LENGTH_TARGET,
) -> list[Flag]:
    """Flags for a grade or a length outside the targets; none when both are inside."""
    flags: list[Flag] = []
    low, high = grade_target
    if measured.grade is not None and measured.grade > high:
        flags.append(
            Flag(
                kind="readability",
                severity="warning",
                message=f"reads at grade {measured.grade:.1f}, above the target {low:g}-{high:g}:"
                " use shorter sentences and everyday words",
            )
        )
    elif measured.grade is not None and measured.grade < low:
        flags.append(
            Flag(
                kind="readability",
                severity="info",
                message=f"reads at grade {measured.grade:.1f}, below the target {low:g}-{high:g}",
            )
        )
    shortest, longest = length_target
    if not shortest <= measured.words <= longest:
        side = "short" if measured.words < shortest else "long"
        flags.append(
            Flag(
                kind="length",
                severity="info" if side == "short" else "warning",
                message=f"{measured.words} words: too {side} for the target "
                f"{shortest}-{longest} words",
            )
        )
    return flags
