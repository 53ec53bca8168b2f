"""The request a batch row becomes: a question row is drafted as asked; a topic row as a
question about the topic, framed as an article. Either is an editor's explainer
(``DraftRequest.explainer``: whom it is for and how long), which the LLM drafter writes with
``prompts/explainer_article.toml``; the grounded composer needs nothing extra.
"""

from __future__ import annotations

from assistant.batch.rows import BatchRow
from assistant.drafting import DraftRequest
from assistant.drafting.models import Explainer


def request_for(row: BatchRow) -> DraftRequest:
    reader = "patients" if row.audience == "patient" else "caregivers"
    return DraftRequest(
        question=row.question or f"What should {reader} know about {row.topic}?",
        title=row.topic if not row.question else None,
        article=not row.question,
        reply=row.reply,
        specialty=row.specialty,
        explainer=Explainer(
            audience="caregiver" if row.audience == "caregiver" else "patient",
            target_length=row.target_length,
        ),
    )
