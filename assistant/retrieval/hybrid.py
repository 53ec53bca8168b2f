"""Hybrid retrieval: dense (Chroma HNSW) and BM25 candidates, fused by reciprocal rank,
grouped per record (at most ``max_chunks_per_record`` passages each) and diversified by
maximal marginal relevance over the records' vectors. A record's relevance there is its
fused rank and its closeness to the question together: by fused rank alone, a record that
only shares one rare word with the question (a syndrome whose list of signs names
"blepharitis") counts as much as the answer closest in meaning, and diversification
prefers it for being unlike the rest.

With ``focus`` on (the default), the question is first understood (its focus and what it
asks, misspelt medical names read as the archive's) and a third ranked list joins the
fusion: the archive's answers on that focus, those whose question type answers what is
asked first. This is question entailment by focus and type (Ben Abacha & Demner-Fushman,
2019): an archived "What are the treatments for gout?" answers a patient's long, personal
question about treating gout better than any passage that merely shares its words. Dense
and keyword search read the question as understood, too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from assistant.config import Settings
from assistant.errors import UserError
from assistant.index import Archive
from assistant.index.chroma import Hit
from assistant.index.keyword import KeywordFilter
from assistant.index.metadata import date_ord
from assistant.retrieval.sources import Filters, Passage, Source
from assistant.understanding import Understanding, understand

Mode = Literal["hybrid", "dense", "keyword"]


class Retriever(Protocol):
    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Source]: ...


class UnknownFilterValue(UserError, ValueError):
    """A filter names a specialty or dataset that no record has."""


@dataclass
class _Candidate:
    hit: Hit
    score: float = 0.0
    dense: float | None = None
    keyword: float | None = None


class HybridRetriever:
    """The archive's retriever (``mode`` selects one side alone, for comparisons)."""

    def __init__(
        self,
        archive: Archive,
        settings: Settings | None = None,
        mode: Mode = "hybrid",
        diversify: bool = True,
        focus: bool | None = None,
    ) -> None:
        settings = settings or archive.settings
        self.archive = archive
        self.mode = mode
        self.diversify = diversify
        self.focus = mode == "hybrid" if focus is None else focus
        self.candidates = settings.retrieval_candidates
        self.rrf_k = settings.rrf_k
        self.mmr_lambda = settings.mmr_lambda
        self.max_chunks = settings.max_chunks_per_record

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Source]:
        query = query.strip()
        if not query or k < 1:
            return []
        filters = filters or Filters()
        n = max(self.candidates, k * 4)
        specialties = self._specialties(filters.specialty)
        dataset = self._dataset(filters.dataset)
        pool: dict[str, _Candidate] = {}
        understood = self.understand(query, filters) if self.focus else None
        if understood is not None:
            query = understood.question or query
        vector = None
        if self.mode != "keyword":
            vector = self.archive.embedder.embed_one(query)
            self._add_dense(pool, vector, n, filters, specialties, dataset)
        if self.mode != "dense":
            where = KeywordFilter(
                specialties=specialties,
                dataset=dataset,
                date_from=date_ord(filters.date_from),
                date_to=date_ord(filters.date_to),
                exclude_records=filters.exclude_ids,
            )
            self._add_keyword(pool, query, n, where)
        if understood is not None:
            self._add_focus(pool, understood, n, filters, specialties, dataset)
        return self._select(list(pool.values()), k, vector)

    def understand(self, query: str, filters: Filters) -> Understanding:
        """The query's focus and asks, misspelt medical names read as the archive's."""
        archive = self.archive
        return understand(
            query,
            catalogue=archive.foci(),
            exclude_ids=filters.exclude_ids,
            speller=archive.speller(),
        )

    def _add_dense(
        self,
        pool: dict[str, _Candidate],
        vector: np.ndarray,
        n: int,
        filters: Filters,
        specialties: frozenset[str] | None,
        dataset: str | None,
    ) -> None:
        where, drop = _where(filters, specialties, dataset)
        # a few excluded records are dropped here: as a Chroma filter, "$nin" turns every
        # query into a scan of the whole collection's metadata
        hits = self.archive.vectors.query(vector, n + self.max_chunks * 8 * len(drop), where)
        hits = [h for h in hits if h.metadata.get("record_id") not in drop][:n]
        for rank, hit in enumerate(hits):
            cand = pool.setdefault(hit.id, _Candidate(hit))
            cand.dense = 1.0 - (hit.distance or 0.0)
            cand.score += 1.0 / (self.rrf_k + rank + 1)

    def _add_keyword(
        self, pool: dict[str, _Candidate], query: str, n: int, where: KeywordFilter
    ) -> None:
        matches = self.archive.keyword().search(query, n, where)
        missing = self.archive.vectors.fetch([cid for cid, _ in matches if cid not in pool])
        for rank, (chunk_id, bm25) in enumerate(matches):
            if chunk_id not in pool:
                if chunk_id not in missing:
                    continue  # the keyword side is a revision behind; skip the stale chunk
                pool[chunk_id] = _Candidate(missing[chunk_id])
            pool[chunk_id].keyword = bm25
            pool[chunk_id].score += 1.0 / (self.rrf_k + rank + 1)

    def _add_focus(
        self,
        pool: dict[str, _Candidate],
        understood: Understanding,
        n: int,
        filters: Filters,
        specialties: frozenset[str] | None,
        dataset: str | None,
    ) -> None:
        """The focus's answers whose question type answers what is asked, the first ask's
        first: every pooled passage of such an answer gains its rank's share; an answer with
        no answer passage pooled brings its first one (its first chunk repeats the question:
        "Gout / What is (are) Gout ?", nothing to quote or to show under Similar Q&A)."""
        asked = [rid for ask in understood.asks for rid in understood.records_for(ask)]
        ranked = list(dict.fromkeys(asked))[:n]
        if not ranked:
            return
        pooled: dict[str, dict[str, _Candidate]] = defaultdict(dict)
        for cand in pool.values():
            pooled[str(cand.hit.metadata["record_id"])][cand.hit.id] = cand
        bare = [rid for rid in ranked if not any(_answers(c.hit) for c in pooled[rid].values())]
        heads = self.archive.vectors.fetch(
            [f"{rid}::{i}" for rid in bare for i in range(_HEAD_CHUNKS)]
        )
        for rank, record_id in enumerate(ranked):
            cands = pooled[record_id]
            if record_id in bare:
                hit = _first_answer([heads.get(f"{record_id}::{i}") for i in range(_HEAD_CHUNKS)])
                if hit is not None and _admits(hit.metadata, filters, specialties, dataset):
                    cands.setdefault(hit.id, pool.setdefault(hit.id, _Candidate(hit)))
            for cand in cands.values():
                cand.score += 1.0 / (self.rrf_k + rank + 1)

    def _select(self, pool: list[_Candidate], k: int, query: np.ndarray | None) -> list[Source]:
        by_record: dict[str, list[_Candidate]] = defaultdict(list)
        for cand in sorted(pool, key=lambda c: -c.score):
            by_record[str(cand.hit.metadata["record_id"])].append(cand)
        groups = list(by_record.values())
        diversify = self.diversify and len(groups) > 1
        order = (
            diversified(
                np.stack([g[0].hit.vector for g in groups]),
                np.array([g[0].score for g in groups]),
                query,
                k,
                self.mmr_lambda,
            )
            if diversify
            else range(len(groups))
        )
        sources = []
        for rank, index in enumerate(list(order)[:k], start=1):
            group = groups[index][: self.max_chunks]
            passages = tuple(_passage(c) for c in group)
            sources.append(
                Source.from_metadata(rank, group[0].score, passages, group[0].hit.metadata)
            )
        return sources

    def _specialties(self, wanted: str | None) -> frozenset[str] | None:
        if not wanted:
            return None
        known = self.archive.keyword().distinct_specialties()
        term = wanted.strip().lower()
        matches = frozenset(s for s in known if s and (s.lower() == term or term in _parts(s)))
        if not matches:
            names = sorted({p for s in known for p in _parts(s, keep_case=True)})
            raise UnknownFilterValue(
                f"No record has the specialty {wanted!r}. Known specialties: {', '.join(names)}"
            )
        return matches

    def _dataset(self, wanted: str | None) -> str | None:
        if not wanted:
            return None
        known = self.archive.keyword().distinct_datasets()
        for name in known:
            if name.lower() == wanted.strip().lower():
                return name
        raise UnknownFilterValue(
            f"No record is from the dataset {wanted!r}. Known datasets: {', '.join(sorted(known))}"
        )


def diversified(
    vectors: np.ndarray, fused: np.ndarray, query: np.ndarray | None, k: int, weight: float
) -> list[int]:
    """The order maximal marginal relevance picks ``k`` of the records in: each next one the
    most relevant (``weight``) and least like those picked (``1 - weight``). Relevance is the
    fused score and, given the ``query``'s vector, the closeness to it, each scaled to its
    highest."""
    relevance = fused / fused.max()
    # einsum, not a BLAS call: tiny products, and BLAS threads wait on the ONNX ones
    closeness = np.einsum("id,d->i", vectors, query) if query is not None else None
    if closeness is not None and closeness.max() > 0:
        relevance = (relevance + closeness / closeness.max()) / 2
    similarity = np.einsum("id,jd->ij", vectors, vectors)
    chosen: list[int] = [int(np.argmax(relevance))]
    while len(chosen) < min(k, len(vectors)):
        redundancy = similarity[:, chosen].max(axis=1)
        value = weight * relevance - (1 - weight) * redundancy
        value[chosen] = -np.inf
        chosen.append(int(np.argmax(value)))
    return chosen


def _parts(specialty: str, keep_case: bool = False) -> list[str]:
    parts = [p.strip() for p in specialty.split("/") if p.strip()]
    return parts if keep_case else [p.lower() for p in parts]


_HEAD_CHUNKS = 3  # a record's question takes its first chunk or two, its answer follows


def _answers(hit: Hit) -> bool:
    return hit.metadata.get("kind") == "explanation"


def _first_answer(hits: Sequence[Hit | None]) -> Hit | None:
    """The first of a record's first chunks that is an answer passage, else its first."""
    found = [h for h in hits if h is not None]
    return next((h for h in found if _answers(h)), None) or next(iter(found), None)


def _passage(c: _Candidate) -> Passage:
    start = int(c.hit.metadata.get("passage_start", 0))
    return Passage(
        chunk_id=c.hit.id,
        text=c.hit.text[start:],
        kind=str(c.hit.metadata.get("kind", "")),
        score=c.score,
        dense=c.dense,
        keyword=c.keyword,
    )


_CLIENT_SIDE_EXCLUDES = 20


def _admits(
    meta: dict[str, Any],
    filters: Filters,
    specialties: frozenset[str] | None,
    dataset: str | None,
) -> bool:
    """Whether a passage fetched by id passes the filters the searches applied."""
    if specialties is not None and meta.get("specialty") not in specialties:
        return False
    if dataset and meta.get("dataset") != dataset:
        return False
    when = int(meta.get("date_ord") or 0)
    if filters.date_from and when < date_ord(filters.date_from):
        return False
    if filters.date_to and not 0 < when <= date_ord(filters.date_to):
        return False
    return meta.get("record_id") not in filters.exclude_ids


def _where(
    filters: Filters, specialties: frozenset[str] | None, dataset: str | None
) -> tuple[dict[str, Any] | None, frozenset[str]]:
    """The Chroma filter, and the excluded records left to drop after the query."""
    clauses: list[dict[str, Any]] = []
    if specialties is not None:
        clauses.append({"specialty": {"$in": sorted(specialties)}})
    if dataset:
        clauses.append({"dataset": dataset})
    if filters.date_from:
        clauses.append({"date_ord": {"$gte": date_ord(filters.date_from)}})
    if filters.date_to:
        clauses.append({"date_ord": {"$lte": date_ord(filters.date_to)}})
        clauses.append({"date_ord": {"$gt": 0}})
    drop = filters.exclude_ids
    if len(drop) > _CLIENT_SIDE_EXCLUDES:
        clauses.append({"record_id": {"$nin": sorted(drop)}})
        drop = frozenset()
    if not clauses:
        return None, drop
    return (clauses[0] if len(clauses) == 1 else {"$and": clauses}), drop
