"""Batches of explainer articles for editors: validated input, drafted concurrently into
Markdown + JSON files and the review queue, resumable after a crash, with a run log."""

from assistant.batch.article import ArticleRequest, ExplainerDrafter, open_article_drafter
from assistant.batch.rows import BatchRow, InputReport, Issue, validate
from assistant.batch.runner import BatchRunner, Outcome
from assistant.batch.state import RunState

__all__ = [
    "ArticleRequest",
    "BatchRow",
    "BatchRunner",
    "ExplainerDrafter",
    "InputReport",
    "Issue",
    "Outcome",
    "RunState",
    "open_article_drafter",
    "validate",
]
