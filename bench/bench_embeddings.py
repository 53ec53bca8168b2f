"""Embedding throughput, measured side by side in one run on the same texts.

  (a) ours: ``MiniLMEmbedder.embed`` (tokenize, length-sorted batches padded per batch,
      mean-pool, normalise);
  (b) raw: a bare onnxruntime session on the same model, tokenized and batched the same way,
      i.e. the floor under our pipeline (target: ours/raw >= 0.85);
  (c) chromadb's own ``ONNXMiniLM_L6_V2`` (pads every text to 256 tokens), run offline: its
      ``DOWNLOAD_PATH`` points at a temporary folder holding our model and tokenizer files.

Each is warmed up, then the three run in turn for several rounds (rotating who goes first,
so noise hits all alike); the best round counts. Nothing is downloaded.

Texts: the first N long explanations of MedQuAD cut to ~100 words, or (``--chunks``) the
first N chunks the indexer would embed.
Run: ``python bench/bench_embeddings.py [--n 600] [--rounds 3] [--chunks]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table
from tokenizers import Tokenizer

from assistant.corpus import load
from assistant.embeddings import MiniLMEmbedder
from assistant.embeddings.minilm import TOKENIZER_DIR, default_model_path
from assistant.index.chunking import Chunker

REPO = Path(__file__).resolve().parents[1]
MEDQUAD = REPO / "data" / "medquad.jsonl.gz"
CHROMA_FILES = (
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
    "tokenizer.json",
    "vocab.txt",
)

Vectors = NDArray[np.float32]
Embed = Callable[[Sequence[str]], Vectors]


def paragraphs(n: int, words: int) -> list[str]:
    """The first ``n`` long explanations of MedQuAD, each cut to its first ``words`` words."""
    texts: list[str] = []
    for record in load(MEDQUAD, limit=2 * n + 100).records:
        if record.long_explanation and len(texts) < n:
            texts.append(" ".join(record.long_explanation.split()[:words]))
    return texts


def chunk_texts(n: int, embedder: MiniLMEmbedder) -> list[str]:
    """The first ``n`` chunk texts the indexer would embed (200-token chunks)."""
    chunker = Chunker(embedder.count_tokens)
    texts: list[str] = []
    for record in load(MEDQUAD, limit=n + 100).records:
        texts.extend(c.text for c in chunker.chunk(record))
        if len(texts) >= n:
            break
    return texts[:n]


class RawOnnx:
    """The floor: a bare session, our tokenization and batching, no wrapper around it."""

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(TOKENIZER_DIR / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=256)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(default_model_path()), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def __call__(self, texts: Sequence[str]) -> Vectors:
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for row, i in enumerate(rows):
                ids[row, : len(encodings[i].ids)] = encodings[i].ids
                mask[row, : len(encodings[i].ids)] = 1
            (hidden,) = self.session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
            out[rows] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out


def offline_chroma_onnx(folder: Path) -> ONNXMiniLM_L6_V2:
    """chromadb's ONNX embedding function over our files, laid out as it expects them."""
    target = folder / ONNXMiniLM_L6_V2.EXTRACTED_FOLDER_NAME
    target.mkdir(parents=True)
    shutil.copyfile(default_model_path(), target / "model.onnx")
    for name in CHROMA_FILES:
        shutil.copyfile(TOKENIZER_DIR / name, target / name)
    function = ONNXMiniLM_L6_V2(preferred_providers=["CPUExecutionProvider"])
    function.DOWNLOAD_PATH = folder

    def no_download(*_: Any, **__: Any) -> None:
        raise RuntimeError("the benchmark must not download: model files are missing")

    function._download = no_download  # type: ignore[assignment]
    return function


def as_matrix(function: ONNXMiniLM_L6_V2) -> Embed:
    return lambda texts: np.asarray(function(list(texts)), dtype=np.float32)


def timed(embed: Embed, texts: Sequence[str]) -> tuple[float, Vectors]:
    start = time.perf_counter()
    vectors = embed(texts)
    return time.perf_counter() - start, vectors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=600, help="texts (default 600)")
    parser.add_argument("--words", type=int, default=100, help="words per paragraph")
    parser.add_argument("--chunks", action="store_true", help="embed full index chunks instead")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per pipeline")
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    console = Console(width=100)

    ours = MiniLMEmbedder(batch_size=args.batch_size)
    texts = chunk_texts(args.n, ours) if args.chunks else paragraphs(args.n, args.words)
    tokens = [min(n, ours.max_tokens) for n in ours.count_tokens(texts)]
    what = "index chunks" if args.chunks else f"MedQuAD explanations cut to {args.words} words"
    console.print(
        f"{len(texts)} texts ({what}), tokens per text: mean {np.mean(tokens):.0f}, "
        f"max {max(tokens)}; onnxruntime {ort.__version__}, {os.cpu_count()} cores, "
        f"batch {args.batch_size}, best of {args.rounds} rounds"
    )

    with tempfile.TemporaryDirectory(prefix="bench-embeddings-") as folder:
        pipelines: dict[str, Embed] = {
            "(a) ours: MiniLMEmbedder": ours.embed,
            "(b) raw onnxruntime": RawOnnx(args.batch_size),
            "(c) chromadb ONNX class": as_matrix(offline_chroma_onnx(Path(folder))),
        }
        names = list(pipelines)
        for embed in pipelines.values():  # warm-up: session init, allocator, caches
            embed(texts[:64])

        seconds: dict[str, list[float]] = {name: [] for name in names}
        vectors: dict[str, Vectors] = {}
        for round_ in range(args.rounds):
            for name in names[round_ % 3 :] + names[: round_ % 3]:
                elapsed, vectors[name] = timed(pipelines[name], texts)
                seconds[name].append(elapsed)

    reference = vectors[names[0]]
    table = Table(title="Embedding throughput (same texts, same run)")
    table.add_column("pipeline")
    table.add_column("best s", justify="right")
    table.add_column("median s", justify="right")
    table.add_column("texts/s", justify="right")
    table.add_column("ours/it speed", justify="right")
    table.add_column("min cos vs ours", justify="right")
    best = {name: min(values) for name, values in seconds.items()}
    for name in names:
        cosine = float((vectors[name] * reference).sum(axis=1).min())
        table.add_row(
            name,
            f"{best[name]:.2f}",
            f"{statistics.median(seconds[name]):.2f}",
            f"{len(texts) / best[name]:.1f}",
            "—" if name == names[0] else f"{best[name] / best[names[0]]:.2f}",
            f"{cosine:.5f}",
        )
    console.print(table)
    floor = best[names[1]] / best[names[0]]
    verdict = "[green]ok[/green]" if floor >= 0.85 else "[red]below target[/red]"
    console.print(f"ours / raw throughput: {floor:.2f} (target >= 0.85) {verdict}")
    console.print(f"speed-up vs chromadb's ONNX class: {best[names[2]] / best[names[0]]:.2f}x")


if __name__ == "__main__":
    main()
