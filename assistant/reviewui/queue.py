"""The queue screen's numbers: status tabs with counts, the filter, and one row per question
with its age."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from assistant.corpus import Asker
from assistant.drafting import DraftRequest
from assistant.review.views import Order, QuestionView, QueueFilter, Status
from assistant.text import shorten

STATUS_LABELS = {
    Status.PENDING: "Pending",
    Status.IN_REVIEW: "In review",
    Status.APPROVED: "Approved",
    Status.REJECTED: "Rejected",
}
# the queue's views: open questions nobody reviews, mine, then each status
UNCLAIMED, MINE = "Unclaimed", "My reviews"
VIEWS = (UNCLAIMED, MINE, *STATUS_LABELS.values())
ORDERS: dict[str, Order] = {
    "Red flags first, then longest waiting": "red_first",
    "Longest waiting first": "waiting",
    "Newest first": "newest",
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


def view_filter(view: str, user_name: str) -> QueueFilter:
    """The questions a view shows, before the other filters."""
    if view == UNCLAIMED:
        return QueueFilter(open_only=True, unclaimed=True)
    if view == MINE:
        return QueueFilter(open_only=True, claimed_by=user_name)
    (status,) = [s for s, label in STATUS_LABELS.items() if label == view]
    return QueueFilter(status=status)


def build_filter(
    view: QueueFilter,
    specialty: str = ANY_SPECIALTY,
    flags: str = "Any",
    red_flag_only: bool = False,
    age: str = "Any age",
    search: str = "",
    order: str = next(iter(ORDERS)),
) -> QueueFilter:
    return replace(
        view,
        specialty=None if specialty == ANY_SPECIALTY else specialty,
        flagged=FLAG_CHOICES[flags],
        red_flag=True if red_flag_only else None,
        older_than_hours=AGE_CHOICES[age],
        search=search.strip() or None,
        order=ORDERS[order],
    )


def flags_text(flag_count: int, red_flag: bool) -> str:
    """``"red flag · 2 flags"``, ``"red flag"``, ``"1 flag"``, ``"no flags"``."""
    count = f"{flag_count} flag{'' if flag_count == 1 else 's'}" if flag_count else ""
    if red_flag:
        return " · ".join(filter(None, ("red flag", count)))
    return count or "no flags"


def reviewer_text(question: QuestionView, user_name: str) -> str:
    """Who reviews the question: ``"in review by you"``, ``"in review by Dr. Ana Lee"``, or
    ``""`` for nobody."""
    if question.claimed_by is None or question.status not in (Status.PENDING, Status.IN_REVIEW):
        return ""
    who = "you" if question.claimed_by == user_name else question.claimed_by_display
    return f"in review by {who}"


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
    reviewer: str  # "in review by …", or ""


def queue_rows(
    questions: list[QuestionView], user_name: str = "", now: datetime | None = None
) -> list[QueueRow]:
    now = now or datetime.now(UTC)
    rows = []
    for q in questions:
        created = q.created_at if q.created_at.tzinfo else q.created_at.replace(tzinfo=UTC)
        rows.append(
            QueueRow(
                id=q.id,
                title=shorten(q.title or q.question, 80),
                question=shorten(q.question, 160),
                specialty=q.specialty or "no specialty",
                age=age_text(now - created),
                flags=flags_text(q.flag_count, q.has_red_flag),
                status=STATUS_LABELS[q.status],
                version=q.latest_version,
                reviewer=reviewer_text(q, user_name),
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
    """The new-question form as a request, or what to fix. The page says "Dr. …", so a
    doctor's name given as "Dr. Ana Lee" is kept as "Ana Lee"."""
    try:
        request = DraftRequest(
            question=question,
            reply=reply,
            asker=Asker(age_range=age_range.strip() or None, sex=sex.strip() or None),
            specialty=specialty,
            doctor=re.sub(r"^\s*dr\.?\s+", "", doctor, flags=re.I),
        )
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in error["loc"]) or "form"
        names = {"question": "Patient's question", "reply": "Doctor's reply"}
        return None, f"{names.get(field, field)}: {error['msg']}"
    return request, None
