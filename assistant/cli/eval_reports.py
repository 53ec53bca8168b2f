"""``assistant eval compare|report|export``: reading, comparing and exporting finished runs."""

from __future__ import annotations


def compare() -> None:
    """Per-metric deltas between two runs; exits non-zero when a metric regresses."""
    raise NotImplementedError


def report() -> None:
    """Write a run's report again (Markdown and HTML)."""
    raise NotImplementedError


def export() -> None:
    """A run's drafts in K-QA's results format."""
    raise NotImplementedError
