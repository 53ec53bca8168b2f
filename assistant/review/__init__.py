"""The review store: questions, draft versions, human edits, approvals and rejections, users,
and a hash-chained audit trail, in SQLite (default) or PostgreSQL."""

from assistant.review.errors import (
    Conflict,
    LoginThrottled,
    NotFound,
    PermissionDenied,
    ReadOnly,
    ReviewError,
)
from assistant.review.store import ReviewStore
from assistant.review.views import (
    AuditEventView,
    AuditVerification,
    QuestionDetail,
    QuestionView,
    QueueFilter,
    RejectReason,
    ReviewView,
    Role,
    Status,
    UserView,
    VersionView,
)

__all__ = [
    "AuditEventView",
    "AuditVerification",
    "Conflict",
    "LoginThrottled",
    "NotFound",
    "PermissionDenied",
    "QuestionDetail",
    "QuestionView",
    "QueueFilter",
    "ReadOnly",
    "RejectReason",
    "ReviewError",
    "ReviewStore",
    "ReviewView",
    "Role",
    "Status",
    "UserView",
    "VersionView",
]
