"""Retrieval quality on a held-out split of the archive.

Each held-out question is searched with its own record excluded; the relevant records are
the *other* records about the same focus (the same disease or topic). Reported per system:
recall@5 and recall@10 (share of the relevant records found), MRR@10 (reciprocal rank of
the first relevant record) and hit@10 (a relevant record in the top 10 at all).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.index import Archive
from assistant.retrieval import Filters, HybridRetriever, Retriever

K = 10


@dataclass(frozen=True)
class HeldOut:
    record_id: str
    question: str
    relevant: frozenset[str]


@dataclass(frozen=True)
class QualityRow:
    system: str
    recall_at_5: float
    recall_at_10: float
    mrr_at_10: float
    hit_at_10: float
    ms_per_query: float


def held_out_split(
    archive: Archive, size: int = 500, seed: int = 13, dataset: str = "MedQuAD"
) -> list[HeldOut]:
    """``size`` records, sampled with ``seed``, whose focus has at least one other record."""
    by_focus: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record_id, meta in archive.vectors.first_chunks():
        focus = str(meta.get("focus") or "").strip().lower()
        if focus and meta.get("dataset") == dataset:
            by_focus[focus].append((record_id, str(meta.get("question", ""))))
    pool = sorted(
        (record_id, question, focus)
        for focus, members in by_focus.items()
        if len(members) > 1
        for record_id, question in members
    )
    chosen = random.Random(seed).sample(pool, min(size, len(pool)))
    return [
        HeldOut(rid, question, frozenset(r for r, _ in by_focus[focus] if r != rid))
        for rid, question, focus in chosen
    ]


def evaluate(
    name: str,
    retriever: Retriever,
    items: Sequence[HeldOut],
    on_item: Callable[[], None] | None = None,
) -> QualityRow:
    recall5 = recall10 = mrr = hits = 0.0
    started = time.perf_counter()
    for item in items:
        sources = retriever.search(
            item.question, K, Filters(exclude_ids=frozenset({item.record_id}))
        )
        ranked = [s.record_id for s in sources]
        if item.record_id in ranked:
            raise AssertionError(f"held-out record {item.record_id} leaked into its own results")
        found = [rid in item.relevant for rid in ranked]
        recall5 += sum(found[:5]) / len(item.relevant)
        recall10 += sum(found[:K]) / len(item.relevant)
        first = next((i for i, ok in enumerate(found[:K]) if ok), None)
        mrr += 0.0 if first is None else 1.0 / (first + 1)
        hits += 1.0 if first is not None else 0.0
        if on_item:
            on_item()
    n = max(len(items), 1)
    elapsed = time.perf_counter() - started
    return QualityRow(name, recall5 / n, recall10 / n, mrr / n, hits / n, 1000 * elapsed / n)


def systems(archive: Archive) -> dict[str, Retriever]:
    """The systems compared: each side alone, fused, fused + diversified, and with the
    question's focus and asks (the default)."""
    return {
        "dense (MiniLM, Chroma HNSW)": HybridRetriever(archive, mode="dense", diversify=False),
        "BM25 (bm25s)": HybridRetriever(archive, mode="keyword", diversify=False),
        "hybrid (RRF)": HybridRetriever(archive, diversify=False, focus=False),
        "hybrid (RRF + MMR)": HybridRetriever(archive, focus=False),
        "focus + ask, hybrid (RRF + MMR, default)": HybridRetriever(archive),
    }


def to_markdown(rows: Sequence[QualityRow], items: int, records: int, chunks: int) -> str:
    lines = [
        f"Held-out MedQuAD questions: {items} (own record excluded; relevant = other records "
        f"with the same focus). Index: {records:,} records, {chunks:,} chunks.",
        "",
        "| system | recall@5 | recall@10 | MRR@10 | hit@10 | ms/query |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.system} | {r.recall_at_5:.3f} | {r.recall_at_10:.3f} | {r.mrr_at_10:.3f} "
        f"| {r.hit_at_10:.3f} | {r.ms_per_query:.1f} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"
