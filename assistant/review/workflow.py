"""The steps the store's write methods share: locking a question, adding the next version,
changing status, building a conflict, recording a decision — each audited, all inside the
caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.checks.report import CheckReport
from assistant.drafting.models import Draft, DraftRequest
from assistant.review import audit
from assistant.review.convert import (
    body_diff,
    question_columns,
    review_view,
    version_columns,
    version_view,
)
from assistant.review.errors import Claimed, Conflict, NotFound, PermissionDenied, ReadOnly
from assistant.review.models import Question, Review, User, Version
from assistant.review.views import RejectReason, ReviewView, Status, VersionView


def locked(s: Session, question_id: int) -> Question:
    """The question's row, locked until commit (``FOR UPDATE``; SQLite locks the file)."""
    question = s.get(Question, question_id, with_for_update=True)
    if question is None:
        raise NotFound(f"there is no question {question_id}")
    return question


def create(
    s: Session, now: datetime, request: DraftRequest, actor: User | None, origin: str
) -> int:
    question = Question(
        **question_columns(request),
        status=Status.PENDING.value,
        origin=origin,
        created_by=actor.name if actor else None,
        created_at=now,
        updated_at=now,
        latest_version=0,
    )
    s.add(question)
    s.flush()
    audit.append(s, now, question.created_by, "question.created", question.id, origin=origin)
    return question.id


def add_version(
    s: Session,
    now: datetime,
    question: Question,
    content: tuple[str, Draft, CheckReport],
    kind: str,
    author: str,
    actor: User | None,
    base: int | None = None,
) -> VersionView:
    body, draft, checks = content
    version = Version(
        question_id=question.id,
        number=question.latest_version + 1,
        kind=kind,
        author=author,
        created_at=now,
        **version_columns(body, draft, checks),
    )
    s.add(version)
    s.flush()  # the unique (question_id, number) constraint speaks here
    question.latest_version, question.updated_at = version.number, now
    audit.append(
        s,
        now,
        actor.name if actor else None,
        "version.saved",
        question.id,
        version=version.number,
        kind=kind,
        base=base,
    )
    return version_view(version)


def set_status(
    s: Session,
    now: datetime,
    question: Question,
    status: Status,
    actor: User | None,
    action: str,
    **details: object,
) -> None:
    question.status, question.updated_at = status.value, now
    audit.append(s, now, actor.name if actor else None, action, question.id, **details)


def conflict(s: Session, question: Question, base: int) -> Conflict:
    """The newest version (theirs) and a diff from ``base`` to it."""

    def number(n: int) -> Version | None:
        query = select(Version).where(Version.question_id == question.id, Version.number == n)
        return s.scalars(query).first()

    theirs = number(question.latest_version)
    if theirs is None:
        return Conflict(f"question {question.id} has no version {base} yet", None, "")
    return Conflict(
        f"version {theirs.number} was saved by {theirs.author} at "
        f"{theirs.created_at:%Y-%m-%d %H:%M} UTC after version {base}, which this is based "
        "on: compare the changes, merge by hand and save again",
        version_view(theirs),
        body_diff(number(base), theirs),
    )


def decide(
    s: Session,
    now: datetime,
    actor: User,
    question_id: int,
    number: int,
    status: Status,
    reason: RejectReason | None = None,
    comment: str | None = None,
    acknowledged: tuple[str, ...] = (),
) -> ReviewView:
    """Approve or reject version ``number``, which must be the newest."""
    question = locked(s, question_id)
    if question.status == Status.APPROVED.value:
        raise ReadOnly(f"question {question_id} is already approved: reopen it first")
    if question.latest_version != number or number == 0:
        raise conflict(s, question, number)
    review = Review(
        question_id=question_id,
        version_number=number,
        decision=status.value,
        reason=reason.value if reason else None,
        comment=(comment or "").strip() or None,
        reviewer_id=actor.id,
        created_at=now,
    )
    s.add(review)
    s.flush()
    details: dict[str, object] = {"version": number}
    if reason:  # the code only: a comment may quote the patient
        details.update(reason=reason.value, comment=review.comment is not None)
    if acknowledged:  # the warnings' kinds only: their messages may quote the draft
        details["acknowledged"] = sorted(set(acknowledged))
    set_status(s, now, question, status, actor, f"review.{status.value}", **details)
    return review_view(review, actor)


def claim(s: Session, now: datetime, question: Question, actor: User, take_over: bool) -> None:
    if question.status in (Status.APPROVED.value, Status.REJECTED.value):
        raise ReadOnly(f"question {question.id} is {question.status}: reopen it to review it")
    holder = question.claimed_by
    if holder == actor.name:
        return
    if holder is not None and not take_over:
        raise Claimed(f"question {question.id} is in review by {holder}: take it over to review it")
    question.claimed_by, question.claimed_at = actor.name, now
    set_status(s, now, question, Status.IN_REVIEW, actor, "question.claimed", took_over=holder)


def release(s: Session, now: datetime, question: Question, actor: User) -> None:
    if question.claimed_by is None:
        return
    if question.claimed_by != actor.name:
        raise PermissionDenied(
            f"question {question.id} is in review by {question.claimed_by}: only they can "
            "release it (or take it over)"
        )
    edited = s.scalars(
        select(Version.id).where(Version.question_id == question.id, Version.kind == "edit")
    ).first()
    question.claimed_by, question.claimed_at = None, None
    status = Status(question.status)
    if status == Status.IN_REVIEW and edited is None:
        status = Status.PENDING
    set_status(s, now, question, status, actor, "question.released")
