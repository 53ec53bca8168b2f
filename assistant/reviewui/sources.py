"""The sources beside the draft: each cited past reply (title, doctor, specialty, date,
score), the sentences a reviewer can pick, and the passage that supports the picked one."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from assistant.checks import CheckReport, SentenceCheck
from assistant.drafting import Draft
from assistant.text import shorten

Position = tuple[int, int]


@dataclass(frozen=True)
class SentenceOption:
    position: Position
    label: str  # "3.2 ✗ Lipomas are …"
    supported: bool


@dataclass(frozen=True)
class Passage:
    """What a sentence rests on, as the checks found it."""

    sentence: str
    supported: bool
    score: float
    text: str | None  # the closest passage (None: nothing to compare with)
    origin: str  # "the doctor's reply", "source [2]: Lipoma — Dr. Lee", or a reason
    reasons: tuple[str, ...] = ()


def source_rows(draft: Draft) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for n, source in enumerate(draft.sources, start=1):
        day = source.reply_date or source.ask_date
        rows.append(
            {
                "#": f"[{n}]",
                "title": source.display_title,
                "doctor": source.doctor or "",
                "specialty": source.specialty or "",
                "date": day.isoformat() if day else "",
                "score": round(source.score, 3),
                "record": source.record_id,
            }
        )
    return rows


def sentence_options(checks: CheckReport, width: int = 90) -> list[SentenceOption]:
    """One option per checked sentence, in reading order; ✗ marks unsupported ones."""
    return [
        SentenceOption(
            (c.section, c.index),
            f"{c.section + 1}.{c.index + 1} {'✓' if c.supported else '✗'} {shorten(c.text, width)}",
            c.supported,
        )
        for c in checks.sentences
    ]


def options_key(options: list[SentenceOption]) -> str:
    """A widget key that changes with the sentences, so a new text starts from its first
    unsupported sentence instead of keeping a position in the old one."""
    return f"sentence-{zlib.crc32(chr(30).join(o.label for o in options).encode()):08x}"


def first_unsupported(options: list[SentenceOption]) -> int | None:
    """The option of the first unsupported sentence: what a reviewer looks at first."""
    return next((i for i, o in enumerate(options) if not o.supported), None)


def supporting_passage(draft: Draft, checks: CheckReport, position: Position) -> Passage | None:
    check = next((c for c in checks.sentences if (c.section, c.index) == position), None)
    if check is None:
        return None
    return Passage(
        sentence=check.text,
        supported=check.supported,
        score=check.score,
        text=check.evidence,
        origin=_origin(draft, check),
        reasons=check.reasons,
    )


def _origin(draft: Draft, check: SentenceCheck) -> str:
    label = check.evidence_from
    if label == "reply":
        return "the doctor's reply"
    if label and label.startswith("[") and label.endswith("]") and label[1:-1].isdigit():
        n = int(label[1:-1])
        if 1 <= n <= len(draft.sources):
            source = draft.sources[n - 1]
            who = f" — Dr. {source.doctor}" if source.doctor else ""
            return f"source {label}: {source.display_title}{who}"
        return f"source {label} (not among the draft's sources)"
    if check.origin == "template":
        return "standard wording (not checked against sources)"
    return label or "no passage found"
