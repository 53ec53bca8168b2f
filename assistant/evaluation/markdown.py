"""Text from runs (patient questions, model names, judges' reasons) inside the evaluation's
Markdown tables: markup shown as text, pipes escaped, one line per cell."""

from __future__ import annotations

import html


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: markup shown as text, no pipes, one line."""
    escaped = html.escape(text, quote=False).replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(line.strip() for line in escaped.splitlines())
