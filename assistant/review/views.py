"""What the review store hands out: plain, frozen views (never live ORM objects), so the UI
and the CLI can hold them across requests and tests can compare them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

# the queue's order: red flags first, then longest waiting; longest waiting; newest first
Order = Literal["red_first", "waiting", "newest"]


class Role(StrEnum):
    PHYSICIAN = "physician"  # edits, approves, rejects
    EDITOR = "editor"  # creates questions, drafts, edits; cannot approve
    ADMIN = "admin"  # manages users; cannot approve unless also a physician


EDITORS = (Role.PHYSICIAN, Role.EDITOR)
"""Who may add questions, draft, edit, claim, release and reopen."""
PHYSICIANS = (Role.PHYSICIAN,)
"""Who may approve and reject."""


class Format(StrEnum):
    """How an approved page is exported."""

    MD = "md"
    HTML = "html"
    JSON = "json"


class Status(StrEnum):
    PENDING = "pending"  # drafted; nobody has claimed or edited it yet
    IN_REVIEW = "in_review"  # claimed for review, or edited
    APPROVED = "approved"  # read-only until a new version reopens review
    REJECTED = "rejected"


class RejectReason(StrEnum):
    INACCURATE = "inaccurate"
    UNSUPPORTED = "unsupported_by_sources"
    UNSAFE = "unsafe_or_missing_escalation"
    OFF_TOPIC = "off_topic"
    UNCLEAR = "unclear_or_too_complex"
    OTHER = "other"


@dataclass(frozen=True)
class UserView:
    id: int
    name: str  # login name
    display_name: str
    role: Role
    active: bool


@dataclass(frozen=True)
class VersionView:
    """One version of a question's draft: the machine draft (number 1, or a regeneration)
    or a human edit. ``body`` is the editable Markdown of the More Info section (``## ``
    headings, sentences with ``[n]`` citations); ``draft`` is the full ``Draft`` JSON (its
    sources, Similar Q&A, Related FAQ and provenance) with ``sections`` matching ``body``;
    ``checks`` is the ``CheckReport`` JSON computed for this very body."""

    id: int
    question_id: int
    number: int  # 1, 2, 3 … per question
    kind: str  # "machine" | "edit" | "regenerated"
    body: str
    draft: dict[str, Any]
    checks: dict[str, Any]
    author: str  # user name, or the drafter's name for machine versions
    created_at: datetime
    drafter: str  # e.g. "grounded-composer" or "llm"
    model: str  # e.g. "none (no language model)" or "smollm2-135m-instruct"
    model_note: str | None = None


@dataclass(frozen=True)
class ReviewView:
    id: int
    question_id: int
    version_number: int
    decision: str  # "approved" | "rejected"
    reason: RejectReason | None
    comment: str | None
    reviewer: str
    reviewer_display_name: str
    created_at: datetime


@dataclass(frozen=True)
class QuestionView:
    """A queue item: the patient's question, the doctor's reply, its status and flags."""

    id: int
    question: str
    reply: str | None
    asker_sex: str | None
    asker_age_range: str | None
    specialty: str | None
    doctor: str | None
    status: Status
    created_at: datetime
    updated_at: datetime
    latest_version: int  # number of the newest version (0 = not drafted yet)
    flag_count: int  # flags of the newest version's checks (warnings and errors)
    has_red_flag: bool
    title: str | None = None
    request_json: str | None = None  # the whole request as stored (asker, dates, …)
    claimed_by: str | None = None  # the user name of whoever is reviewing it
    claimed_by_display: str | None = None  # "Dr. Ana Lee"
    claimed_at: datetime | None = None


@dataclass(frozen=True)
class QuestionDetail:
    question: QuestionView
    versions: tuple[VersionView, ...]  # oldest first
    reviews: tuple[ReviewView, ...]  # oldest first

    @property
    def latest(self) -> VersionView | None:
        return self.versions[-1] if self.versions else None

    @property
    def machine(self) -> VersionView | None:
        """The newest machine-written version (what the human edits are compared with)."""
        machine = [v for v in self.versions if v.kind != "edit"]
        return machine[-1] if machine else None


@dataclass(frozen=True)
class AuditEventView:
    id: int
    at: datetime
    actor: str | None  # user name; None for the system
    action: str  # e.g. "user.login_failed", "question.created", "version.saved", "review.approved"
    question_id: int | None
    details: dict[str, Any] = field(default_factory=dict)
    hash: str = ""


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    checked: int
    problem: str | None = None  # e.g. "event 17 was altered", "event 12 is missing"
    event_id: int | None = None
    # the first event keyed with the audit key; the ones before it were written before the
    # store had a key and are pinned only from the anchoring on (None: the chain is unanchored)
    anchored_from: int | None = None


@dataclass(frozen=True)
class QueueFilter:
    status: Status | None = None
    open_only: bool = False  # pending or in review (not decided)
    claimed_by: str | None = None  # claimed by this user (name)
    unclaimed: bool = False
    specialty: str | None = None
    flagged: bool | None = None  # True: with flags only; False: without
    red_flag: bool | None = None
    older_than_hours: float | None = None  # waiting longer than this
    search: str | None = None  # words in the question
    order: Order = "waiting"
