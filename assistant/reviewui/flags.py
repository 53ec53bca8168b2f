"""The checks in a few numbers and lines: reading grade and length against their targets,
the share of supported sentences, red flags, and every flag's message."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.checks import CheckReport, Flag
from assistant.knowledge.readability import GRADE_TARGET, LENGTH_TARGET

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Measure:
    label: str
    value: str
    target: str
    ok: bool


@dataclass(frozen=True)
class FlagSummary:
    grade: Measure
    length: Measure
    supported: Measure
    red_flags: tuple[str, ...]
    escalation_present: bool
    flags: tuple[Flag, ...]  # errors first

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.flags)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.flags)

    @property
    def headline(self) -> str:
        if not self.flags:
            return "No flags."
        return f"{self.errors} error(s), {self.warnings} warning(s), {len(self.flags)} flag(s)"


def summarize(
    checks: CheckReport,
    grade_target: tuple[float, float] = GRADE_TARGET,
    length_target: tuple[int, int] = LENGTH_TARGET,
) -> FlagSummary:
    low, high = grade_target
    shortest, longest = length_target
    grade_ok = checks.grade is not None and low <= checks.grade <= high
    unsupported = len(checks.unsupported)
    return FlagSummary(
        grade=Measure(
            "Reading grade",
            "n/a" if checks.grade is None else f"{checks.grade:.1f}",
            f"target {low:g}-{high:g}",
            grade_ok,
        ),
        length=Measure(
            "Length",
            f"{checks.words} words",
            f"target {shortest}-{longest}",
            shortest <= checks.words <= longest,
        ),
        supported=Measure(
            "Supported sentences",
            f"{checks.supported_share:.0%}",
            (f"{unsupported} unsupported" if unsupported else "all supported")
            + ("" if checks.answers_question else " · does not answer the question"),
            unsupported == 0 and checks.answers_question,
        ),
        red_flags=checks.red_flags,
        escalation_present=checks.escalation_present,
        flags=tuple(sorted(checks.flags, key=lambda f: SEVERITY_ORDER[f.severity])),
    )


def open_warnings(checks: CheckReport) -> list[tuple[str, str]]:
    """What approving would accept as it is, as (kind, what to tell the physician): every
    error and warning flag (unsupported sentences counted as one line), and a reading grade
    or length outside its target."""
    summary = summarize(checks)
    found: list[tuple[str, str]] = []
    unsupported = sum(f.kind == "unsupported_sentence" for f in summary.flags)
    if unsupported:
        found.append(
            ("unsupported_sentence", f"{unsupported} sentence(s) not supported by any source")
        )
    found += [
        (f.kind, f.message)
        for f in summary.flags
        if f.severity in ("error", "warning") and f.kind != "unsupported_sentence"
    ]
    said = {kind for kind, _ in found}
    for kind, flag, measure in (
        ("grade", "readability", summary.grade),
        ("length", "length", summary.length),
    ):
        if not measure.ok and flag not in said:  # not twice: a warning flag already says it
            found.append((kind, f"{measure.label} {measure.value}, {measure.target}"))
    return found
