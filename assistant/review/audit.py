"""The audit trail: append-only events, each hash-chained to the one before.

``hash = sha256(prev_hash + canonical JSON of [id, at, actor, action, question_id, details])``.
Details carry ids, version numbers, roles and reason codes — never patient text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.review.models import AuditEvent, AuditHead
from assistant.review.views import AuditEventView, AuditVerification

GENESIS = "0" * 64
HEAD_ID = 1


def canonical(
    event_id: int,
    at: datetime,
    actor: str | None,
    action: str,
    question_id: int | None,
    details: dict[str, Any],
) -> str:
    stamp = at.astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(
        [event_id, stamp, actor, action, question_id, details],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    text = canonical(
        event.id,
        event.at,
        event.actor,
        event.action,
        event.question_id,
        json.loads(event.details_json),
    )
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def append(
    session: Session,
    at: datetime,
    actor: str | None,
    action: str,
    question_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Adds the next event in the caller's transaction. Call it last in a transaction: it
    locks the chain's head row until commit."""
    head = session.scalars(
        select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()
    ).one_or_none()
    if head is None:  # a database created without the migration's seed row
        head = AuditHead(id=HEAD_ID, last_id=0, last_hash=GENESIS)
        session.add(head)
    event = AuditEvent(
        id=head.last_id + 1,
        at=at,
        actor=actor,
        action=action,
        question_id=question_id,
        details_json=json.dumps(details, sort_keys=True, separators=(",", ":")),
        prev_hash=head.last_hash,
    )
    event.hash = chain_hash(head.last_hash, event)
    session.add(event)
    head.last_id, head.last_hash = event.id, event.hash
    session.flush()
    return event


def view(event: AuditEvent) -> AuditEventView:
    return AuditEventView(
        id=event.id,
        at=event.at,
        actor=event.actor,
        action=event.action,
        question_id=event.question_id,
        details=json.loads(event.details_json),
        hash=event.hash,
    )


def events(
    session: Session,
    actor: str | None = None,
    action: str | None = None,
    question_id: int | None = None,
    limit: int = 500,
) -> list[AuditEventView]:
    """Newest first."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if question_id is not None:
        query = query.where(AuditEvent.question_id == question_id)
    return [view(e) for e in session.scalars(query)]


def verify(session: Session) -> AuditVerification:
    """Recomputes the chain; names the first altered or missing event."""
    query = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    with closing(session.scalars(query)) as rows:  # a server-side cursor on PostgreSQL
        return _walk(session, rows)


def _walk(session: Session, rows: Iterable[AuditEvent]) -> AuditVerification:
    expected_id, prev_hash, checked = 1, GENESIS, 0
    for event in rows:
        if event.id != expected_id:
            return _broken(checked, f"event {expected_id} is missing", expected_id)
        if event.prev_hash != prev_hash:
            before = event.id - 1
            problem = (
                f"event {event.id} does not link to event {before}: event {before} was altered "
                "(and its hash rewritten), or events between them were deleted"
                if checked
                else f"event {event.id} was altered"
            )
            return _broken(checked, problem, event.id)
        try:
            recomputed = chain_hash(prev_hash, event)
        except ValueError:
            recomputed = ""
        if recomputed != event.hash:
            return _broken(checked, f"event {event.id} was altered", event.id)
        prev_hash, expected_id, checked = event.hash, expected_id + 1, checked + 1
    head = session.get(AuditHead, HEAD_ID)
    if head is not None and head.last_id >= expected_id:
        return _broken(
            checked, f"event {expected_id} is missing (the newest events were deleted)", expected_id
        )
    if head is not None and checked and head.last_hash != prev_hash:
        return _broken(checked, f"event {expected_id - 1} was altered", expected_id - 1)
    return AuditVerification(ok=True, checked=checked)


def _broken(checked: int, problem: str, event_id: int) -> AuditVerification:
    return AuditVerification(ok=False, checked=checked, problem=problem, event_id=event_id)
