"""Drafting "More Info" explanations: the grounded composer and the LLM drafter.

The drafters live in ``assistant.drafting.composer`` and ``assistant.drafting.llm``; entry
points build the one that settings select with ``assistant.drafting.factory``.
"""

from typing import Protocol

from assistant.drafting.models import (
    Draft,
    DraftRequest,
    DraftSentence,
    Provenance,
    Section,
    Usage,
)


class Drafter(Protocol):
    """Anything that turns a request into a draft with cited sources."""

    name: str

    def draft(self, request: DraftRequest) -> Draft: ...


__all__ = ["Draft", "DraftRequest", "DraftSentence", "Drafter", "Provenance", "Section", "Usage"]
