"""The finished page for the download button: the same file ``assistant export`` writes."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.review.export import page_name, render_page
from assistant.review.views import Format, QuestionDetail
from assistant.reviewui.versions import approval_of

FORMATS = {"md": ("Markdown", "text/markdown"), "html": ("HTML", "text/html")}


@dataclass(frozen=True)
class PageFile:
    filename: str
    data: str
    mime: str
    label: str


def page_file(detail: QuestionDetail, fmt: str) -> PageFile | None:
    """The approved page as ``fmt`` ("md" or "html"); None until the newest version is
    approved."""
    review = approval_of(detail)
    if review is None or detail.latest is None:
        return None
    label, mime = FORMATS[fmt]
    data = render_page(detail, review, Format(fmt))
    return PageFile(page_name(detail, Format(fmt)), data, mime, f"Download page ({label})")
