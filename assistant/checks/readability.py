"""Flags for a draft's readability and length outside the targets (measured by
``assistant.knowledge.readability``). The targets are parameters, so an entry point can pass
its own from settings."""

from __future__ import annotations

from assistant.checks.report import Flag
from assistant.knowledge.readability import GRADE_TARGET, LENGTH_TARGET, Readability


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
