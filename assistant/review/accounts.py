"""Users: argon2 password hashes, roles, disabling, and slowing down password guessing.

After ``FREE_FAILURES`` wrong passwords in a row for a name, the account is locked for
1 s, then 2 s, 4 s … (doubling with each further failure, at most ``MAX_LOCK_S``); a right
password after the lock has passed resets the count.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.review import audit, sessions
from assistant.review.convert import user_view
from assistant.review.errors import NotFound, PermissionDenied, ReviewError
from assistant.review.models import User
from assistant.review.views import Role, UserView

FREE_FAILURES = 3
MAX_LOCK_S = 300.0
MIN_PASSWORD = 8
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._-@")


class UnknownNames:
    """Failed sign-ins of names that no account has, throttled exactly as an account's are
    (``lock_seconds``), so that the answer never tells a real name from an unknown one.
    Kept in memory, for the most recent ``limit`` names: the review app signs in within one
    process, and nothing about a name that is not a user is worth a database row."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._failed: OrderedDict[str, tuple[int, datetime | None]] = OrderedDict()
        self._lock = threading.Lock()

    def wait(self, name: str, now: datetime) -> float | None:
        with self._lock:
            _, until = self._failed.get(name, (0, None))
        return (until - now).total_seconds() if until is not None and now < until else None

    def failed(self, name: str, now: datetime) -> None:
        with self._lock:
            failures = self._failed.pop(name, (0, None))[0] + 1
            lock = lock_seconds(failures)
            self._failed[name] = (failures, now + timedelta(seconds=lock) if lock else None)
            while len(self._failed) > self.limit:
                self._failed.popitem(last=False)


@dataclass(frozen=True)
class LoginOutcome:
    user: UserView | None
    retry_after_s: float | None = None  # set: throttled, nothing was checked


def lock_seconds(failures: int) -> float:
    """0 for the first free failures, then 1, 2, 4 … capped at five minutes."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(2.0 ** (failures - FREE_FAILURES), MAX_LOCK_S)


def name_key(name: str) -> str:
    """A user name as stored and looked up: trimmed, lower case."""
    return name.strip().lower()


def acting(
    session: Session, by: UserView | None, roles: Collection[Role], what: str
) -> User | None:
    """The acting user as stored now (a view may be stale): active and in ``roles``.
    ``None`` stands for the system (the CLI run by whoever owns the server)."""
    if by is None:
        return None
    user = session.get(User, by.id)
    if user is None or not user.active:
        raise PermissionDenied(f"{by.name} is disabled or unknown and cannot {what}")
    if Role(user.role) not in roles:
        allowed = " or ".join(sorted(roles))
        raise PermissionDenied(f"only a {allowed} can {what}; {user.name} is {user.role}")
    return user


def add(
    session: Session,
    hasher: PasswordHasher,
    now: datetime,
    name: str,
    password: str,
    role: Role,
    display_name: str | None,
    by: UserView | None,
) -> User:
    actor = acting(session, by, (Role.ADMIN,), "add users")
    name = name_key(name)
    if not name or not set(name) <= NAME_CHARS or len(name) > 64:
        raise ReviewError(
            f"{name!r} is not a user name: use 1-64 letters, digits, '.', '_', '-' or '@'"
        )
    if len(password) < MIN_PASSWORD:
        raise ReviewError(f"the password needs at least {MIN_PASSWORD} characters")
    if session.scalars(select(User.id).where(User.name == name)).first() is not None:
        raise ReviewError(f"the user name {name!r} is taken: choose another")
    user = User(
        name=name,
        display_name=(display_name or "").strip() or name,
        role=Role(role).value,
        password_hash=hasher.hash(password),
        active=True,
        failed_logins=0,
        created_at=now,
    )
    session.add(user)
    session.flush()
    audit.append(
        session, now, actor.name if actor else None, "user.added", user=name, role=user.role
    )
    return user


def find(session: Session, name: str) -> User:
    user = session.scalars(select(User).where(User.name == name_key(name))).first()
    if user is None:
        raise NotFound(f"there is no user {name!r}: see `assistant users list`")
    return user


def disable(session: Session, now: datetime, name: str, by: UserView | None) -> User:
    actor = acting(session, by, (Role.ADMIN,), "disable users")
    user = find(session, name)
    if user.active:
        user.active = False
        audit.append(session, now, actor.name if actor else None, "user.disabled", user=user.name)
        sessions.end_all(session, now, user, "disabled")
    return user


@dataclass(frozen=True)
class Challenge:
    """What a sign-in checks the password against (the dummy hash for an unknown name), or
    how long it must wait: read in a short transaction, so that the slow hash check runs with
    no database lock held."""

    password_hash: str
    retry_after_s: float | None = None


def challenge(
    session: Session, hasher: PasswordHasher, now: datetime, key: str, unknown: UnknownNames
) -> Challenge:
    """The first half of a sign-in; a throttled attempt is audited here."""
    user = session.scalars(select(User).where(User.name == key)).first()
    if user is None:  # answered as a real name would be: throttled alike, as slow
        wait = unknown.wait(key, now)
        if wait is not None:
            audit.append(session, now, None, "user.login_throttled", reason="unknown user")
        return Challenge(_dummy_hash(hasher), wait)
    if user.locked_until is not None and now < user.locked_until:
        wait = (user.locked_until - now).total_seconds()
        audit.append(session, now, user.name, "user.login_throttled", retry_after_s=round(wait, 3))
        return Challenge(user.password_hash, wait)
    return Challenge(user.password_hash)


def matches(hasher: PasswordHasher, stored: str, password: str) -> bool:
    """The slow part (argon2): call it with no transaction open."""
    return _matches(hasher, stored, password)


def settle(
    session: Session,
    now: datetime,
    key: str,
    matched: bool,
    rehashed: str | None,
    unknown: UnknownNames,
) -> LoginOutcome:
    """The second half of a sign-in: records the attempt as the account stands now; the
    caller commits. ``rehashed``: the password hashed anew when the hash's parameters aged."""
    user = session.scalars(select(User).where(User.name == key).with_for_update()).first()
    if user is None:
        unknown.failed(key, now)
        audit.append(session, now, None, "user.login_failed", reason="unknown user")
        return LoginOutcome(None)
    if user.locked_until is not None and now < user.locked_until:  # failed meanwhile
        wait = (user.locked_until - now).total_seconds()
        audit.append(session, now, user.name, "user.login_throttled", retry_after_s=round(wait, 3))
        return LoginOutcome(None, retry_after_s=wait)
    if not matched:
        user.failed_logins += 1
        lock = lock_seconds(user.failed_logins)
        user.locked_until = now + timedelta(seconds=lock) if lock else None
        audit.append(
            session,
            now,
            user.name,
            "user.login_failed",
            reason="wrong password",
            failures=user.failed_logins,
        )
        return LoginOutcome(None)
    if not user.active:
        audit.append(session, now, user.name, "user.login_failed", reason="disabled")
        return LoginOutcome(None)
    user.failed_logins, user.locked_until = 0, None
    if rehashed is not None:
        user.password_hash = rehashed
    audit.append(session, now, user.name, "user.login_ok")
    return LoginOutcome(user_view(user))


def _matches(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("not anyone's password")
