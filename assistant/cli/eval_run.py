"""``assistant eval run``: draft held-out questions, judge them, report with intervals."""

from __future__ import annotations


def run() -> None:
    """Draft K-QA's physician-answered questions (or a file) and measure the drafts."""
    raise NotImplementedError
