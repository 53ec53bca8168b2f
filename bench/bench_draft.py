"""Drafting speed, measured side by side in one run.

  * the grounded composer: draft latency with retrieval on the full corpus, p50/p95 after a
    warm-up (target p95 ≤ 400 ms), and the checks' time per draft beside the raw MiniLM
    similarity of every sentence to every sentence and pair of its evidence (what the checker
    did for every sentence before quotes were recognised word for word);
  * the LLM drafter against llama.cpp's server with the small demo model, vs a raw ``openai``
    client call to the same server with the very same messages (target ≤ 5 % added);
    temperature 0, so both calls generate the same tokens; the two are interleaved.

Needs the full index (``python -m bench.bench_ingest``).
Run from the repository root: ``python -m bench.bench_draft [--n 60] [--llm 6]``.
"""

from __future__ import annotations

import argparse
import time
from itertools import pairwise

import openai
from rich.console import Console
from rich.table import Table

from assistant.checks import DraftChecker, OfflineSupportScorer
from assistant.drafting import Draft, DraftRequest
from assistant.drafting.composer import GroundedComposer
from assistant.drafting.llm import LLMDrafter
from assistant.embeddings import MiniLMEmbedder
from assistant.index import Archive
from assistant.llm import LocalModelServer, chat_model, describe
from assistant.retrieval import HybridRetriever
from assistant.text import split_sentences
from bench.common import bench_settings, pct, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=60, help="composer drafts")
    parser.add_argument("--llm", type=int, default=6, help="LLM drafts (0 to skip)")
    args = parser.parse_args()
    console = Console()
    settings = bench_settings()
    archive = Archive(settings)
    if archive.vectors.count() < 10_000:
        raise SystemExit(
            "The benchmark index is missing: run `python -m bench.bench_ingest` first."
        )
    retriever = HybridRetriever(archive)
    composer = GroundedComposer(retriever, archive.embedder, archive=archive)
    checker = DraftChecker(OfflineSupportScorer(archive.embedder))
    requests = [DraftRequest(question=q) for q in queries(args.n + 10, seed=11)]
    for request in requests[:10]:  # warm-up
        checker.check(composer.draft(request))

    drafting: list[float] = []
    checking: list[float] = []
    raw: list[float] = []
    for request in requests[10:]:
        start = time.perf_counter()
        draft = composer.draft(request)
        drafting.append(1000 * (time.perf_counter() - start))
        start = time.perf_counter()
        checker.check(draft)
        checking.append(1000 * (time.perf_counter() - start))
        start = time.perf_counter()
        raw_similarity(archive.embedder, draft)
        raw.append(1000 * (time.perf_counter() - start))
    table = Table(title=f"Grounded composer, full corpus ({archive.vectors.count():,} chunks)")
    for column in ("step", "n", "p50 ms", "p95 ms"):
        table.add_column(column, justify="left" if column == "step" else "right")
    table.add_row(
        "draft (retrieval + composing)",
        str(len(drafting)),
        f"{pct(drafting, 50):.0f}",
        f"{pct(drafting, 95):.0f}",
    )
    for step, times in (
        ("checks (offline scorer)", checking),
        ("raw MiniLM similarity of every sentence to its evidence", raw),
    ):
        table.add_row(step, str(len(times)), f"{pct(times, 50):.0f}", f"{pct(times, 95):.0f}")
    console.print(table)
    console.print(
        f"composer p95 = {pct(drafting, 95):.0f} ms (target ≤ 400 ms); checks p50 "
        f"{pct(raw, 50) / max(pct(checking, 50), 0.1):.0f}x faster than the raw similarity"
    )
    if args.llm:
        llm_overhead(console, settings, archive, retriever, requests[10 : 10 + args.llm])


def raw_similarity(embedder: MiniLMEmbedder, draft: Draft) -> None:
    """What a checker without shortcuts does first: embed every sentence the draft cites and
    every sentence and pair of adjacent sentences of its evidence, and compare them."""
    claims = [s.text for _, _, s in draft.sentences() if s.origin != "template"]
    texts = [t for src in draft.sources for t in (*(p.text for p in src.passages), src.reply)]
    units: list[str] = []
    for text in [*texts, draft.request.reply]:
        sentences = split_sentences(text or "")
        units += [*sentences, *(f"{a} {b}" for a, b in pairwise(sentences))]
    if claims and units:
        (embedder.embed(claims) @ embedder.embed(units).T).max(axis=1)


def llm_overhead(console: Console, settings, archive, retriever, requests) -> None:  # type: ignore[no-untyped-def]
    local = settings.model_copy(
        update={"llm_temperature": 0.0, "llm_max_tokens": 200, "llm_threads": 1}
    )
    with LocalModelServer(local) as server:
        llm_settings = local.model_copy(update={"llm_base_url": server.base_url})
        info = describe(llm_settings)
        drafter = LLMDrafter(chat_model(llm_settings), retriever, info.model, server.base_url)
        raw = openai.OpenAI(base_url=server.base_url, api_key="not-needed", max_retries=0)
        ours, bare, tokens = [], [], []
        for request in requests:
            messages = [
                {"role": "system" if m.type == "system" else "user", "content": str(m.content)}
                for m in drafter.messages(request)
            ]
            drafter.draft(request)  # warm the prompt cache alike for both
            start = time.perf_counter()
            answer = raw.chat.completions.create(
                model=info.model,
                messages=messages,
                temperature=0.0,
                max_tokens=200,  # type: ignore[arg-type]
            )
            bare.append(time.perf_counter() - start)
            start = time.perf_counter()
            draft = drafter.draft(request)
            ours.append(time.perf_counter() - start)
            tokens.append(
                (
                    answer.usage.completion_tokens if answer.usage else 0,
                    draft.provenance.usage.completion_tokens if draft.provenance.usage else 0,
                )
            )
    table = Table(title=f"LLM drafter vs raw openai call, same server and messages ({info.model})")
    for column in ("", "total s", "mean s", "completion tokens (raw / ours)"):
        table.add_column(column, justify="right")
    table.add_row(
        "raw openai client",
        f"{sum(bare):.2f}",
        f"{sum(bare) / len(bare):.2f}",
        ", ".join(f"{a}/{b}" for a, b in tokens),
    )
    table.add_row(
        "LLMDrafter.draft (retrieval, langchain, parsing)",
        f"{sum(ours):.2f}",
        f"{sum(ours) / len(ours):.2f}",
        "",
    )
    console.print(table)
    console.print(
        f"added by the drafter: {100 * (sum(ours) / sum(bare) - 1):+.1f} % (target ≤ 5 %)"
    )


if __name__ == "__main__":
    main()
