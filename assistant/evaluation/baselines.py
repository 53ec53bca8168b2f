"""Baseline drafters: what a score means is clearer next to what no drafting at all gets.

- ``ReplyOnlyDrafter``: the draft is the doctor's short reply, word for word (empty when there
  is none). It retrieves nothing.
- ``TopSourceDrafter``: the draft is the best-matching past answer as retrieved: the top
  source's reply and matched explanation passages, every sentence cited [1].

Both return real :class:`~assistant.drafting.Draft` objects whose provenance says they are
baselines, so a report can never mistake them for the product's drafters.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from assistant.config import Settings
from assistant.drafting import Drafter
from assistant.drafting.common import assemble, draft_title, retrieve, timings
from assistant.drafting.factory import open_drafter
from assistant.drafting.instructions import NONE
from assistant.drafting.models import Draft, DraftRequest, DraftSentence, Provenance, Section
from assistant.index import Archive
from assistant.retrieval import HybridRetriever, Retriever, Source
from assistant.text import split_sentences

NO_MODEL = "none (baseline, no language model)"

SystemKind = Literal["composer", "llm", "reply-only", "top-source"]
SYSTEMS: tuple[SystemKind, ...] = ("composer", "llm", "reply-only", "top-source")


@contextmanager
def open_system(kind: SystemKind, settings: Settings, archive: Archive) -> Iterator[Drafter]:
    """The product's drafters (as :func:`~assistant.drafting.factory.open_drafter` builds
    them) or a baseline, by the name ``eval run --drafter`` uses."""
    if kind == "reply-only":
        yield ReplyOnlyDrafter()
    elif kind == "top-source":
        yield TopSourceDrafter(HybridRetriever(archive))
    else:
        with open_drafter(settings, archive, kind) as drafter:
            yield drafter


class ReplyOnlyDrafter:
    """The doctor's reply as the whole draft: the floor any expansion should beat."""

    name = "baseline-reply-only"
    instructions = NONE

    def draft(self, request: DraftRequest) -> Draft:
        started = time.perf_counter()
        sentences = tuple(
            DraftSentence(text=s, origin="reply") for s in split_sentences(request.reply or "")
        )
        sections = [Section(kind="opening", sentences=sentences)] if sentences else []
        done = time.perf_counter()
        return Draft(
            request=request,
            title=draft_title(request, None),
            sections=sections,
            sources=[],
            provenance=Provenance(
                drafter=self.name,
                model=NO_MODEL,
                model_note="baseline: the doctor's short reply only",
                timings_ms=timings(started, started, done),
            ),
        )


class TopSourceDrafter:
    """The top retrieved past answer as the draft: what retrieval alone gives a reader."""

    name = "baseline-top-source"
    instructions = NONE

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever

    def draft(self, request: DraftRequest) -> Draft:
        started = time.perf_counter()
        pool = retrieve(self.retriever, request)
        retrieved = time.perf_counter()
        top = pool[:1]
        sentences = tuple(
            DraftSentence(text=s, citations=(1,), origin="source", source_id=source.record_id)
            for source in top
            for text in source_texts(source)
            for s in split_sentences(text)
            if any(ch.isalnum() for ch in s)
        )
        sections = [Section(kind="explanation", sentences=sentences)] if sentences else []
        done = time.perf_counter()
        return assemble(
            request,
            pool,
            top,
            sections,
            Provenance(
                drafter=self.name,
                model=NO_MODEL,
                model_note="baseline: the top retrieved source's passages, verbatim",
                source_ids=tuple(s.record_id for s in top),
                timings_ms=timings(started, retrieved, done),
            ),
        )


def source_texts(source: Source) -> list[str]:
    """The answering text of a source: its doctor's reply, then its matched explanation
    passages (never the other patient's question), each once."""
    texts = [source.reply or ""] + [p.text for p in source.passages if p.kind == "explanation"]
    return [t for t in dict.fromkeys(texts) if t.strip()]
