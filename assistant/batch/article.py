"""One explainer article per row: the request a row becomes, and the LLM drafter that writes
it from ``prompts/explainer_article.toml`` (the grounded composer needs nothing extra).

The row's audience and target length travel on :class:`ArticleRequest`, a ``DraftRequest``
with two more fields, and fill the prompt's ``audience`` and ``target_length`` variables;
``LLMDrafter`` itself is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from assistant.batch.rows import BatchRow
from assistant.config import Settings
from assistant.drafting import Drafter, DraftRequest
from assistant.drafting.factory import DrafterKind, open_drafter
from assistant.drafting.llm import LLMDrafter
from assistant.drafting.plan import Plan
from assistant.index import Archive
from assistant.prompts import Prompt, load_prompt
from assistant.retrieval import Source

DEFAULT_WORDS = "about 400 to 700 words"


class ArticleRequest(DraftRequest):
    """A draft request for an explainer article: who it is for, and how long."""

    audience: Literal["patient", "caregiver"] = "patient"
    target_length: int | None = None


def request_for(row: BatchRow) -> ArticleRequest:
    """A question row is drafted as asked; a topic row as a question about the topic."""
    reader = "patients" if row.audience == "patient" else "caregivers"
    question = row.question or f"What should {reader} know about {row.topic}?"
    return ArticleRequest(
        question=question,
        title=row.topic if not row.question else None,
        article=not row.question,
        reply=row.reply,
        specialty=row.specialty,
        audience="caregiver" if row.audience == "caregiver" else "patient",
        target_length=row.target_length,
    )


class ExplainerDrafter(LLMDrafter):
    """The LLM drafter with the explainer-article prompt (with or without a reply)."""

    def __init__(self, base: LLMDrafter) -> None:
        super().__init__(
            base.chat,
            base.retriever,
            model=base.model,
            endpoint=base.endpoint,
            model_note=base.model_note,
            attempts=base.attempts,
            guard=base.guard,
            archive=base.archive,
        )
        self.answer = self.expand = load_prompt("explainer_article")

    @staticmethod
    def variables(
        prompt: Prompt, request: DraftRequest, sources: list[Source], plan: Plan | None = None
    ) -> dict[str, str]:
        values = LLMDrafter.variables(prompt, request, sources, plan)
        article = request if isinstance(request, ArticleRequest) else None
        audience = article.audience if article else "patient"
        words = article.target_length if article else None
        extra = {
            "question": request.title or request.question,
            "reply": request.reply or "(no reply yet)",
            "audience": (
                "a patient" if audience == "patient" else "a family member caring for a patient"
            ),
            "target_length": f"about {words} words" if words else DEFAULT_WORDS,
        }
        values.update({k: v for k, v in extra.items() if k in prompt.variables})
        return values


@contextmanager
def open_article_drafter(
    settings: Settings, archive: Archive, kind: DrafterKind | None = None
) -> Iterator[Drafter]:
    """The composer, or the LLM drafter with the explainer-article prompt."""
    with open_drafter(settings, archive, kind) as drafter:
        yield ExplainerDrafter(drafter) if isinstance(drafter, LLMDrafter) else drafter
