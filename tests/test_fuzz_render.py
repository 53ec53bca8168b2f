"""Fuzzing the page renderers and the draft body parser.

- Whatever any field of a draft holds (the patient's question and name, the doctor's reply,
  sources' titles and addresses, headings, sentences, Similar Q&A, Related FAQ), the HTML page
  has only the template's own tags, no event-handler attribute and no link but to a source's
  http(s) address or a citation anchor; the Markdown page, shown by a Markdown viewer that
  lets raw HTML and any link through, has no HTML tag, link or image from a field at all.
- The body a reviewer edits (``to_body``) reads back (``from_body``) as the same draft, and
  whatever body a reviewer writes, saving it twice changes nothing; parsing it is linear.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from assistant.corpus.record import Asker, RelatedFAQ, SimilarQA
from assistant.drafting import Draft, DraftSentence, Section
from assistant.drafting.body import from_body, to_body
from assistant.drafting.models import Origin
from assistant.drafting.parsing import MalformedOutput, parse_markdown
from assistant.render import render_html, render_markdown
from assistant.render.page import web_url
from tests.builders import make_draft
from tests.strategies import WORDS, Run, assert_linear, hostile, hostile_run, mixed_text, words

field = mixed_text(8)
maybe = st.none() | field
has_words = field.filter(lambda t: any(ch.isalnum() for ch in t) and t.strip())
url = st.one_of(
    field,
    st.sampled_from(
        [
            "https://example.org/a?b=1&c=<2>",
            "http://example.org/\"onmouseover='alert(1)'",
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "\x01javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "https:\\\\evil.example",
            "//evil.example/x",
        ]
    ),
)

BASE = make_draft()


@st.composite
def drafts(draw: st.DrawFn) -> Draft:
    """``make_draft`` with any field replaced by fuzzed text."""
    request = BASE.request.model_copy(
        update={
            "question": draw(has_words),
            "reply": draw(maybe),
            "asker": Asker(name=draw(maybe), sex=draw(maybe), age_range=draw(maybe)),
            "doctor": draw(maybe),
            "specialty": draw(maybe),
            "article": draw(st.booleans()),
        }
    )
    source = BASE.sources[0].model_copy(
        update={
            "title": draw(maybe),
            "question": draw(field),
            "doctor": draw(maybe),
            "specialty": draw(maybe),
            "record_id": draw(field),
            "source_url": draw(url),
        }
    )
    sentence = st.builds(
        DraftSentence, text=field, citations=st.lists(st.integers(1, 3), max_size=2).map(tuple)
    )
    sections = st.lists(
        st.builds(
            Section,
            kind=st.just("explanation"),
            heading=maybe,
            sentences=st.lists(sentence, max_size=3).map(tuple),
        ),
        max_size=3,
    )
    return BASE.model_copy(
        update={
            "request": request,
            "title": draw(field),
            "sections": draw(sections),
            "sources": [source] * draw(st.integers(0, 2)),
            "similar_qa": [
                SimilarQA(
                    title=draw(field),
                    question_snippet=draw(maybe),
                    doctor=draw(maybe),
                    specialty=draw(maybe),
                    reply_snippet=draw(maybe),
                )
            ],
            "related_faq": [RelatedFAQ(topic=draw(maybe), specialty=draw(maybe))],
            "disclaimer": draw(field),
            "provenance": BASE.provenance.model_copy(
                update={"drafter": draw(field), "model": draw(field), "model_note": draw(maybe)}
            ),
        }
    )


class Elements(HTMLParser):
    """Every start tag of an HTML text, with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.tags


PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "p", "h1", "h2", "h3", "section",
             "article", "ul", "ol", "li", "a", "code", "em"}  # fmt: skip
MARKDOWN_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "ul",
                 "ol", "li", "blockquote", "hr", "br"}  # fmt: skip


def _naive_viewer() -> MarkdownIt:
    """A Markdown viewer at its most trusting: raw HTML on, every link scheme allowed."""
    md = MarkdownIt("commonmark", {"html": True})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


VIEWER = _naive_viewer()


@given(drafts(), st.booleans())
def test_html_page_runs_nothing_from_a_field(draft: Draft, approved: bool) -> None:
    page = render_html(draft)
    tags = elements(page)
    assert {tag for tag, _ in tags} <= PAGE_TAGS, {tag for tag, _ in tags} - PAGE_TAGS
    assert sum(tag == "style" for tag, _ in tags) == 1  # the template's own, nothing added
    for tag, attrs in tags:
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name, value)
            assert name in {"lang", "charset", "class", "role", "href", "id"}, (tag, name)
            if name == "href":
                assert value is not None
                assert value.startswith("#source-") or web_url(value) == value, value


@given(drafts())
@example(make_draft(question="Is it [bad](javascript:alert(1))?"))  # a link in patient text
@example(make_draft(question="Look ![x](https://tracker.example/p.gif) here"))
@example(make_draft(question="[x]\n\n[x]: javascript:alert(1)"))
@example(make_draft(question="\\[x](javascript:alert(1))"))
def test_markdown_page_runs_nothing_from_a_field(draft: Draft) -> None:
    html = VIEWER.render(render_markdown(draft))
    tags = elements(html)
    assert {tag for tag, _ in tags} <= MARKDOWN_TAGS, (tags, html)


def test_markdown_page_keeps_its_citations_and_text_readable() -> None:
    draft = make_draft(question="Is it [bad] or <b>?")
    page = render_markdown(draft)
    assert "Calcium builds up. [1]" in page
    assert VIEWER.render(page).count("Is it [bad] or &lt;b&gt;?") == 1


sentence_text = st.lists(words | hostile, min_size=1, max_size=8).map(" ".join)


@st.composite
def edited_drafts(draw: st.DrawFn) -> Draft:
    """Drafts as the drafters make them: an opening without a heading, then sections with
    distinct headings, each sentence one sentence, each with what it answers."""
    headings = draw(st.lists(st.lists(words, min_size=1, max_size=4).map(" ".join),
                             max_size=3, unique=True))  # fmt: skip
    sentences = st.lists(
        st.builds(
            DraftSentence,
            text=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(
                lambda w: " ".join(w).capitalize() + "."
            ),
            citations=st.lists(st.integers(1, 3), max_size=2, unique=True).map(tuple),
            origin=st.sampled_from(["source", "template", "reply", "model", "human"]),
        ),
        min_size=1,
        max_size=3,
    ).map(tuple)
    asks = st.none() | st.sampled_from(["what_is", "treatment", "causes"])
    sections = [Section(kind="opening", sentences=draw(sentences), ask=draw(asks))]
    for heading in headings:
        kind = draw(st.sampled_from(["explanation", "seek_care", "escalation", "conclusion"]))
        sections.append(
            Section(kind=kind, heading=heading, sentences=draw(sentences), ask=draw(asks))
        )
    return BASE.model_copy(update={"sections": sections})


def _sections(*sections: Section) -> Draft:
    return BASE.model_copy(update={"sections": list(sections)})


def _said(text: str, origin: Origin = "source") -> DraftSentence:
    return DraftSentence(text=text, origin=origin)


@given(edited_drafts())
@example(_sections(Section(kind="opening", sentences=(_said("It is benign."),), ask="what_is")))
@example(_sections(Section(kind="opening", sentences=(_said("Rest."), _said("Rest.", "template")))))
@example(_sections(Section(kind="opening", sentences=(_said("1. Rest is best."),))))
def test_the_body_reads_back_as_the_same_draft(draft: Draft) -> None:
    assert from_body(to_body(draft), draft) == draft


body_lines = st.one_of(
    sentence_text,
    field,
    st.lists(words, min_size=1, max_size=3).map(lambda w: "## " + " ".join(w)),
    st.sampled_from(["# Heading #", "**Bold heading**:", "- item.", "1. First.", "2) Second.",
                     "Ends with [1].", "[2]", "No cite [x].", "## ", "####### deep", ""]),
)  # fmt: skip


@given(st.lists(body_lines, min_size=1, max_size=10).map("\n".join))
@example("Fever\nCough")  # two sentences without an end mark became one on the next save
@example("- # Not a heading.")
def test_saving_an_edit_twice_changes_nothing(body: str) -> None:
    try:
        once = from_body(body, BASE)
    except MalformedOutput:
        return
    assert from_body(to_body(once), BASE) == once


@given(
    hostile_run(
        prefixes=("", "# a", "## ", "**a", "a", "- ", "It is [1"),
        suffixes=("", "b", "#", "**", "[1].", ". B"),
    )
)
@example(Run("# a", " ", "b"))  # cubic: 20 s at 2,000 characters
@example(Run("**a", " ", "b"))  # quadratic: spaces before a citation or an end mark
@example(Run("It is", " ", "[1]."))
def test_parsing_a_body_takes_linear_time(run: Run) -> None:
    def parse(body: str) -> Any:
        try:
            return parse_markdown(body)
        except MalformedOutput:
            return None

    assert_linear(parse, run)
