"""Signed-in sessions that survive a reload: the browser keeps a random token in a cookie, the
server keeps only its sha256 and decides on every page run whether it still stands.

A session ends at sign-out, after ``idle`` without use, ``lifetime`` after sign-in at most, or
as soon as its user is disabled. A token that is unknown, ended or expired signs no one in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from assistant.review import audit
from assistant.review.convert import user_view
from assistant.review.models import SignInSession, User
from assistant.review.views import UserView

TOKEN_BYTES = 32
TOUCH_EVERY = timedelta(seconds=30)  # ``seen_at`` is written at most this often
ENDED = {"disabled": "Your account is disabled: ask an administrator."}  # said when it ends


@dataclass(frozen=True)
class Resumed:
    """The session's user, or None with the reason (shown to whoever was signed in)."""

    user: UserView | None
    reason: str | None = None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def start(s: Session, now: datetime, user: UserView) -> str:
    """A new session for ``user``; returns the token for the browser (stored only hashed)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    s.add(SignInSession(token_hash=digest(token), user_id=user.id, started_at=now, seen_at=now))
    return token


def resume(
    s: Session, now: datetime, token: str, idle: timedelta, lifetime: timedelta, touch: bool = True
) -> Resumed:
    """The user of the session ``token`` opened, if it still stands; with ``touch``, its last
    use is now (an open page's own periodic check is not a use: it does not keep it alive)."""
    row = s.get(SignInSession, digest(token), with_for_update=True) if token else None
    if row is None:
        return Resumed(None)
    if row.ended_at is not None:  # ended elsewhere: an administrator disabled the account
        return Resumed(None, ENDED.get(row.end_reason or ""))
    user = s.get(User, row.user_id)
    if user is None or not user.active:
        reason, message = "disabled", ENDED["disabled"]
    elif now - row.seen_at > idle:
        minutes = round(idle.total_seconds() / 60)
        reason, message = "idle", f"You were signed out after {minutes} minutes without activity."
    elif now - row.started_at > lifetime:
        hours = round(lifetime.total_seconds() / 3600)
        reason, message = "lifetime", f"A session lasts {hours} hours at most: sign in again."
    else:
        if touch and now - row.seen_at >= TOUCH_EVERY:
            row.seen_at = now
        return Resumed(user_view(user))
    _end(s, now, row, reason, user)
    return Resumed(None, message)


def end(s: Session, now: datetime, token: str) -> None:
    """Sign-out: the session cannot be resumed again, from this browser or any other."""
    row = s.get(SignInSession, digest(token), with_for_update=True) if token else None
    if row is not None and row.ended_at is None:
        _end(s, now, row, "signed_out", s.get(User, row.user_id))


def end_all(s: Session, now: datetime, user: User, reason: str) -> None:
    """Every open session of ``user`` (disabled, or a new password)."""
    s.execute(
        update(SignInSession)
        .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )


def _end(s: Session, now: datetime, row: SignInSession, reason: str, user: User | None) -> None:
    row.ended_at, row.end_reason = now, reason
    audit.append(s, now, user.name if user else None, "user.signed_out", reason=reason)
