"""Building the judge an entry point asks for, once (CLI command, UI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Literal

from assistant.config import Settings
from assistant.embeddings import MiniLMEmbedder
from assistant.evaluation.judges.cache import JudgeCache, cache_path
from assistant.evaluation.judges.learned import LearnedJudge
from assistant.evaluation.judges.llm import LLMJudge
from assistant.evaluation.judges.protocol import StatementJudge
from assistant.llm.client import chat_model, explain_errors
from assistant.llm.local import ensure_llm

JudgeKind = Literal["offline", "llm"]
JUDGE_MAX_TOKENS = 16


@contextmanager
def open_judge(
    kind: JudgeKind, settings: Settings, embedder: MiniLMEmbedder | None = None
) -> Iterator[StatementJudge]:
    """The judge; for the LLM judge on the local demo model, its server runs only while this
    is open. The LLM judge answers at temperature 0 with at most ``JUDGE_MAX_TOKENS`` tokens,
    and caches under ``{home}/eval/judge_cache.sqlite3``."""
    if kind == "offline":
        if embedder is None:
            embedder = MiniLMEmbedder(
                batch_size=settings.embed_batch_size, threads=settings.embed_threads
            )
        yield LearnedJudge(embedder)
        return
    judging = settings.model_copy(
        update={"llm_temperature": 0.0, "llm_max_tokens": JUDGE_MAX_TOKENS}
    )
    base_url, server = ensure_llm(judging)
    try:
        with JudgeCache(cache_path(settings.home)) as cache:
            yield LLMJudge(
                chat_model(judging, base_url),
                cache,
                guard=partial(explain_errors, judging, base_url),
            )
    finally:
        if server is not None:
            server.stop()
