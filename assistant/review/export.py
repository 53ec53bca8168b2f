"""An approved page as a file: the site's layout in Markdown or HTML, or JSON with the
version and checks, stamped with the approving physician and time. Used by ``assistant
export`` and by the review page's download button."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from assistant.drafting.models import Draft
from assistant.render import Approval, render_html, render_markdown
from assistant.review.views import Format, QuestionDetail, ReviewView, VersionView


def approved_version(full: QuestionDetail, review: ReviewView) -> VersionView:
    return next(v for v in full.versions if v.number == review.version_number)


def page_name(full: QuestionDetail, format: Format) -> str:
    title = full.question.title or full.question.question
    return f"{full.question.id:05d}-{slug(title)}.{format.value}"


def slug(text: str, width: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:width].rstrip("-") or "page"


def render_page(full: QuestionDetail, review: ReviewView, format: Format) -> str:
    version = approved_version(full, review)
    approval = Approval(physician=review.reviewer_display_name, at=review.created_at)
    if format is Format.JSON:
        return json.dumps(page_json(full, review), indent=2, ensure_ascii=False) + "\n"
    renderer: Callable[[Draft, Approval | None], str] = (
        render_html if format is Format.HTML else render_markdown
    )
    return renderer(Draft.model_validate(version.draft), approval)


def page_json(full: QuestionDetail, review: ReviewView) -> dict[str, Any]:
    version = approved_version(full, review)
    meta = {k: v for k, v in asdict(version).items() if k not in ("draft", "checks")}
    return {
        "question": _plain(asdict(full.question)),
        "version": _plain(meta),
        "draft": version.draft,
        "checks": version.checks,
        "approval": {
            "physician": review.reviewer_display_name,
            "reviewer": review.reviewer,
            "at": review.created_at.isoformat(),
            "version": review.version_number,
        },
    }


def _plain(value: dict[str, Any]) -> dict[str, Any]:
    """Datetimes as ISO 8601 text, enums as their values."""
    text = json.dumps(value, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))
    return dict(json.loads(text))
