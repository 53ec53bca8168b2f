"""Building the drafter that settings select, once, at an entry point (CLI command, UI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Literal

from assistant.config import Settings
from assistant.drafting import Drafter
from assistant.drafting.composer import GroundedComposer
from assistant.drafting.llm import LLMDrafter
from assistant.index import Archive
from assistant.llm.client import chat_model, describe, explain_errors
from assistant.llm.local import ensure_llm
from assistant.retrieval import HybridRetriever

DrafterKind = Literal["composer", "llm"]


@contextmanager
def open_drafter(
    settings: Settings, archive: Archive, kind: DrafterKind | None = None
) -> Iterator[Drafter]:
    """The drafter; for the local demo model, its server runs only while this is open."""
    retriever = HybridRetriever(archive)
    if (kind or settings.drafter) == "composer":
        yield GroundedComposer(retriever, archive.embedder, archive=archive)
        return
    base_url, server = ensure_llm(settings)
    try:
        info = describe(settings)
        yield LLMDrafter(
            chat_model(settings, base_url),
            retriever,
            model=info.model,
            endpoint=base_url,
            model_note=info.note,
            attempts=settings.llm_max_retries + 1,
            guard=partial(explain_errors, settings, base_url),
            archive=archive,
        )
    finally:
        if server is not None:
            server.stop()
