"""Signing in: the store decides (and slows down repeated wrong passwords); this says it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from assistant.review.errors import LoginThrottled
from assistant.review.store import ReviewStore
from assistant.review.views import UserView

WRONG = "Wrong user name or password."
COOKIE = "assistant_session"  # the browser's session token (see ``assistant.review.sessions``)


@dataclass(frozen=True)
class SignIn:
    user: UserView | None
    message: str | None = None


def throttle_message(retry_after_s: float) -> str:
    wait = max(1, math.ceil(retry_after_s))
    if wait >= 120:
        return (
            f"Too many wrong passwords: sign-in is paused for {math.ceil(wait / 60)} minutes. "
            "Check the user name, or ask an administrator to reset the password."
        )
    unit = "second" if wait == 1 else "seconds"
    return f"Too many wrong passwords: wait {wait} {unit}, then try again."


def sign_in(store: ReviewStore, name: str, password: str) -> SignIn:
    name = name.strip()
    if not name or not password:
        return SignIn(None, "Enter your user name and password.")
    try:
        user = store.authenticate(name, password)
    except LoginThrottled as exc:
        return SignIn(None, throttle_message(exc.retry_after_s))
    return SignIn(user, None if user else WRONG)
