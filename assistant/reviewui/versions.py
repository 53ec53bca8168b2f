"""A question's versions as the review page shows them: the draft and checks of a version,
who wrote it, the history table, and which text the editor holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assistant.checks import CheckReport
from assistant.corpus import Asker
from assistant.drafting import Draft, DraftRequest
from assistant.review.views import QuestionDetail, QuestionView, ReviewView, VersionView

KINDS = {"machine": "machine draft", "regenerated": "regenerated", "edit": "human edit"}


def draft_of(version: VersionView) -> Draft:
    return Draft.model_validate(version.draft)


def checks_of(version: VersionView) -> CheckReport:
    return CheckReport.model_validate(version.checks)


def request_of(question: QuestionView) -> DraftRequest:
    """The request to draft a question that has no version yet: the one stored with it (asker,
    dates and all), else rebuilt from the queue's columns."""
    if question.request_json:
        return DraftRequest.model_validate_json(question.request_json)
    return DraftRequest(
        question=question.question,
        reply=question.reply,
        asker=Asker(sex=question.asker_sex, age_range=question.asker_age_range),
        specialty=question.specialty,
        doctor=question.doctor,
        title=question.title,
    )


def provenance_line(version: VersionView) -> str:
    """Which drafter and model wrote the draft behind ``version`` (always shown)."""
    line = f"Drafted by {version.drafter} · model: {version.model}"
    if version.kind == "edit":
        line += f" · edited by {version.author} (version {version.number})"
    return line


def when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")


def version_rows(detail: QuestionDetail) -> list[dict[str, object]]:
    """The version history, newest first."""
    rows: list[dict[str, object]] = []
    for v in reversed(detail.versions):
        checks = checks_of(v)
        rows.append(
            {
                "version": v.number,
                "kind": KINDS.get(v.kind, v.kind),
                "author": v.author,
                "saved": when(v.created_at),
                "drafter": v.drafter,
                "model": v.model,
                "words": checks.words,
                "flags": len(checks.flags),
                "supported": f"{checks.supported_share:.0%}",
            }
        )
    return rows


def review_rows(detail: QuestionDetail) -> list[dict[str, object]]:
    """Approvals and rejections, newest first."""
    return [
        {
            "version": r.version_number,
            "decision": r.decision,
            "reason": r.reason.value if r.reason else "",
            "comment": r.comment or "",
            "reviewer": r.reviewer_display_name,
            "at": when(r.created_at),
        }
        for r in reversed(detail.reviews)
    ]


def approval_of(detail: QuestionDetail) -> ReviewView | None:
    """The approval of the newest version, when the question is approved."""
    latest = detail.latest
    if latest is None or detail.question.status != "approved":
        return None
    approvals = [
        r for r in detail.reviews if r.decision == "approved" and r.version_number == latest.number
    ]
    return approvals[-1] if approvals else None


def last_rejection(detail: QuestionDetail) -> ReviewView | None:
    rejections = [r for r in detail.reviews if r.decision == "rejected"]
    return rejections[-1] if rejections else None


@dataclass(frozen=True)
class EditorState:
    """What the editor holds: the text, and the version it is an edit of."""

    question_id: int
    base: int  # version number the text started from
    text: str
    newer: int | None = None  # a newer version someone else saved meanwhile, if any


def sync_editor(state: EditorState | None, detail: QuestionDetail) -> EditorState | None:
    """The editor after the page reloaded ``detail``.

    Another question, or an editor holding its base version unchanged, follows the newest
    version. An editor with unsaved changes keeps them and its base, so that saving shows
    the conflict instead of silently overwriting (or losing) anyone's words.
    """
    latest = detail.latest
    if latest is None:
        return None
    qid = detail.question.id
    if state is None or state.question_id != qid:
        return EditorState(qid, latest.number, latest.body)
    base = next((v for v in detail.versions if v.number == state.base), None)
    if base is None or state.text == base.body:
        return EditorState(qid, latest.number, latest.body)
    newer = latest.number if latest.number != state.base else None
    return EditorState(qid, state.base, state.text, newer)
