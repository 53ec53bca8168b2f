"""Batches of explainer articles for editors: validated input, drafted concurrently into
Markdown + JSON files and the review queue, resumable after a crash, with a run log."""

from assistant.batch.article import request_for
from assistant.batch.rows import BatchRow, InputReport, Issue, validate
from assistant.batch.runner import BatchRunner, Outcome
from assistant.batch.state import RunState

__all__ = [
    "BatchRow",
    "BatchRunner",
    "InputReport",
    "Issue",
    "Outcome",
    "RunState",
    "request_for",
    "validate",
]
