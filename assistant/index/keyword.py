"""The keyword side of the index: BM25 (bm25s) over the same chunks as the vector side.

It is rebuilt from the Chroma collection whenever the collection's revision differs from
the one it was built from, so it can never drift from the vectors, including when another
machine wrote to a shared Chroma server. Saved under ``ASSISTANT_HOME`` atomically.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bm25s
import numpy as np
import Stemmer
from numpy.typing import NDArray

_STEMMER = Stemmer.Stemmer("english")


@dataclass(frozen=True)
class KeywordFilter:
    """Which chunks may match: by specialty values, dataset, date range and excluded records."""

    specialties: frozenset[str] | None = None
    dataset: str | None = None
    date_from: int = 0
    date_to: int = 0
    exclude_records: frozenset[str] = frozenset()


class KeywordIndex:
    """BM25 over chunk texts, with per-chunk fields for filtering."""

    def __init__(
        self,
        bm25: bm25s.BM25,
        chunk_ids: list[str],
        record_ids: list[str],
        specialties: list[str],
        datasets: list[str],
        dates: list[int],
        revision: int,
    ) -> None:
        self.bm25 = bm25
        self.chunk_ids = chunk_ids
        self.revision = revision
        self._record_ids = np.asarray(record_ids, dtype=object)
        self._specialties = np.asarray(specialties, dtype=object)
        self._datasets = np.asarray(datasets, dtype=object)
        self._dates = np.asarray(dates, dtype=np.int64)
        self._rows_of: dict[str, list[int]] = {}
        for row, record_id in enumerate(record_ids):
            self._rows_of.setdefault(record_id, []).append(row)

    @classmethod
    def build(cls, rows: Iterable[tuple[str, str, dict[str, Any]]], revision: int) -> KeywordIndex:
        """From (chunk id, text, metadata) rows."""
        chunk_ids, texts, records, specialties, datasets, dates = [], [], [], [], [], []
        for chunk_id, text, meta in rows:
            chunk_ids.append(chunk_id)
            texts.append(text)
            records.append(str(meta.get("record_id", "")))
            specialties.append(str(meta.get("specialty", "")))
            datasets.append(str(meta.get("dataset", "")))
            dates.append(int(meta.get("date_ord", 0)))
        bm25 = bm25s.BM25()
        if texts:
            bm25.index(_tokenize(texts), show_progress=False)
        return cls(bm25, chunk_ids, records, specialties, datasets, dates, revision)

    def distinct_specialties(self) -> set[str]:
        return {str(s) for s in set(self._specialties.tolist())}

    def distinct_datasets(self) -> set[str]:
        return {str(s) for s in set(self._datasets.tolist()) if s}

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def knows(self, word: str) -> bool:
        """Whether some indexed text uses ``word`` (compared stemmed, as searched)."""
        return _STEMMER.stemWord(word.lower()) in self.bm25.vocab_dict

    def search(
        self, query: str, n: int, where: KeywordFilter | None = None
    ) -> list[tuple[str, float]]:
        """Up to ``n`` (chunk id, BM25 score) pairs with a positive score, best first."""
        if not self.chunk_ids:
            return []
        tokens = _tokenize([query])
        if not tokens.vocab:
            return []
        mask = self._mask(where) if where else None
        if mask is not None and not mask.any():
            return []
        k = min(n, len(self.chunk_ids))
        rows, scores = self.bm25.retrieve(
            tokens, k=k, show_progress=False, n_threads=0, weight_mask=mask
        )
        return [
            (self.chunk_ids[int(r)], float(s))
            for r, s in zip(rows[0], scores[0], strict=True)
            if s > 0
        ]

    def _mask(self, where: KeywordFilter) -> NDArray[np.float32]:
        keep = np.ones(len(self.chunk_ids), dtype=bool)
        if where.specialties is not None:
            keep &= np.isin(self._specialties, list(where.specialties))
        if where.dataset:
            keep &= self._datasets == where.dataset
        if where.date_from:
            keep &= self._dates >= where.date_from
        if where.date_to:
            keep &= (self._dates <= where.date_to) & (self._dates > 0)
        for record_id in where.exclude_records:
            keep[self._rows_of.get(record_id, [])] = False
        return keep.astype(np.float32)

    # persistence
    def save(self, directory: Path) -> None:
        """Writes into a temporary sibling, then swaps it in: never a half-written index."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".keyword-", dir=directory.parent))
        if self.chunk_ids:
            self.bm25.save(str(staging / "bm25"), show_progress=False)
        fields = {
            "revision": self.revision,
            "chunk_ids": self.chunk_ids,
            "record_ids": self._record_ids.tolist(),
            "specialties": self._specialties.tolist(),
            "datasets": self._datasets.tolist(),
            "dates": self._dates.tolist(),
        }
        (staging / "fields.json").write_text(json.dumps(fields), encoding="utf-8")
        if directory.exists():
            old = directory.with_name(directory.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            directory.rename(old)
            staging.rename(directory)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(directory)

    @classmethod
    def load(cls, directory: Path) -> KeywordIndex | None:
        """The saved index, or ``None`` when there is none (or it is unreadable)."""
        try:
            fields = json.loads((directory / "fields.json").read_text(encoding="utf-8"))
            bm25 = (
                bm25s.BM25.load(str(directory / "bm25"), show_progress=False)
                if fields["chunk_ids"]
                else bm25s.BM25()
            )
        except (OSError, ValueError, KeyError):
            return None
        return cls(
            bm25,
            fields["chunk_ids"],
            fields["record_ids"],
            fields["specialties"],
            fields["datasets"],
            fields["dates"],
            int(fields["revision"]),
        )


def _tokenize(texts: list[str]) -> Any:
    return bm25s.tokenize(texts, stopwords="en", stemmer=_STEMMER.stemWords, show_progress=False)
