"""The queue screen's numbers: status tabs with counts, the filter, and one row per question
with its age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from assistant.corpus import Asker
from assistant.drafting import DraftRequest
from assistant.review.views import QuestionView, QueueFilter, Status
from assistant.text import shorten

STATUS_LABELS = {
    Status.PENDING: "Pending",
    Status.IN_REVIEW: "In review",
    Status.APPROVED: "Approved",
    Status.REJECTED: "Rejected",
}
FLAG_CHOICES = {"Any": None, "With flags": True, "Without flags": False}
AGE_CHOICES: dict[str, float | None] = {
    "Any age": None,
    "Waiting over 1 hour": 1.0,
    "Waiting over 1 day": 24.0,
    "Waiting over 3 days": 72.0,
}
ANY_SPECIALTY = "All specialties"
SEXES = ("", "female", "male", "other")


def status_label(status: Status, counts: dict[Status, int]) -> str:
    return f"{STATUS_LABELS[status]} ({counts.get(status, 0)})"


def build_filter(
    status: Status,
    specialty: str = ANY_SPECIALTY,
    flags: str = "Any",
    red_flag_only: bool = False,
    age: str = "Any age",
    search: str = "",
) -> QueueFilter:
    return QueueFilter(
        status=status,
        specialty=None if specialty == ANY_SPECIALTY else specialty,
        flagged=FLAG_CHOICES[flags],
        red_flag=True if red_flag_only else None,
        older_than_hours=AGE_CHOICES[age],
        search=search.strip() or None,
    )


def age_text(age: timedelta) -> str:
    """``"just now"``, ``"12 min"``, ``"5 h"``, ``"3 d"``."""
    seconds = max(0.0, age.total_seconds())
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 86400 * 2:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} d"


@dataclass(frozen=True)
class QueueRow:
    id: int
    title: str
    question: str  # shortened
    specialty: str
    age: str
    flags: str
    status: str
    version: int


def queue_rows(questions: list[QuestionView], now: datetime | None = None) -> list[QueueRow]:
    now = now or datetime.now(UTC)
    rows = []
    for q in questions:
        created = q.created_at if q.created_at.tzinfo else q.created_at.replace(tzinfo=UTC)
        flags = f"{q.flag_count} flag(s)" if q.flag_count else "no flags"
        if q.has_red_flag:
            flags = "red flag · " + flags
        rows.append(
            QueueRow(
                id=q.id,
                title=shorten(q.title or q.question, 80),
                question=shorten(q.question, 160),
                specialty=q.specialty or "no specialty",
                age=age_text(now - created),
                flags=flags,
                status=STATUS_LABELS[q.status],
                version=q.latest_version,
            )
        )
    return rows


def new_request(
    question: str,
    reply: str = "",
    age_range: str = "",
    sex: str = "",
    specialty: str = "",
    doctor: str = "",
) -> tuple[DraftRequest | None, str | None]:
    """The new-question form as a request, or what to fix."""
    try:
        request = DraftRequest(
            question=question,
            reply=reply,
            asker=Asker(age_range=age_range.strip() or None, sex=sex.strip() or None),
            specialty=specialty,
            doctor=doctor,
        )
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in error["loc"]) or "form"
        names = {"question": "Patient's question", "reply": "Doctor's reply"}
        return None, f"{names.get(field, field)}: {error['msg']}"
    return request, None
