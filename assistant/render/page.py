"""Rendering a draft into the site's page layout (see ``data/site_page_example.txt``):
question, asker line, doctor + specialty + reply, More Info, Similar Q&A, Related FAQ,
then the sources, the disclaimer and who drafted (and, once approved, who approved) it.

Templates are files beside this module; HTML is autoescaped, so patient text that contains
markup shows as text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment
from markupsafe import Markup

from assistant.drafting.models import Draft, DraftSentence
from assistant.render.templating import template_environment
from assistant.resources import packaged

TEMPLATES = packaged("render", "templates")


@dataclass(frozen=True)
class Approval:
    """A named physician's approval of a page; without one, a page is marked as a draft."""

    physician: str
    at: datetime


def render_markdown(draft: Draft, approval: Approval | None = None) -> str:
    return _env(autoescape=False).get_template("page.md.j2").render(**_context(draft, approval))


def render_html(draft: Draft, approval: Approval | None = None) -> str:
    return _env(autoescape=True).get_template("page.html.j2").render(**_context(draft, approval))


@cache  # built and its templates compiled once, not on every render
def _env(autoescape: bool) -> Environment:
    env = template_environment(TEMPLATES, autoescape)
    if not autoescape:  # Markdown: text from outside shows as text, never as HTML
        env.finalize = _inert
    env.filters["cite"] = _cite
    env.filters["web_url"] = web_url
    return env


def _inert(value: object) -> object:
    """What a Markdown page prints of a value: HTML's ``&``, ``<`` and ``>`` escaped, so a
    patient's ``<script>`` or ``<img onerror>`` reads as text in any Markdown viewer, and ``[``
    written as a character reference, which Markdown shows as ``[`` but never reads as the
    start of a link or an image (``[x](javascript:…)``, ``![x](https://tracker…)``, ``[x]: …``).
    The page's own markup (``Markup``, e.g. citation numbers) is printed as it is."""
    if isinstance(value, Markup):
        return str(value)
    if isinstance(value, str):
        return html.escape(value, quote=False).replace("[", "&#91;")
    return value


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address a page may link to; None for anything else
    (``javascript:``, ``data:``, a bare path), which the page then shows as plain text."""
    if not url:
        return None
    parsed = urlsplit(url.strip())
    return url.strip() if parsed.scheme.lower() in ("http", "https") and parsed.netloc else None


def _cite(sentence: DraftSentence) -> Markup:
    return Markup("".join(f"[{n}]" for n in sentence.citations))


def _context(draft: Draft, approval: Approval | None) -> dict[str, Any]:
    request = draft.request
    asker = request.asker
    who = ", ".join(
        x
        for x in (
            asker.name or "Anonymous",
            " ".join(
                p for p in (asker.age_range and f"{asker.age_range} year old", asker.sex) if p
            ),
        )
        if x
    )
    asker_line = who + (f". Ask Date: {request.ask_date:%Y/%m/%d}" if request.ask_date else ".")
    p = draft.provenance
    drafted_by = f"{p.drafter} ({p.model}"
    drafted_by += f"; {p.model_note})" if p.model_note else ")"
    return {
        "draft": draft,
        "request": request,
        "asker_line": asker_line,
        "approval": approval,
        "drafted_by": drafted_by,
        "prompt": f"{p.prompt_name} v{p.prompt_version} ({p.prompt_hash})"
        if p.prompt_name
        else None,
    }
