"""The review store: questions, draft versions, reviews, users and the audit trail in one
SQL database (SQLite under ASSISTANT_HOME by default, PostgreSQL by ASSISTANT_DATABASE_URL).

Every method is one transaction; every change appends a hash-chained audit event in the
same transaction.

Concurrency: a write locks its question's row (``SELECT … FOR UPDATE`` on PostgreSQL; on
SQLite every transaction holds the database lock), and a unique (question, number) constraint
backs it up, so two saves based on the same version cannot both win.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.checks.report import CheckReport
from assistant.config import Settings
from assistant.drafting.body import to_body
from assistant.drafting.models import Draft, DraftRequest
from assistant.review import accounts, audit, queries, sessions, workflow
from assistant.review.accounts import acting
from assistant.review.convert import user_view
from assistant.review.database import configure, make_engine, upgrade
from assistant.review.errors import LoginThrottled, ReadOnly
from assistant.review.keys import AuditKey
from assistant.review.models import User
from assistant.review.views import (
    EDITORS,
    PHYSICIANS,
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


def utc_now() -> datetime:
    return datetime.now(UTC)


class ReviewStore:
    """Built once at an entry point: ``ReviewStore.open(settings)`` (migrates to head).

    ``now`` (the clock) and ``hasher`` (argon2 parameters) can be passed in; tests use them
    to step through login throttling without sleeping."""

    def __init__(
        self,
        engine: Engine,
        key: AuditKey,
        now: Callable[[], datetime] = utc_now,
        hasher: PasswordHasher | None = None,
        session_idle: timedelta = timedelta(minutes=30),
        session_lifetime: timedelta = timedelta(hours=12),
    ) -> None:
        self.engine = configure(engine)
        self.key = key  # the audit chain's (never printed: its repr shows only its id)
        self.now = now
        self.hasher = hasher or PasswordHasher()
        self.session_idle = session_idle
        self.session_lifetime = session_lifetime
        self.unknown_names = accounts.UnknownNames()

    @classmethod
    def open(
        cls,
        settings: Settings,
        now: Callable[[], datetime] = utc_now,
        hasher: PasswordHasher | None = None,
    ) -> ReviewStore:
        """The store at ``settings.review_url``, migrated to the newest schema, with the
        audit key of ``settings`` (created under home on first use)."""
        key = AuditKey.load(settings)
        engine = make_engine(settings.review_url)
        upgrade(engine, key=key, now=now())
        return cls(
            engine,
            key,
            now=now,
            hasher=hasher,
            session_idle=timedelta(minutes=settings.session_idle_minutes),
            session_lifetime=timedelta(hours=settings.session_max_hours),
        )

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        info = {audit.KEY: self.key}
        with Session(self.engine, expire_on_commit=False, info=info) as session, session.begin():
            yield session

    # users ---------------------------------------------------------------
    def add_user(
        self,
        name: str,
        password: str,
        role: Role,
        display_name: str | None = None,
        by: UserView | None = None,
    ) -> UserView:
        """Argon2-hashed password (≥ 8 characters); a taken name is a ``ReviewError``."""
        with self._tx() as s:
            user = accounts.add(s, self.hasher, self.now(), name, password, role, display_name, by)
            return user_view(user)

    def authenticate(self, name: str, password: str) -> UserView | None:
        """The user, or None for a wrong name/password or a disabled user. After 3 failures
        in a row for a name, raises ``LoginThrottled`` with a wait that doubles each time
        (1 s, 2 s, 4 s … up to 5 min); success resets it. Audited either way."""
        key = accounts.name_key(name)
        with self._tx() as s:  # short: the write lock is not held while argon2 works
            asked = accounts.challenge(s, self.hasher, self.now(), key, self.unknown_names)
        if asked.retry_after_s is not None:
            outcome = accounts.LoginOutcome(None, retry_after_s=asked.retry_after_s)
        else:
            matched = accounts.matches(self.hasher, asked.password_hash, password)
            aged = matched and self.hasher.check_needs_rehash(asked.password_hash)
            rehashed = self.hasher.hash(password) if aged else None
            with self._tx() as s:
                outcome = accounts.settle(s, self.now(), key, matched, rehashed, self.unknown_names)
        if outcome.retry_after_s is not None:
            wait = outcome.retry_after_s
            message = f"too many wrong passwords: try again in {math.ceil(wait)} s"
            raise LoginThrottled(message, retry_after_s=wait)
        return outcome.user

    def start_session(self, user: UserView) -> str:
        """A signed-in session for ``user`` (just authenticated): the token for its cookie."""
        with self._tx() as s:
            return sessions.start(s, self.now(), user)

    def resume_session(self, token: str, touch: bool = True) -> sessions.Resumed:
        """The user whose session ``token`` opened, while it stands (see ``sessions``);
        ``touch=False`` for a check that is not the user's doing (it keeps no session alive)."""
        with self._tx() as s:
            idle, lifetime = self.session_idle, self.session_lifetime
            return sessions.resume(s, self.now(), token, idle, lifetime, touch)

    def end_session(self, token: str) -> None:
        with self._tx() as s:
            sessions.end(s, self.now(), token)

    def users(self) -> list[UserView]:
        with self._tx() as s:
            return [user_view(u) for u in s.scalars(select(User).order_by(User.name))]

    def user(self, name: str) -> UserView:
        """The user called ``name`` (``NotFound`` otherwise)."""
        with self._tx() as s:
            return user_view(accounts.find(s, name))

    def disable_user(self, name: str, by: UserView | None = None) -> UserView:
        with self._tx() as s:
            return user_view(accounts.disable(s, self.now(), name, by))

    # questions and versions ----------------------------------------------
    def create_question(
        self, request: DraftRequest, by: UserView, origin: str = "form"
    ) -> QuestionView:
        with self._tx() as s:
            actor = acting(s, by, EDITORS, "add questions")
            question_id = workflow.create(s, self.now(), request, actor, origin)
            return queries.question(s, question_id)

    def add_machine_version(
        self,
        question_id: int,
        draft: Draft,
        checks: CheckReport,
        by: UserView | None = None,
        kind: str = "machine",
    ) -> VersionView:
        """A drafter's output (kind "machine", or "regenerated"); status becomes pending
        (or stays in_review when it is a regeneration by a reviewer)."""
        with self._tx() as s:
            actor = acting(s, by, EDITORS, "draft")
            question = workflow.locked(s, question_id)
            if question.status == Status.APPROVED.value:
                raise ReadOnly(f"question {question_id} is approved: reopen it to redraft")
            reviewing = question.status == Status.IN_REVIEW.value
            if not (kind == "regenerated" and actor is not None and reviewing):
                question.status = Status.PENDING.value
            content = (to_body(draft), draft, checks)
            author = draft.provenance.drafter
            return workflow.add_version(s, self.now(), question, content, kind, author, actor)

    def save_edit(
        self,
        question_id: int,
        body: str,
        draft: Draft,
        checks: CheckReport,
        base_version: int,
        by: UserView,
    ) -> VersionView:
        """A human edit based on version ``base_version``. Raises ``Conflict`` (with the
        newer version and a diff) when someone saved after ``base_version``, ``ReadOnly``
        when approved, ``PermissionDenied`` for users who may not edit. Status → in_review."""
        try:
            with self._tx() as s:
                actor = acting(s, by, EDITORS, "edit drafts")
                assert actor is not None
                question = workflow.locked(s, question_id)
                if question.status == Status.APPROVED.value:
                    raise ReadOnly(f"question {question_id} is approved: reopen it to edit")
                if question.latest_version != base_version:
                    raise workflow.conflict(s, question, base_version)
                question.status = Status.IN_REVIEW.value
                if question.claimed_by is None:  # whoever edits it first is reviewing it
                    question.claimed_by, question.claimed_at = actor.name, self.now()
                return workflow.add_version(
                    s,
                    self.now(),
                    question,
                    (body, draft, checks),
                    "edit",
                    actor.name,
                    actor,
                    base=base_version,
                )
        except IntegrityError:  # a concurrent save took the next number first
            with self._tx() as s:
                raise workflow.conflict(s, workflow.locked(s, question_id), base_version) from None

    def open_for_review(self, question_id: int, by: UserView) -> QuestionView:
        """Records that ``by`` opened the question (audited "question.opened"). Reading
        changes nothing else: claiming it (``claim``) or editing it puts it in review."""
        with self._tx() as s:
            actor = acting(s, by, tuple(Role), "open questions")
            question = workflow.locked(s, question_id)
            audit.append(
                s, self.now(), actor.name if actor else None, "question.opened", question.id
            )
            return queries.question(s, question_id)

    def claim(self, question_id: int, by: UserView, take_over: bool = False) -> QuestionView:
        """``by`` reviews the question: in review, shown as "in review by …". A claim held by
        someone else is a ``Conflict`` unless ``take_over``; decided questions are read-only."""
        with self._tx() as s:
            actor = acting(s, by, EDITORS, "claim questions for review")
            assert actor is not None
            workflow.claim(s, self.now(), workflow.locked(s, question_id), actor, take_over)
            return queries.question(s, question_id)

    def release(self, question_id: int, by: UserView) -> QuestionView:
        """Gives a claim back: unclaimed, and pending again unless it was edited."""
        with self._tx() as s:
            actor = acting(s, by, EDITORS, "release questions")
            assert actor is not None
            workflow.release(s, self.now(), workflow.locked(s, question_id), actor)
            return queries.question(s, question_id)

    def approve(
        self,
        question_id: int,
        version_number: int,
        by: UserView,
        acknowledged: Sequence[str] = (),
    ) -> ReviewView:
        """Physicians only (``PermissionDenied`` otherwise); ``Conflict`` when the version
        is not the newest; the question becomes approved and read-only. ``acknowledged``:
        the kinds of open warnings the physician confirmed approving despite (audited)."""
        with self._tx() as s:
            actor = acting(s, by, PHYSICIANS, "approve drafts")
            assert actor is not None
            return workflow.decide(
                s,
                self.now(),
                actor,
                question_id,
                version_number,
                Status.APPROVED,
                acknowledged=tuple(acknowledged),
            )

    def reject(
        self,
        question_id: int,
        version_number: int,
        reason: RejectReason,
        comment: str | None,
        by: UserView,
    ) -> ReviewView:
        with self._tx() as s:
            actor = acting(s, by, PHYSICIANS, "reject drafts")
            assert actor is not None
            why = RejectReason(reason)
            return workflow.decide(
                s, self.now(), actor, question_id, version_number, Status.REJECTED, why, comment
            )

    def reopen(self, question_id: int, by: UserView) -> QuestionView:
        """approved/rejected → in_review, so that a new version can be written."""
        with self._tx() as s:
            actor = acting(s, by, EDITORS, "reopen questions")
            question = workflow.locked(s, question_id)
            was = question.status
            if was in (Status.APPROVED.value, Status.REJECTED.value):
                workflow.set_status(
                    s, self.now(), question, Status.IN_REVIEW, actor, "question.reopened", was=was
                )
            return queries.question(s, question_id)

    # reading -------------------------------------------------------------
    def queue(self, where: QueueFilter | None = None) -> list[QuestionView]:
        """In ``where.order`` (oldest first by default)."""
        with self._tx() as s:
            return queries.queue(s, where or QueueFilter(), self.now())

    def count(self, where: QueueFilter) -> int:
        with self._tx() as s:
            return queries.count(s, where, self.now())

    def counts(self) -> dict[Status, int]:
        with self._tx() as s:
            return queries.counts(s)

    def specialties(self) -> list[str]:
        with self._tx() as s:
            return queries.specialties(s)

    def detail(self, question_id: int) -> QuestionDetail:
        with self._tx() as s:
            return queries.detail(s, question_id)

    def approved(self) -> list[tuple[QuestionDetail, ReviewView]]:
        """Approved questions with the approving review (for export)."""
        with self._tx() as s:
            return queries.approved(s)

    # audit ---------------------------------------------------------------
    def record(
        self, action: str, by: UserView | None, question_id: int | None = None, **details: object
    ) -> AuditEventView:
        """Appends an event for something done outside the store (e.g. "export"); details
        must be ids, counts and codes — never patient text."""
        with self._tx() as s:
            actor = by.name if by else None
            return audit.view(audit.append(s, self.now(), actor, action, question_id, **details))

    def events(
        self,
        actor: str | None = None,
        action: str | None = None,
        question_id: int | None = None,
        limit: int = 500,
    ) -> list[AuditEventView]:
        """Newest first."""
        with self._tx() as s:
            return audit.events(s, actor, action, question_id, limit)

    def verify_audit(self) -> AuditVerification:
        with self._tx() as s:
            return audit.verify(s)

    def anchor_audit(self, by: UserView | None = None) -> AuditVerification:
        """Seals the chain as it is now with this store's key, recording it (an
        "audit.anchored" event, reason "reanchored"): for an operator who has looked into a
        head that ``verify_audit`` refused. What came before counts as unanchored."""
        found = self.verify_audit()
        if found.ok:
            return found  # intact and anchored: nothing to seal again
        with self._tx() as s:
            audit.anchor(s, self.now(), self.key, by.name if by else None, reason="reanchored")
        return self.verify_audit()


__all__: Sequence[str] = ("ReviewStore",)
