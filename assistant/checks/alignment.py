"""Token alignment of a claim with evidence: BERTScore-style precision and recall.

Each word-piece of the claim is matched to its most similar word-piece of an evidence passage
(cosine of MiniLM's contextual token vectors, :meth:`MiniLMEmbedder.token_vectors`), and the
other way round; the matches are averaged with IDF weights so that "the", "is" and "." count
for little and "escitalopram" for much (Zhang et al., "BERTScore", ICLR 2020):

- **recall**: how much of the claim the passage covers (the claim's tokens, matched);
- **precision**: how much of the passage is about the claim (the passage's tokens, matched).

Passages are the evidence's sentences and windows of 2 and 3 adjacent sentences (their tokens
joined, not re-embedded), so a claim spread over neighbouring sentences still aligns.
:func:`best_alignment` returns the passage with the highest F1.

IDF weights come from the archive's answers (``data/medquad.jsonl.gz``), counted over
word-piece ids by :func:`count_documents` and shipped as ``data/idf.json.gz`` (rebuilt by
``assistant eval calibrate --judge offline --refit``).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from tokenizers import Encoding

from assistant.embeddings.minilm import TokenVectors
from assistant.files import write_atomically
from assistant.resources import packaged

IDF_FILE = packaged("checks", "data", "idf.json.gz")
WINDOWS = (1, 2, 3)  # sentences per passage


@runtime_checkable
class TokenEmbedder(Protocol):
    def token_vectors(self, texts: Sequence[str]) -> list[TokenVectors]: ...


class Tokenizing(Protocol):
    def encode_batch(self, input: list[str]) -> list[Encoding]: ...


@dataclass(frozen=True, slots=True)
class Idf:
    """Inverse document frequency of each word-piece id, log((N + 1) / (df + 1)) + 1."""

    weights: NDArray[np.float32]
    documents: int
    source_sha256: str

    @classmethod
    def from_counts(cls, counts: dict[int, int], documents: int, size: int, sha: str) -> Idf:
        df = np.zeros(size, dtype=np.float64)
        for token, n in counts.items():
            df[token] = n
        weights = (np.log((documents + 1) / (df + 1)) + 1.0).astype(np.float32)
        return cls(weights, documents, sha)

    @classmethod
    def load(cls, path: Path = IDF_FILE) -> Idf:
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                data = json.load(f)
            counts = {int(k): int(v) for k, v in data["df"].items()}
            return cls.from_counts(counts, int(data["documents"]), int(data["vocabulary"]),
                                   str(data["source_sha256"]))  # fmt: skip
        except FileNotFoundError:
            raise FileNotFoundError(
                f"{path}: the IDF weights are missing; rebuild them with "
                "`assistant eval calibrate --judge offline --refit`"
            ) from None
        except (KeyError, ValueError, OSError) as exc:
            raise ValueError(
                f"{path}: not an IDF file ({exc}); rebuild it with "
                "`assistant eval calibrate --judge offline --refit`"
            ) from None

    def of(self, ids: NDArray[np.int64]) -> NDArray[np.float32]:
        weights: NDArray[np.float32] = self.weights[ids]
        return weights


def count_documents(texts: Iterable[str], tokenizer: Tokenizing) -> tuple[dict[int, int], int]:
    """Document frequency of each word-piece id over ``texts``, and the number of texts."""
    counts: dict[int, int] = {}
    documents = 0
    batch: list[str] = []

    def flush() -> None:
        for encoding in tokenizer.encode_batch(batch):
            for token in set(encoding.ids):
                counts[token] = counts.get(token, 0) + 1
        batch.clear()

    for text in texts:
        batch.append(text)
        documents += 1
        if len(batch) == 512:
            flush()
    flush()
    return counts, documents


def write_idf(
    path: Path, counts: dict[int, int], documents: int, vocabulary: int, sha: str
) -> Path:
    """The IDF file, byte-for-byte the same for the same counts (sorted keys, no gzip time)."""
    data = {
        "source_sha256": sha,
        "documents": documents,
        "vocabulary": vocabulary,
        "df": {str(k): counts[k] for k in sorted(counts)},
    }
    raw = json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return write_atomically(path, gzip.compress(raw, mtime=0))


@dataclass(frozen=True, slots=True)
class Alignment:
    """How one claim aligns with its best passage; ``passage`` indexes the passages given."""

    precision: float
    recall: float
    f1: float
    passage: int = -1


NO_ALIGNMENT = Alignment(0.0, 0.0, 0.0)


def align(claim: TokenVectors, passage: TokenVectors, idf: Idf) -> Alignment:
    """IDF-weighted greedy matching of the claim's tokens with the passage's, both ways."""
    if not len(claim.ids) or not len(passage.ids):
        return NO_ALIGNMENT
    similarity = np.clip(claim.vectors @ passage.vectors.T, 0.0, 1.0)
    return _scores(similarity, idf.of(claim.ids), idf.of(passage.ids))


def _scores(
    similarity: NDArray[np.float32], claim_w: NDArray[np.float32], passage_w: NDArray[np.float32]
) -> Alignment:
    recall = float(similarity.max(axis=1) @ claim_w / claim_w.sum())
    precision = float(similarity.max(axis=0) @ passage_w / passage_w.sum())
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return Alignment(precision, recall, f1)


def passages(
    sentences: Sequence[TokenVectors], windows: Sequence[int] = WINDOWS
) -> list[tuple[int, int]]:
    """(first, last + 1) sentence index of every passage: each window of adjacent sentences."""
    spans: list[tuple[int, int]] = []
    for width in windows:
        spans.extend((i, i + width) for i in range(max(len(sentences) - width + 1, 0)))
    if not spans and sentences:
        spans.append((0, len(sentences)))
    return spans


def best_alignment(
    claim: TokenVectors, sentences: Sequence[TokenVectors], idf: Idf
) -> tuple[Alignment, Alignment]:
    """The passage (sentence window) with the highest F1, and the claim's recall over all the
    sentences together (precision and F1 of that one are over the whole evidence)."""
    if not len(claim.ids) or not sentences:
        return NO_ALIGNMENT, NO_ALIGNMENT
    claim_w = idf.of(claim.ids)
    rows = [np.clip(claim.vectors @ s.vectors.T, 0.0, 1.0) for s in sentences]
    weights = [idf.of(s.ids) for s in sentences]
    best = NO_ALIGNMENT
    for n, (first, last) in enumerate(passages(sentences)):
        if not any(len(s.ids) for s in sentences[first:last]):
            continue
        similarity = np.concatenate(rows[first:last], axis=1)
        found = _scores(similarity, claim_w, np.concatenate(weights[first:last]))
        if found.f1 > best.f1:
            best = Alignment(found.precision, found.recall, found.f1, n)
    whole = _scores(np.concatenate(rows, axis=1), claim_w, np.concatenate(weights))
    return best, whole


def span_of(best: Alignment, sentences: Sequence[str]) -> str:
    """The text of the passage ``best`` names, or "" when it names none."""
    if best.passage < 0:
        return ""
    first, last = passages([_EMPTY] * len(sentences))[best.passage]
    return " ".join(sentences[first:last])


_EMPTY = TokenVectors(
    np.zeros(0, dtype=np.int64), np.zeros((0, 384), dtype=np.float32), np.zeros(384, np.float32), 0
)


def uncovered(claim: TokenVectors, sentences: Sequence[TokenVectors], idf: Idf, at: float) -> float:
    """The IDF-weighted share of the claim's tokens that no evidence token matches ``at`` or
    better: what the evidence leaves unsaid (1.0 when there is no evidence)."""
    if not len(claim.ids):
        return 0.0
    present = [s.vectors for s in sentences if len(s.ids)]
    if not present:
        return 1.0
    best = np.clip(claim.vectors @ np.concatenate(present).T, 0.0, 1.0).max(axis=1)
    weights = idf.of(claim.ids)
    return float(weights[best < at].sum() / weights.sum())


def idf_documents(records: Iterable[dict[str, object]]) -> Iterable[str]:
    """The text of each archive record counted for IDF: its question, reply and explanation."""
    for record in records:
        parts = [record.get(k) for k in ("question", "reply", "long_explanation")]
        text = " ".join(p for p in parts if isinstance(p, str) and p)
        if text:
            yield text
