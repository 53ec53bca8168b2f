"""The page renderer: the site's layout in Markdown and HTML, inert patient markup, and the
draft banner that only a named physician's approval removes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.corpus.record import Asker, SimilarQA
from assistant.drafting import Draft
from assistant.render import Approval, render_html, render_markdown
from tests.builders import make_draft

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _draft(question: str = "What does calcification mean?") -> Draft:
    return make_draft(question)


@pytest.mark.parametrize("render", [render_markdown, render_html])
def test_page_layout(render: object) -> None:
    page = render(_draft())  # type: ignore[operator]
    order = [
        "Understanding calcified lumps",
        "What does calcification mean?",
        "Niming, 40~49 year old female. Ask Date: 2022/03/24",
        "Dr. Ke Fangxu reply",
        "These are typically benign.",
        "Reply Date: 2022/03/24",
        "More Info",
        "What this may be",
        "Calcium builds up.",
        "Similar Q&amp;A" if render is render_html else "Similar Q&A",
        "Soft lumps in the calf",
        "Related FAQ",
        "Lipoma",
        "(Orthopedics)",
        "Sources",
        "Calcified lumps",
        "grounded-composer",
    ]
    positions = [page.find(text) for text in order]
    assert all(p >= 0 for p in positions), [
        t for t, p in zip(order, positions, strict=True) if p < 0
    ]
    assert positions == sorted(positions)
    assert "DRAFT — not reviewed by a physician" in page


def test_approval_stamp_replaces_the_draft_banner() -> None:
    at = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)
    for render in (render_markdown, render_html):
        page = render(_draft(), Approval(physician="Ke Fangxu", at=at))
        assert "DRAFT" not in page
        assert "Approved by Dr. Ke Fangxu on 2026-11-25 09:30 UTC" in page


def test_patient_markup_is_inert_in_html() -> None:
    page = render_html(_draft(question=f"Is this bad? {SCRIPT}"))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://www.example.org/answers/42", True),
        ("javascript:alert(document.cookie)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("/relative/path", False),
    ],
)
def test_a_source_links_only_to_a_web_address(url: str, linked: bool) -> None:
    draft = _draft()
    source = draft.sources[0].model_copy(update={"source_url": url})
    page = render_html(draft.model_copy(update={"sources": [source]}))
    assert ('<a href="https://www.example.org/answers/42">' in page) is linked
    assert 'href="javascript' not in page.lower() and 'href="data:' not in page


def test_patient_markup_is_inert_in_markdown() -> None:
    """A Markdown viewer renders raw HTML: the page escapes it (exports, batch articles)."""
    draft = _draft(question=f"Is this bad? {SCRIPT} & why")
    page = render_markdown(draft.model_copy(update={"title": "<b>Lumps</b>"}))
    assert "<script" not in page and "<img" not in page and "<b>" not in page
    assert "&lt;script&gt;" in page and "&amp; why" in page and "# &lt;b&gt;Lumps" in page
    assert "Calcium builds up. [1]" in page  # text without markup is as it was


def test_citations_link_to_sources() -> None:
    html = render_html(_draft())
    assert 'href="#source-1"' in html and 'id="source-1"' in html
    assert "Calcium builds up. [1]" in render_markdown(_draft())


@pytest.mark.parametrize("render", [render_markdown, render_html])
def test_a_page_without_doctor_or_asker_reads_right(render: object) -> None:
    draft = _draft()
    request = draft.request.model_copy(update={"doctor": None, "asker": Asker(), "ask_date": None})
    similar = [SimilarQA(title="Falls in older adults", specialty="Geriatrics")]
    page = render(draft.model_copy(update={"request": request, "similar_qa": similar}))  # type: ignore[operator]
    assert "Doctor's reply · Surgery" in page and "The doctor reply" not in page
    assert "Anonymous." in page
    if render is render_markdown:
        assert "\n*Geriatrics*\n" in page  # not "* Geriatrics*", which is no emphasis
    else:
        assert '<p class="doctor">Geriatrics</p>' in page
