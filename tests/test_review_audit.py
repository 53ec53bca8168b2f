"""The audit trail (SQLite and PostgreSQL): every change appends an event, hash-chained to
the one before and keyed with a key kept outside the database, under a sealed head; altering
or deleting any event, the newest events or the head with raw SQL, or rehashing the chain
without the key, is found and named; events carry ids and codes, never patient text."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from assistant.config import Settings
from assistant.review.audit import GENESIS, anchoring_note, chain_hash, head_seal
from assistant.review.database import make_engine, upgrade
from assistant.review.errors import AuditRefused
from assistant.review.keys import AuditKey
from assistant.review.models import AuditEvent, AuditHead
from assistant.review.store import ReviewStore
from assistant.review.views import RejectReason, Role
from assistant.reviewui.audit import verification_message
from tests.builders import QUESTION
from tests.conftest import TEST_HASHER
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


def test_an_event_rehashed_with_the_key_breaks_the_next_link(review_store: ReviewStore) -> None:
    busy_store(review_store)
    with Session(review_store.engine) as session, session.begin():
        event = session.get(AuditEvent, 5)
        assert event is not None
        event.actor = "mallory"
        event.hash = chain_hash(event.prev_hash, event, review_store.key)  # a forger WITH the key
    found = review_store.verify_audit()
    assert (found.ok, found.event_id) == (False, 6)
    assert found.problem is not None and "event 5 was altered" in found.problem


# --- anchoring: the key outside the database, the sealed head (issue 14 item 8) ------------


def assert_refused(store: ReviewStore, *expected: str) -> None:
    """The next write is refused with a message that says what happened and what to do,
    and writes nothing: extending the chain would seal what was done to it."""
    before = len(store.events())
    with pytest.raises(AuditRefused) as refused:
        store.add_user("newcomer", "correct horse", Role.EDITOR)
    assert "assistant audit verify" in str(refused.value)
    for words in expected:
        assert words in str(refused.value)
    assert len(store.events()) == before and "newcomer" not in [u.name for u in store.users()]


def test_deleting_the_newest_events_and_moving_the_head_back_is_found(
    review_store: ReviewStore,
) -> None:
    busy_store(review_store)
    sql(review_store, "DELETE FROM audit_events WHERE id >= 12")
    sql(review_store, "UPDATE audit_head SET last_id = 11, last_hash = "
                      "(SELECT hash FROM audit_events WHERE id = 11)")  # fmt: skip
    found = review_store.verify_audit()
    assert not found.ok
    assert found.problem is not None and "head was altered" in found.problem
    assert "newest events may have been deleted" in found.problem
    assert_refused(review_store, "head was altered")


def test_a_deleted_head_is_found(review_store: ReviewStore) -> None:
    busy_store(review_store)
    sql(review_store, "DELETE FROM audit_head")
    found = review_store.verify_audit()
    assert not found.ok and found.problem is not None and "head record is missing" in found.problem
    assert_refused(review_store, "head record is missing")


def test_a_chain_rehashed_without_the_key_is_found(review_store: ReviewStore) -> None:
    """A forger who rewrites event 5 and recomputes every later link and the head (sha256,
    as the chain was before it had a key, or under a key of their own) is caught at once."""
    busy_store(review_store)
    forger_key = AuditKey(b"m" * 32, "mallory")
    for key in (None, forger_key):
        with Session(review_store.engine) as session, session.begin():
            events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
            prev = events[3].hash
            for event in events[4:]:
                if event.id == 5:
                    event.actor = "mallory"
                event.prev_hash, event.hash = prev, chain_hash(prev, event, key)
                prev = event.hash
            sql_head = session.get(AuditHead, 1)
            assert sql_head is not None
            sql_head.last_hash = prev
            if key is not None:
                sql_head.key_id, sql_head.seal = key.id, head_seal(key, sql_head)
        found = review_store.verify_audit()
        assert not found.ok
        if key is None:
            assert (found.event_id, found.problem) == (5, "event 5 was altered")
        else:  # the forger's own key is told apart from the store's
            assert found.problem is not None and "another key" in found.problem


def test_the_key_lives_outside_the_database_and_is_never_shown(
    review_store: ReviewStore, tmp_path: Path
) -> None:
    busy_store(review_store)
    key_file = tmp_path / "home" / "audit.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    secret = key_file.read_text().strip()
    assert len(secret) == 64 and secret not in repr(review_store.key)
    with review_store.engine.connect() as connection:
        for table in ("audit_events", "audit_head"):
            rows = connection.exec_driver_sql(f"SELECT * FROM {table}").all()
            assert secret not in json.dumps([list(map(str, r)) for r in rows])
    # the same home opens with the same key; ASSISTANT_AUDIT_KEY names another one
    again = ReviewStore.open(
        Settings(home=tmp_path / "home", database_url=review_url_of(review_store))
    )
    assert again.verify_audit().ok and again.key.id == review_store.key.id
    again.close()
    other = ReviewStore.open(
        Settings(
            home=tmp_path / "other",
            database_url=review_url_of(review_store),
            audit_key=SecretStr("x" * 40),
        )
    )
    found = other.verify_audit()
    assert not found.ok and found.problem is not None
    assert "another key" in found.problem and "ASSISTANT_AUDIT_KEY" in found.problem
    assert not (tmp_path / "other" / "audit.key").exists()
    assert_refused(other, "another key")
    other.close()


def review_url_of(store: ReviewStore) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def legacy_store(url: str) -> int:
    """A store written before the audit key: schema 0003, a sha256 chain of 4 events."""
    engine = make_engine(url)
    upgrade(engine, revision="0003")
    prev, at = GENESIS, datetime(2024, 1, 1, tzinfo=UTC)
    with engine.begin() as connection:
        for n in range(1, 5):
            event = AuditEvent(id=n, at=at, actor="old", action="user.login_ok",
                               question_id=None, details_json="{}", prev_hash=prev)  # fmt: skip
            event.hash = chain_hash(prev, event, None)
            connection.execute(insert(AuditEvent.__table__).values(
                id=n, at=at,
                actor="old", action="user.login_ok", question_id=None, details_json="{}",
                prev_hash=prev, hash=event.hash))  # fmt: skip
            prev = event.hash
        connection.exec_driver_sql(f"UPDATE audit_head SET last_id = 4, last_hash = '{prev}'")
    engine.dispose()
    return 4


def test_a_chain_from_before_the_key_is_anchored_and_reported(
    review_url: str, tmp_path: Path
) -> None:
    """Upgrading keeps an old store working: the old events stay readable and verified as
    they are, one keyed "audit.anchored" event pins them, and verification says plainly
    that changes made to them before it cannot be detected."""
    old = legacy_store(review_url)
    settings = Settings(home=tmp_path / "home", database_url=review_url)
    store = ReviewStore.open(settings, hasher=TEST_HASHER)
    found = store.verify_audit()
    assert (found.ok, found.checked, found.anchored_from) == (True, old + 1, old + 1)
    anchored = store.events(limit=1)[0]
    assert (anchored.action, anchored.details) == (
        "audit.anchored",
        {"unanchored": 4, "reason": "key"},
    )
    note = anchoring_note(found)
    assert note is not None and "events 1 to 4" in note and "cannot be detected" in note
    ok, message = verification_message(found)
    assert ok and "events 1 to 4" in message
    store.add_user("ana", "correct horse", Role.PHYSICIAN)  # work goes on, keyed
    assert store.verify_audit().ok
    store.close()
    again = ReviewStore.open(settings, hasher=TEST_HASHER)  # anchored once, not at each open
    assert [e.action for e in again.events()].count("audit.anchored") == 1
    # the old events are pinned from the anchor on: a rewrite of one is found
    sql(again, "UPDATE audit_events SET actor = 'eve' WHERE id = 2")
    assert (again.verify_audit().ok, again.verify_audit().event_id) == (False, 2)
    again.close()


def test_an_operator_reanchors_after_looking(review_store: ReviewStore) -> None:
    busy_store(review_store)
    sql(review_store, "DELETE FROM audit_head")
    assert not review_store.verify_audit().ok
    found = review_store.anchor_audit()
    assert (found.ok, found.anchored_from, found.checked) == (True, 14, 14)
    sealed = review_store.events(limit=1)[0]
    assert (sealed.action, sealed.details) == (
        "audit.anchored",
        {"unanchored": 13, "reason": "reanchored"},
    )
    review_store.add_user("newcomer", "correct horse", Role.EDITOR)
    assert review_store.verify_audit().ok
    assert review_store.anchor_audit().checked == 15  # an intact chain: nothing done
