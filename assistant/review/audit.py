"""The audit trail: append-only events, each hash-chained to the one before, keyed.

``hash = HMAC-SHA256(key, prev_hash + canonical JSON of [id, at, actor, action, question_id,
details])``, with the audit key (``keys.AuditKey``) that is kept outside the database. The
head row (the newest event's id and hash) is required and sealed with the same key. So none
of these passes ``verify``: altering or deleting an event; deleting the newest events and
moving the head back; deleting the head; rewriting and rehashing the whole chain without the
key. What the key cannot stop: putting back a whole copy of the database taken earlier
(a restored backup); keep the head that ``assistant audit verify`` prints somewhere else to
compare with.

A store whose chain began before it had a key (sha256 links only) is anchored by the
migration that brought the key: an "audit.anchored" event, keyed, follows the old events, and
``verify`` reports them as unanchored: from then on they are pinned (the keyed event holds
the hash of the one before), but changes made to them before it cannot be detected.

Details carry ids, version numbers, roles and reason codes — never patient text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from contextlib import closing
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.review.errors import AuditRefused
from assistant.review.keys import AuditKey
from assistant.review.models import AuditEvent, AuditHead
from assistant.review.views import AuditEventView, AuditVerification

GENESIS = "0" * 64
HEAD_ID = 1
KEY = "audit_key"  # the Session.info entry that carries the store's key to ``append``
ANCHORED = "audit.anchored"


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


def chain_hash(prev_hash: str, event: AuditEvent, key: AuditKey | None) -> str:
    """The event's hash under ``key``; ``None``: sha256, as before stores had a key."""
    details = json.loads(event.details_json)
    text = prev_hash + canonical(
        event.id, event.at, event.actor, event.action, event.question_id, details
    )
    return key.mac(text) if key else hashlib.sha256(text.encode("utf-8")).hexdigest()


def head_seal(key: AuditKey, head: AuditHead) -> str:
    return key.mac(f"audit head {head.last_id} {head.last_hash} {head.anchored_from}")


def session_key(session: Session) -> AuditKey:
    key = session.info.get(KEY)
    if not isinstance(key, AuditKey):
        raise RuntimeError("this session carries no audit key: write through the ReviewStore")
    return key


def _locked_head(session: Session) -> AuditHead | None:
    query = select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()
    return session.scalars(query).one_or_none()


def head_problem(head: AuditHead | None, key: AuditKey, sealed: bool = True) -> str | None:
    """Why the chain's head cannot be trusted, or None (``sealed``: its seal checked too)."""
    if head is None:
        return "the audit chain's head record is missing: it was deleted outside the application"
    if head.anchored_from is None or head.key_id is None or head.seal is None:
        return "the audit chain's head carries no seal: it was altered outside the application"
    if head.key_id != key.id:
        return (
            f"the audit chain is keyed with another key (id {head.key_id}) than this one "
            f"(id {key.id}, from {key.source}): every process that shares this database needs "
            "the same key (ASSISTANT_AUDIT_KEY, or a copy of the same audit.key file)"
        )
    if sealed and not hmac.compare_digest(head.seal, head_seal(key, head)):
        return (
            "the audit chain's head was altered outside the application (its seal does not "
            "match): the newest events may have been deleted"
        )
    return None


def append(
    session: Session,
    at: datetime,
    actor: str | None,
    action: str,
    question_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Adds the next event in the caller's transaction. Call it last in a transaction: it
    locks the chain's head row until commit. A head that cannot be trusted refuses it
    (``AuditRefused``): extending it would seal what was done to it."""
    key = session_key(session)
    head = _locked_head(session)
    problem = head_problem(head, key)
    if problem or head is None:
        raise AuditRefused(
            f"{problem}. Nothing was saved. Run `assistant audit verify`; once the cause is "
            "known (or the database restored), `assistant audit anchor` seals the chain as it "
            "is and records that it did."
        )
    return _extend(session, head, key, at, actor, action, question_id, details)


def _extend(
    session: Session,
    head: AuditHead,
    key: AuditKey,
    at: datetime,
    actor: str | None,
    action: str,
    question_id: int | None,
    details: dict[str, Any],
) -> AuditEvent:
    event = AuditEvent(
        id=head.last_id + 1,
        at=at,
        actor=actor,
        action=action,
        question_id=question_id,
        details_json=json.dumps(details, sort_keys=True, separators=(",", ":")),
        prev_hash=head.last_hash,
    )
    event.hash = chain_hash(head.last_hash, event, key)
    session.add(event)
    head.last_id, head.last_hash = event.id, event.hash
    head.seal = head_seal(key, head)
    session.flush()
    return event


def anchor(
    session: Session, at: datetime, key: AuditKey, actor: str | None = None, reason: str = "key"
) -> AuditEvent | None:
    """Keys the chain with ``key`` from its next event on and seals the head. Run once by
    the migration that brings the key (``reason`` "key"), and by an operator
    (``assistant audit anchor``, "reanchored") after looking into a head ``verify`` refused.
    An empty chain is keyed from event 1; otherwise an "audit.anchored" event (returned)
    records how many events came before it, unanchored."""
    head = _locked_head(session)
    if head is None:  # deleted: rebuilt from the newest event left
        newest = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        last = newest.one_or_none()
        head = AuditHead(
            id=HEAD_ID, last_id=last.id if last else 0, last_hash=last.hash if last else GENESIS
        )
        session.add(head)
    if head.key_id is not None and head.key_id != key.id:
        raise AuditRefused(head_problem(head, key) or "another key")
    head.key_id = key.id
    if head.last_id == 0:
        head.anchored_from = 1
        head.seal = head_seal(key, head)
        session.flush()
        return None
    head.anchored_from = head.last_id + 1
    details = {"unanchored": head.last_id, "reason": reason}
    return _extend(session, head, key, at, actor, ANCHORED, None, details)


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
    """Recomputes the chain and checks the head's seal; names the first altered or missing
    event, or the head."""
    key = session_key(session)
    head = session.get(AuditHead, HEAD_ID)
    problem = head_problem(head, key, sealed=False)
    if problem or head is None or head.anchored_from is None:
        return AuditVerification(ok=False, checked=0, problem=problem)
    query = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    with closing(session.scalars(query)) as rows:  # a server-side cursor on PostgreSQL
        found = _walk(head, head.anchored_from, key, rows)
    problem = head_problem(head, key)
    if found.ok and problem:
        return AuditVerification(ok=False, checked=found.checked, problem=problem)
    return found


def _intact(event: AuditEvent, prev_hash: str, key: AuditKey, keyed: bool) -> bool:
    """An unkeyed event (before the anchor) may also carry the key's hash: a chain
    re-anchored by an operator."""
    try:
        hashes = [chain_hash(prev_hash, event, key)] + (
            [] if keyed else [chain_hash(prev_hash, event, None)]
        )
    except ValueError:
        return False
    return any(hmac.compare_digest(h, event.hash) for h in hashes)


def _walk(
    head: AuditHead, anchored_from: int, key: AuditKey, rows: Iterable[AuditEvent]
) -> AuditVerification:
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
        if not _intact(event, prev_hash, key, keyed=event.id >= anchored_from):
            return _broken(checked, f"event {event.id} was altered", event.id)
        prev_hash, expected_id, checked = event.hash, expected_id + 1, checked + 1
    if head.last_id >= expected_id:
        return _broken(
            checked, f"event {expected_id} is missing (the newest events were deleted)", expected_id
        )
    if checked and head.last_hash != prev_hash:
        return _broken(checked, f"event {expected_id - 1} was altered", expected_id - 1)
    return AuditVerification(ok=True, checked=checked, anchored_from=anchored_from)


def anchoring_note(result: AuditVerification) -> str | None:
    """What verification could not promise for an intact chain, in words; None: nothing."""
    start = result.anchored_from
    if not result.ok or start is None or start <= 1:
        return None
    which = "event 1 was" if start == 2 else f"events 1 to {start - 1} were"
    return (
        f"{which} written before the store had an audit key (or before an operator sealed "
        f"the chain again): pinned since event {start} anchored the chain, but a change made "
        "before then cannot be detected"
    )


def _broken(checked: int, problem: str, event_id: int) -> AuditVerification:
    return AuditVerification(ok=False, checked=checked, problem=problem, event_id=event_id)
