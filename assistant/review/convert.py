"""Rows → the frozen views the store hands out, and a request/draft → row columns."""

from __future__ import annotations

import difflib
import json
from typing import Any

from assistant.checks.report import CheckReport
from assistant.drafting.models import Draft, DraftRequest
from assistant.review.models import Question, Review, User, Version
from assistant.review.views import (
    QuestionView,
    RejectReason,
    ReviewView,
    Role,
    Status,
    UserView,
    VersionView,
)

RED_FLAG_KINDS = frozenset({"red_flag_without_escalation"})


def user_view(user: User) -> UserView:
    return UserView(
        id=user.id,
        name=user.name,
        display_name=user.display_name,
        role=Role(user.role),
        active=user.active,
    )


def question_columns(request: DraftRequest) -> dict[str, Any]:
    return {
        "question": request.question,
        "reply": request.reply,
        "asker_name": request.asker.name,
        "asker_sex": request.asker.sex,
        "asker_age_range": request.asker.age_range,
        "ask_date": request.ask_date,
        "doctor": request.doctor,
        "specialty": request.specialty,
        "reply_date": request.reply_date,
        "title": request.title,
        "request_json": request.model_dump_json(),
    }


def question_view(
    question: Question, latest: Version | None, claimer: str | None = None
) -> QuestionView:
    return QuestionView(
        id=question.id,
        question=question.question,
        reply=question.reply,
        asker_sex=question.asker_sex,
        asker_age_range=question.asker_age_range,
        specialty=question.specialty,
        doctor=question.doctor,
        status=Status(question.status),
        created_at=question.created_at,
        updated_at=question.updated_at,
        latest_version=question.latest_version,
        flag_count=latest.flag_count if latest else 0,
        has_red_flag=latest.has_red_flag if latest else False,
        title=question.title or (latest.title if latest else None),
        request_json=question.request_json,
        claimed_by=question.claimed_by,
        claimed_by_display=claimer or question.claimed_by,
        claimed_at=question.claimed_at,
    )


def version_columns(body: str, draft: Draft, checks: CheckReport) -> dict[str, Any]:
    provenance = draft.provenance
    return {
        "title": draft.title,
        "body": body,
        "draft_json": draft.model_dump_json(),
        "checks_json": checks.model_dump_json(),
        "drafter": provenance.drafter,
        "model": provenance.model,
        "model_note": provenance.model_note,
        "flag_count": sum(f.severity in ("warning", "error") for f in checks.flags),
        "has_red_flag": bool(checks.red_flags)
        or any(f.kind in RED_FLAG_KINDS for f in checks.flags),
    }


def version_view(version: Version) -> VersionView:
    return VersionView(
        id=version.id,
        question_id=version.question_id,
        number=version.number,
        kind=version.kind,
        body=version.body,
        draft=json.loads(version.draft_json),
        checks=json.loads(version.checks_json),
        author=version.author,
        created_at=version.created_at,
        drafter=version.drafter,
        model=version.model,
        model_note=version.model_note,
    )


def review_view(review: Review, reviewer: User) -> ReviewView:
    return ReviewView(
        id=review.id,
        question_id=review.question_id,
        version_number=review.version_number,
        decision=review.decision,
        reason=RejectReason(review.reason) if review.reason else None,
        comment=review.comment,
        reviewer=reviewer.name,
        reviewer_display_name=reviewer.display_name,
        created_at=review.created_at,
    )


def body_diff(base: Version | None, theirs: Version) -> str:
    """A unified diff from the version an edit was based on to the one saved since."""
    before = base.body if base else ""
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            theirs.body.splitlines(keepends=True),
            fromfile=f"version {base.number}" if base else "nothing",
            tofile=f"version {theirs.number} by {theirs.author}",
        )
    )
