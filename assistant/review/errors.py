"""What the review store refuses, with messages a reviewer can act on."""

from __future__ import annotations

from assistant.review.views import VersionView


class ReviewError(Exception):
    """Base of the store's refusals."""


class NotFound(ReviewError):
    pass


class PermissionDenied(ReviewError):
    """E.g. an editor tried to approve; a disabled user acted."""


class LoginThrottled(ReviewError):
    """Too many wrong passwords: ``retry_after_s`` seconds to wait."""

    def __init__(self, message: str, retry_after_s: float) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Conflict(ReviewError):
    """Someone saved a newer version first. Carries their version and a diff from the
    version this save was based on, so the reviewer can merge by hand; nothing is lost."""

    def __init__(self, message: str, theirs: VersionView | None, diff: str) -> None:
        super().__init__(message)
        self.theirs = theirs  # the version saved in between (None: the base never existed)
        self.diff = diff  # unified diff: base version → their version


class ReadOnly(ReviewError):
    """The question is approved: reopen it (a new version) before editing."""


class Claimed(ReviewError):
    """Someone else is reviewing the question; taking it over must be said explicitly."""


class AuditRefused(ReviewError):
    """The audit chain cannot be extended safely (its head is missing, altered, or keyed with
    another key): nothing is written until an operator has looked (``assistant audit``)."""
