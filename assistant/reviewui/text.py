"""Showing untrusted text in Streamlit's Markdown: escaped, shortened."""

from __future__ import annotations

import re

# Markdown punctuation, HTML's angle brackets and ampersand, and Streamlit's `$` (LaTeX) and
# `:` (emoji shortcodes and colored text) directives
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:])")


def md_escape(text: str) -> str:
    """``text`` as literal Markdown: every special character backslash-escaped, newlines
    kept as line breaks."""
    escaped = _SPECIAL.sub(r"\\\1", text)
    return "  \n".join(escaped.splitlines()) if "\n" in escaped else escaped
