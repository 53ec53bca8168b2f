"""Users of the review store (SQLite and PostgreSQL): argon2 hashes, wrong passwords,
throttling that doubles the wait after three failures, disabling, and who may manage users."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from assistant.config import Settings
from assistant.review.errors import LoginThrottled, NotFound, PermissionDenied, ReviewError
from assistant.review.store import ReviewStore
from assistant.review.views import Role
from tests.conftest import FakeClock


def test_argon2_hash_and_login(review_store: ReviewStore) -> None:
    added = review_store.add_user("Ada", "correct horse", Role.PHYSICIAN, "Dr. Ada")
    assert (added.name, added.display_name, added.role, added.active) == (
        "ada", "Dr. Ada", Role.PHYSICIAN, True,
    )  # fmt: skip
    with review_store.engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM users")).scalar_one()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert review_store.authenticate("ada", "correct horse") == added
    assert review_store.authenticate(" ADA ", "correct horse") == added
    assert review_store.authenticate("ada", "wrong horse") is None
    assert review_store.authenticate("nobody", "correct horse") is None
    assert review_store.users() == [added]
    assert review_store.user("ada") == added
    with pytest.raises(NotFound):
        review_store.user("nobody")


def test_bad_users_are_refused(review_store: ReviewStore) -> None:
    review_store.add_user("ada", "correct horse", Role.PHYSICIAN)
    with pytest.raises(ReviewError, match="taken"):
        review_store.add_user("ADA", "another password", Role.EDITOR)
    with pytest.raises(ReviewError, match="at least 8"):
        review_store.add_user("bob", "short", Role.EDITOR)
    with pytest.raises(ReviewError, match="not a user name"):
        review_store.add_user("bob smith", "long enough", Role.EDITOR)


def test_wrong_passwords_are_slowed_down(
    review_store: ReviewStore, review_clock: FakeClock
) -> None:
    review_store.add_user("ada", "correct horse", Role.PHYSICIAN)
    for _ in range(3):
        assert review_store.authenticate("ada", "guess") is None
    waits = []
    for _ in range(12):
        with pytest.raises(LoginThrottled) as caught:
            review_store.authenticate("ada", "correct horse")  # even the right one waits
        waits.append(caught.value.retry_after_s)
        review_clock.advance(caught.value.retry_after_s)
        assert review_store.authenticate("ada", "guess") is None
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    with pytest.raises(LoginThrottled, match="try again in 300 s"):
        review_store.authenticate("ada", "correct horse")
    review_clock.advance(300)
    assert review_store.authenticate("ada", "correct horse") is not None
    assert review_store.authenticate("ada", "guess") is None  # the count starts again
    assert review_store.authenticate("ada", "correct horse") is not None
    actions = [e.action for e in review_store.events(actor="ada")]
    assert {"user.login_ok", "user.login_failed", "user.login_throttled"} <= set(actions)


def test_an_unknown_name_is_throttled_like_a_real_one(
    review_store: ReviewStore, review_clock: FakeClock
) -> None:
    """Issue 14: the answers to a real name and to an unknown one cannot be told apart."""
    review_store.add_user("ada", "correct horse", Role.PHYSICIAN)

    def answers(name: str) -> list[str]:
        seen = []
        for _ in range(6):
            try:
                seen.append(str(review_store.authenticate(name, "guess")))
            except LoginThrottled as exc:
                seen.append(str(exc))
                review_clock.advance(exc.retry_after_s or 0)
        return seen

    real, unknown = answers("ada"), answers("nobody")
    assert real == unknown
    assert real[3].startswith("too many wrong passwords: try again in 1 s")


def test_disabled_users_cannot_log_in(review_store: ReviewStore) -> None:
    admin = review_store.add_user("root", "admin password", Role.ADMIN)
    editor = review_store.add_user("ed", "battery staple", Role.EDITOR)
    with pytest.raises(PermissionDenied):
        review_store.disable_user("root", by=editor)  # only admins manage users
    with pytest.raises(PermissionDenied):
        review_store.add_user("eve", "long enough", Role.ADMIN, by=editor)
    disabled = review_store.disable_user("ed", by=admin)
    assert disabled.active is False
    assert review_store.authenticate("ed", "battery staple") is None
    (event,) = review_store.events(action="user.disabled")
    assert (event.actor, event.details) == ("root", {"user": "ed"})
    with pytest.raises(NotFound):
        review_store.disable_user("nobody")


def test_sessions_resume_until_sign_out_idle_time_lifetime_or_disabling(
    review_store: ReviewStore, review_clock: FakeClock
) -> None:
    ada = review_store.add_user("ada", "correct horse", Role.PHYSICIAN)
    review_store.add_user("root", "correct horse", Role.ADMIN)
    token = review_store.start_session(ada)
    with review_store.engine.connect() as connection:
        stored = connection.execute(text("SELECT token_hash FROM sessions")).scalar_one()
    assert token not in stored and len(token) >= 40  # only its sha256 is kept
    assert review_store.resume_session(token).user == ada
    assert review_store.resume_session("made-up").user is None
    assert review_store.resume_session("").user is None

    for _ in range(4):  # in use every 10 minutes: 40 minutes on, still signed in
        review_clock.advance(600)
        assert review_store.resume_session(token).user == ada
    review_clock.advance(31 * 60)  # then 31 minutes without a click
    idle = review_store.resume_session(token)
    assert idle.user is None and idle.reason == (
        "You were signed out after 30 minutes without activity."
    )
    assert review_store.resume_session(token).user is None  # ended for good

    busy = review_store.start_session(ada)
    for _ in range(12 * 6 + 1):  # used every 10 minutes for just over 12 hours
        review_clock.advance(600)
        resumed = review_store.resume_session(busy)
    assert resumed.user is None and resumed.reason is not None and "12 hours" in resumed.reason

    out = review_store.start_session(ada)
    review_store.end_session(out)
    assert review_store.resume_session(out).user is None
    review_store.end_session(out)  # twice is harmless

    kept = review_store.start_session(ada)
    review_store.disable_user("ada")
    ended = review_store.resume_session(kept)  # the open tab is told why (issue 14 item 7)
    assert ended.user is None and ended.reason == "Your account is disabled: ask an administrator."
    with review_store.engine.connect() as connection:
        ends = connection.execute(text("SELECT end_reason FROM sessions")).scalars().all()
    assert sorted(ends) == ["disabled", "idle", "lifetime", "signed_out"]
    audited = review_store.events(action="user.signed_out")[::-1]  # oldest first
    assert [(e.actor, e.details["reason"]) for e in audited] == [
        ("ada", "idle"), ("ada", "lifetime"), ("ada", "signed_out"),
    ]  # fmt: skip


def test_an_open_pages_own_check_keeps_no_idle_session_alive(
    review_store: ReviewStore, review_clock: FakeClock
) -> None:
    """The page checks its session every few seconds by itself (``touch=False``): that is no
    activity, so a tab left open is still signed out after 30 minutes without a click."""
    ada = review_store.add_user("ada", "correct horse", Role.PHYSICIAN)
    token = review_store.start_session(ada)
    for _ in range(30):
        review_clock.advance(60)
        assert review_store.resume_session(token, touch=False).user == ada
    review_clock.advance(60)
    idle = review_store.resume_session(token, touch=False)
    assert idle.user is None and idle.reason is not None and "30 minutes" in idle.reason


def test_the_slow_password_check_holds_no_database_lock(tmp_path: Path) -> None:
    """Issue 14: argon2 ran inside the sign-in's write transaction, so a flood of wrong
    passwords locked the database for everyone. Now the check runs with no lock held: while
    it runs, another connection can take the write lock at once."""
    settings = Settings(home=tmp_path / "home")
    held: list[bool] = []

    class Probing(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            probe = sqlite3.connect(settings.home / "review.sqlite3", timeout=0)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.rollback()
                held.append(False)
            except sqlite3.OperationalError:  # "database is locked"
                held.append(True)
            finally:
                probe.close()
            return super().verify(hash, password)

    store = ReviewStore.open(settings, hasher=Probing(time_cost=1, memory_cost=8, parallelism=1))
    store.add_user("ada", "correct horse", Role.PHYSICIAN)
    assert store.authenticate("ada", "wrong") is None
    assert store.authenticate("ada", "correct horse") is not None
    assert store.authenticate("nobody", "anything") is None
    store.close()
    assert held == [False, False, False]
