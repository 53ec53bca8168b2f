"""Reading the store: the queue with its filters, counts, one question in full."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session, aliased

from assistant.review.convert import question_view, review_view, version_view
from assistant.review.errors import NotFound
from assistant.review.models import Question, Review, User, Version
from assistant.review.views import QuestionDetail, QuestionView, QueueFilter, ReviewView, Status

# a question with its newest version (none before the first draft)
LATEST = and_(Version.question_id == Question.id, Version.number == Question.latest_version)
Claimer = aliased(User)
S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def queue(session: Session, where: QueueFilter, now: datetime) -> list[QuestionView]:
    query = _filtered(_joined(), where, now)
    red = func.coalesce(Version.has_red_flag, False)
    order = {
        "red_first": (red.desc(), Question.created_at, Question.id),
        "waiting": (Question.created_at, Question.id),
        "newest": (Question.created_at.desc(), Question.id.desc()),
    }[where.order]
    return [question_view(q, v, name) for q, v, name in session.execute(query.order_by(*order))]


def count(session: Session, where: QueueFilter, now: datetime) -> int:
    query = _filtered(select(func.count(Question.id)).outerjoin(Version, LATEST), where, now)
    return int(session.execute(query).scalar_one())


def counts(session: Session) -> dict[Status, int]:
    found = dict(
        session.execute(select(Question.status, func.count()).group_by(Question.status)).all()
    )
    return {status: int(found.get(status.value, 0)) for status in Status}


def _joined() -> Select[Question, Version, str | None]:
    """Questions with their newest version and the display name of whoever claimed them."""
    return (
        select(Question, Version, Claimer.display_name)
        .outerjoin(Version, LATEST)
        .outerjoin(Claimer, Claimer.name == Question.claimed_by)
    )


def _filtered(query: S, where: QueueFilter, now: datetime) -> S:
    if where.status is not None:
        query = query.where(Question.status == Status(where.status).value)
    if where.open_only:
        query = query.where(Question.status.in_([Status.PENDING.value, Status.IN_REVIEW.value]))
    if where.claimed_by is not None:
        query = query.where(Question.claimed_by == where.claimed_by)
    if where.unclaimed:
        query = query.where(Question.claimed_by.is_(None))
    if where.specialty:
        query = query.where(Question.specialty == where.specialty)
    if where.flagged is not None:
        flags = func.coalesce(Version.flag_count, 0)
        query = query.where(flags > 0 if where.flagged else flags == 0)
    if where.red_flag is not None:
        red = func.coalesce(Version.has_red_flag, False)
        query = query.where(red.is_(True) if where.red_flag else red.is_(False))
    if where.older_than_hours is not None:
        query = query.where(Question.created_at < now - timedelta(hours=where.older_than_hours))
    for word in (where.search or "").split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Question.question.ilike(f"%{escaped}%", escape="\\"))
    return query


def specialties(session: Session) -> list[str]:
    query = select(Question.specialty).where(Question.specialty.is_not(None)).distinct()
    return sorted(s for s in session.scalars(query) if s)


def question(session: Session, question_id: int) -> QuestionView:
    row = session.execute(_joined().where(Question.id == question_id)).first()
    if row is None:
        raise NotFound(f"there is no question {question_id}")
    return question_view(row[0], row[1], row[2])


def reviews(session: Session, question_id: int) -> list[ReviewView]:
    rows = session.execute(
        select(Review, User)
        .join(User, User.id == Review.reviewer_id)
        .where(Review.question_id == question_id)
        .order_by(Review.id)
    ).all()
    return [review_view(r, u) for r, u in rows]


def detail(session: Session, question_id: int) -> QuestionDetail:
    view = question(session, question_id)
    versions = session.scalars(
        select(Version).where(Version.question_id == question_id).order_by(Version.number)
    )
    return QuestionDetail(
        question=view,
        versions=tuple(version_view(v) for v in versions),
        reviews=tuple(reviews(session, question_id)),
    )


def approved(session: Session) -> list[tuple[QuestionDetail, ReviewView]]:
    ids = session.scalars(
        select(Question.id).where(Question.status == Status.APPROVED.value).order_by(Question.id)
    ).all()
    found: list[tuple[QuestionDetail, ReviewView]] = []
    for question_id in ids:
        full = detail(session, question_id)
        approvals = [r for r in full.reviews if r.decision == "approved"]
        if approvals:
            found.append((full, approvals[-1]))
    return found
