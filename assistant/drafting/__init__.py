"""Drafting "More Info" explanations: the grounded composer and the LLM drafter.

The drafters live in ``assistant.drafting.composer`` and ``assistant.drafting.llm``; entry
points build the one that settings select with ``assistant.drafting.factory``.
"""

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from assistant.drafting.instructions import Instructions
from assistant.drafting.models import (
    Draft,
    DraftRequest,
    DraftSentence,
    Provenance,
    Section,
    Usage,
)


class Drafter(Protocol):
    """Anything that turns a request into a draft with cited sources. It follows
    ``request.instruction`` itself, as far as it can (``instructions`` says how far), and
    notes what it did in ``Provenance.instruction_note``."""

    name: str
    instructions: Instructions

    def draft(self, request: DraftRequest) -> Draft: ...


@runtime_checkable
class Streaming(Protocol):
    """A drafter that can also stream a model's text as it arrives (then the ``Draft``): an
    optional capability, which ``assistant draft`` shows live."""

    model: str
    model_note: str | None

    def stream(self, request: DraftRequest) -> Iterator[str | Draft]: ...


__all__ = [
    "Draft",
    "DraftRequest",
    "DraftSentence",
    "Drafter",
    "Instructions",
    "Provenance",
    "Section",
    "Streaming",
    "Usage",
]
