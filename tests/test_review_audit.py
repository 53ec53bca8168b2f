"""The audit trail (SQLite and PostgreSQL): every change appends an event, hash-chained to
the one before; altering or deleting any event with raw SQL is found and named; events carry
ids and codes, never patient text."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from assistant.review.audit import chain_hash
from assistant.review.models import AuditEvent
from assistant.review.store import ReviewStore
from assistant.review.views import RejectReason
from tests.builders import QUESTION
from tests.test_review_store import drafted, edit, people


def busy_store(store: ReviewStore) -> int:
    doc, ed, admin = people(store)
    qid = drafted(store, ed)
    store.authenticate("doc", "correct horse")
    store.authenticate("doc", "letmein99")
    store.open_for_review(qid, doc)
    edit(store, qid, 1, doc, "A patient detail: my calf hurts.")
    store.reject(qid, 2, RejectReason.INACCURATE, "The calf lump is not benign.", doc)
    store.reopen(qid, doc)
    store.approve(qid, 2, doc)
    store.disable_user("ed", by=admin)
    return qid


def sql(store: ReviewStore, statement: str) -> None:
    with store.engine.begin() as connection:
        connection.exec_driver_sql(statement)


def test_every_change_is_an_event_in_an_intact_chain(review_store: ReviewStore) -> None:
    qid = busy_store(review_store)
    events = review_store.events()
    assert [e.id for e in events] == list(range(len(events), 0, -1))  # newest first
    assert [e.action for e in reversed(events)] == [
        "user.added", "user.added", "user.added", "question.created", "version.saved",
        "user.login_ok", "user.login_failed", "question.opened", "version.saved",
        "review.rejected", "question.reopened", "review.approved", "user.disabled",
    ]  # fmt: skip
    assert review_store.verify_audit().ok and review_store.verify_audit().checked == len(events)
    rejected = review_store.events(action="review.rejected")[0]
    assert rejected.details == {"version": 2, "reason": "inaccurate", "comment": True}
    assert [e.action for e in review_store.events(question_id=qid, actor="ed")] == [
        "question.created"
    ]
    assert [e.action for e in review_store.events(question_id=qid, actor="doc")][-1] == (
        "question.opened"
    )
    assert len(review_store.events(limit=3)) == 3
    assert all(e.at.tzinfo is not None and len(e.hash) == 64 for e in events)


def test_no_patient_text_in_the_audit_trail(review_store: ReviewStore) -> None:
    busy_store(review_store)
    trail = json.dumps([e.details for e in review_store.events()])
    for words in (QUESTION, "calf", "benign", "patient detail", "correct horse", "letmein99"):
        assert words not in trail


def test_an_altered_event_is_named(review_store: ReviewStore) -> None:
    busy_store(review_store)
    sql(review_store, """UPDATE audit_events SET details_json = '{"version":1}' WHERE id = 12""")
    found = review_store.verify_audit()
    assert (found.ok, found.event_id, found.checked) == (False, 12, 11)
    assert found.problem == "event 12 was altered"


def test_an_altered_event_with_a_recomputed_hash_is_named(review_store: ReviewStore) -> None:
    busy_store(review_store)
    forged = "a" * 64  # whoever alters a row can also rewrite its hash, but not the next link
    sql(review_store, f"UPDATE audit_events SET actor = 'mallory', hash = '{forged}' WHERE id = 5")
    found = review_store.verify_audit()
    assert (found.ok, found.event_id) == (False, 5)


def test_a_deleted_event_is_named(review_store: ReviewStore) -> None:
    busy_store(review_store)
    sql(review_store, "DELETE FROM audit_events WHERE id = 7")
    found = review_store.verify_audit()
    assert (found.ok, found.event_id, found.problem) == (False, 7, "event 7 is missing")


def test_deleted_newest_events_are_named(review_store: ReviewStore) -> None:
    busy_store(review_store)
    sql(review_store, "DELETE FROM audit_events WHERE id >= 12")
    found = review_store.verify_audit()
    assert (found.ok, found.event_id) == (False, 12)
    assert found.problem is not None and "newest" in found.problem


def test_a_renumbered_chain_is_caught(review_store: ReviewStore) -> None:
    """Deleting event 7 and renumbering the rest leaves no gap, but breaks the links."""
    busy_store(review_store)
    sql(review_store, "DELETE FROM audit_events WHERE id = 7")
    sql(review_store, "UPDATE audit_events SET id = id - 1 WHERE id > 7")
    found = review_store.verify_audit()
    assert (found.ok, found.event_id, found.checked) == (False, 7, 6)
    assert found.problem is not None and "event 7 does not link to event 6" in found.problem


def test_an_altered_and_rehashed_event_breaks_the_next_link(review_store: ReviewStore) -> None:
    busy_store(review_store)
    with Session(review_store.engine) as session, session.begin():
        event = session.get(AuditEvent, 5)
        assert event is not None
        event.actor = "mallory"
        event.hash = chain_hash(event.prev_hash, event)  # a careful forger
    found = review_store.verify_audit()
    assert (found.ok, found.event_id) == (False, 6)
    assert found.problem is not None and "event 5 was altered" in found.problem
