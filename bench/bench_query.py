"""Query latency and HNSW recall on the full corpus.

Measured side by side in one run over the same queries:
  * our hybrid retrieval (embed + Chroma + BM25 + fusion + MMR), p50/p95,
  * the raw library steps under it: the query embedding and one bare Chroma query,
  * BM25 alone;
and HNSW recall@10 of Chroma against exact NumPy search over the same stored vectors.

Needs the full index: ``python -m bench.bench_ingest`` builds it in $ASSISTANT_HOME/bench.
Run from the repository root: ``python -m bench.bench_query [--n 300]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from rich.console import Console
from rich.table import Table

from assistant.index import Archive
from assistant.retrieval import HybridRetriever
from bench.common import bench_settings, pct, queries


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300, help="queries")
    args = parser.parse_args()
    console = Console()

    archive = Archive(bench_settings())
    if archive.vectors.count() < 10_000:
        raise SystemExit(
            "The benchmark index is missing: run `python -m bench.bench_ingest` first."
        )
    retriever = HybridRetriever(archive)
    keyword = archive.keyword()
    texts = queries(args.n)
    for q in texts[:20]:  # warm-up
        retriever.search(q, 5)

    vectors = archive.embedder.embed(texts)
    rows: dict[str, list[float]] = {"hybrid": [], "embed": [], "chroma": [], "bm25": []}
    n = retriever.candidates
    for q, v in zip(texts, vectors, strict=True):  # interleaved, so noise hits all alike
        rows["hybrid"].append(timed(lambda q=q: retriever.search(q, 5)))
        rows["embed"].append(timed(lambda q=q: archive.embedder.embed_one(q)))
        rows["chroma"].append(
            timed(lambda v=v: archive.vectors.collection.query(query_embeddings=[v], n_results=n))
        )
        rows["bm25"].append(timed(lambda q=q: keyword.search(q, n)))

    table = Table(title=f"Query latency, {archive.vectors.count():,} chunks, {len(texts)} queries")
    for column in ("step", "p50 ms", "p95 ms", "mean ms"):
        table.add_column(column, justify="left" if column == "step" else "right")
    labels = {
        "hybrid": "hybrid retrieval (ours, end to end)",
        "embed": "  query embedding (ONNX)",
        "chroma": f"  raw Chroma query, {n} results",
        "bm25": f"  BM25 (bm25s), {n} results",
    }
    for key, label in labels.items():
        values = rows[key]
        table.add_row(
            label, f"{pct(values, 50):.1f}", f"{pct(values, 95):.1f}", f"{np.mean(values):.1f}"
        )
    console.print(table)
    floor = [e + c for e, c in zip(rows["embed"], rows["chroma"], strict=True)]
    ratio = pct(rows["hybrid"], 50) / pct(floor, 50)
    console.print(
        f"hybrid p50 / (embedding + raw Chroma) p50 = {ratio:.2f}x"
        f"   hybrid p95 = {pct(rows['hybrid'], 95):.1f} ms (target ≤ 50 ms)"
    )

    # HNSW recall@10 against exact search over the very vectors Chroma stores
    ids, matrix = archive.vectors.vectors()
    exact = np.argsort(-(vectors @ matrix.T), axis=1)[:, :10]
    recalls = []
    for row, v in enumerate(vectors):
        got = archive.vectors.collection.query(query_embeddings=[v], n_results=10, include=[])
        truth = {ids[i] for i in exact[row]}
        recalls.append(len(truth & set(got["ids"][0])) / 10)
    console.print(
        f"HNSW recall@10 vs exact NumPy search: {np.mean(recalls):.4f} "
        f"(min {min(recalls):.1f}; target ≥ 0.98) over {len(ids):,} vectors"
    )


if __name__ == "__main__":
    main()
