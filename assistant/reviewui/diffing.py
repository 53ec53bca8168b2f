"""The machine draft against the current text: a word-level diff as safe HTML (every word
escaped; the only tags are our own ``<ins>`` and ``<del>``)."""

from __future__ import annotations

import difflib
import html
import re

_TOKENS = re.compile(r"\s+|[^\s]+")

DIFF_CSS = """
<style>
.diff { white-space: pre-wrap; line-height: 1.6; font-size: .95rem; }
.diff ins { background: #d7f5dd; text-decoration: none; }
.diff del { background: #fbd9d9; }
</style>
"""


def tokens(text: str) -> list[str]:
    return _TOKENS.findall(text)


def diff_html(before: str, after: str) -> str:
    """``after`` with words added (``<ins>``) and removed (``<del>``) since ``before``."""
    a, b = tokens(before), tokens(after)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old = html.escape("".join(a[i1:i2]))
        new = html.escape("".join(b[j1:j2]))
        if op == "equal":
            parts.append(new)
        if op in ("delete", "replace") and old.strip():
            parts.append(f"<del>{old}</del>")
        if op in ("insert", "replace") and new.strip():
            parts.append(f"<ins>{new}</ins>")
        elif op in ("insert", "replace"):
            parts.append(new)
    return f'{DIFF_CSS}<div class="diff">{"".join(parts)}</div>'
