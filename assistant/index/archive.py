"""The archive index: records chunked, embedded into Chroma, and mirrored into BM25.

``Archive`` is the one object the rest of the product holds: it ingests records
incrementally (content hashes: unchanged records are not re-embedded, and a changed record's
chunks that kept their text keep their vectors), removes them,
answers statistics, and hands the retrieval layer both sides of the index, consistent.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api import ClientAPI

from assistant.config import Settings
from assistant.corpus.record import Record
from assistant.embeddings import LangChainEmbeddings, MiniLMEmbedder
from assistant.files import write_atomically
from assistant.index.chroma import ChromaIndex, open_client
from assistant.index.chunking import CHUNKER_VERSION, Chunk, Chunker
from assistant.index.keyword import KeywordIndex
from assistant.index.metadata import Metadata, chunk_metadata, record_from_metadata
from assistant.knowledge import lexicon
from assistant.understanding.focus import FocusCatalogue, defined_abbreviations
from assistant.understanding.spelling import Speller, english

Progress = Callable[[int, int], None]  # (records done in this step, chunks embedded in it)
_REVISION_TTL_S = 5.0
_FOCI_FORMAT = 4  # saved foci: rows, and the abbreviations the archive defines


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0  # chunk texts a changed record kept: their stored vectors
    seconds: float = 0.0


@dataclass(frozen=True)
class IngestPlan:
    changed: list[Record]  # new or changed: to embed
    removed: list[str]  # record ids to delete (with prune)
    unchanged: int
    stored: frozenset[str]  # record ids in the index before the ingest


@dataclass
class ArchiveStats:
    records: int
    chunks: int
    by_specialty: Counter[str] = field(default_factory=Counter)
    by_dataset: Counter[str] = field(default_factory=Counter)
    disk_bytes: int = 0
    backend: str = ""
    revision: int = 0


class _Reuse:
    """The stored vectors of chunk texts a changed record keeps (a new chunker often changes
    a few records' chunks only), handed to the embedder's cache so they are not embedded
    again; trusted only after one of them is embedded again and found equal, so vectors
    that another model made are never mixed in."""

    TOLERANCE = 1e-4  # the same model on another CPU differs in the 7th digit

    def __init__(self, embedder: MiniLMEmbedder) -> None:
        self.embedder = embedder
        self.trusted: bool | None = None

    def __call__(self, stored: dict[str, list[float]]) -> dict[str, list[float]]:
        if not stored or self.trusted is False:
            return {}
        if self.trusted is None:
            text, vector = next(iter(stored.items()))
            again = self.embedder.embed([text])[0]
            self.trusted = bool(np.allclose(again, vector, atol=self.TOLERANCE))
            if not self.trusted:
                return {}
        self.embedder.remember(stored)
        return stored


class Archive:
    """Both sides of the index over one Chroma collection."""

    def __init__(
        self,
        settings: Settings,
        embedder: MiniLMEmbedder | None = None,
        client: ClientAPI | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder or MiniLMEmbedder(
            batch_size=settings.embed_batch_size, threads=settings.embed_threads
        )
        self.chunker = Chunker(
            self.embedder.count_tokens, settings.chunk_tokens, settings.chunk_overlap_sentences
        )
        self.vectors = ChromaIndex(
            client or open_client(settings), settings.collection, LangChainEmbeddings(self.embedder)
        )
        # what, besides a record's content, decides its chunks and vectors: a change re-embeds
        self.recipe = (
            f"{self.embedder.model_name}|{CHUNKER_VERSION}|{settings.chunk_tokens}"
            f"|{settings.chunk_overlap_sentences}"
        )
        self._keyword: KeywordIndex | None = None
        self._foci: tuple[int, FocusCatalogue] | None = None
        self._speller: tuple[int, Speller] | None = None
        self._checked_at = 0.0

    @property
    def backend(self) -> str:
        return (
            f"chroma server {self.settings.chroma_url}"
            if self.settings.chroma_url
            else (f"embedded chroma at {self.settings.chroma_dir}")
        )

    @property
    def keyword_dir(self) -> Path:
        where = self.settings.chroma_url or "embedded"
        tag = hashlib.sha256(where.encode()).hexdigest()[:8]
        slug = re.sub(r"[^A-Za-z0-9_.-]", "_", self.settings.collection)
        return self.settings.keyword_dir / f"{slug}-{tag}"

    # ingest / remove
    def plan(self, records: Sequence[Record], prune: bool = False) -> IngestPlan:
        """What an ingest of ``records`` would do, from one read of the stored hashes."""
        stored = {rid: str(meta.get("content_hash")) for rid, meta in self.vectors.first_chunks()}
        changed = [r for r in records if stored.get(r.id) != self.content_hash(r)]
        incoming = {r.id for r in records}
        removed = sorted(set(stored) - incoming) if prune else []
        return IngestPlan(changed, removed, len(records) - len(changed), frozenset(stored))

    def ingest(
        self,
        records: Sequence[Record],
        prune: bool = False,
        progress: Progress | None = None,
        batch_chunks: int = 256,
        plan: IngestPlan | None = None,
    ) -> IngestReport:
        """Writes new and changed records; with ``prune``, deletes records not given.
        ``plan``: the result of :meth:`plan` for the same arguments, when already computed."""
        started = time.perf_counter()
        plan = plan or self.plan(records, prune)
        changed, removed, stored = plan.changed, plan.removed, plan.stored
        report = IngestReport(unchanged=plan.unchanged, removed=len(removed))
        report.added = sum(1 for r in changed if r.id not in stored)
        report.updated = len(changed) - report.added
        if changed or removed:
            self.vectors.bump_revision()  # marks the keyword side stale before any write
            self.vectors.delete_records(removed)
            reuse = _Reuse(self.embedder)
            for batch in self._batches(changed, batch_chunks):
                chunks = [c for _, cs in batch for c in cs]
                earlier = [r.id for r, _ in batch if r.id in stored]
                known = reuse(self.vectors.stored_vectors(earlier) if earlier else {})
                self.vectors.delete_records(earlier)
                self.vectors.add(
                    [c.id for c in chunks], [c.text for c in chunks], self._metadatas(batch)
                )
                reused = sum(1 for c in chunks if c.text in known)
                report.chunks_reused += reused
                report.chunks_embedded += len(chunks) - reused
                if progress:
                    progress(len(batch), len(chunks) - reused)
            self.vectors.bump_revision()
        self.keyword(refresh=True)
        report.seconds = time.perf_counter() - started
        return report

    def remove(self, record_ids: Sequence[str]) -> list[str]:
        """Deletes the given records; returns the ids that were not in the index."""
        stored = {rid for rid, _ in self.vectors.first_chunks()}
        present = [rid for rid in record_ids if rid in stored]
        if present:
            self.vectors.bump_revision()
            self.vectors.delete_records(present)
            self.vectors.bump_revision()
            self.keyword(refresh=True)
        return [rid for rid in record_ids if rid not in stored]

    def _batches(
        self, records: Sequence[Record], batch_chunks: int
    ) -> Iterator[list[tuple[Record, list[Chunk]]]]:
        """Whole records per batch, so an interrupted ingest never leaves a record half-written."""
        batch: list[tuple[Record, list[Chunk]]] = []
        size = 0
        for record in records:
            chunks = self.chunker.chunk(record)
            batch.append((record, chunks))
            size += len(chunks)
            if size >= batch_chunks:
                yield batch
                batch, size = [], 0
        if batch:
            yield batch

    def content_hash(self, record: Record) -> str:
        """The record's content and the index recipe: equal hashes mean nothing to re-embed."""
        return hashlib.sha256(f"{record.content_hash()}|{self.recipe}".encode()).hexdigest()[:32]

    def _metadatas(self, batch: list[tuple[Record, list[Chunk]]]) -> list[Metadata]:
        out: list[Metadata] = []
        for record, chunks in batch:
            digest = self.content_hash(record)
            out.extend(chunk_metadata(record, c, len(chunks), digest) for c in chunks)
        return out

    # reading
    def keyword(self, refresh: bool = False) -> KeywordIndex:
        """The BM25 side, rebuilt from Chroma whenever the collection's revision moved."""
        now = time.monotonic()
        if self._keyword is not None and not refresh and now - self._checked_at < _REVISION_TTL_S:
            return self._keyword
        revision = self.vectors.revision
        self._checked_at = now
        if self._keyword is None or self._keyword.revision != revision:
            saved = KeywordIndex.load(self.keyword_dir)
            if saved is None or saved.revision != revision:
                saved = KeywordIndex.build(self._rows(), revision)
                saved.save(self.keyword_dir)
            self._keyword = saved
        return self._keyword

    def _rows(self) -> Iterator[tuple[str, str, dict[str, object]]]:
        for ids, docs, metas in self.vectors.all_chunks():
            yield from zip(ids, docs, metas, strict=True)

    def record(self, record_id: str) -> Record | None:
        return self.records([record_id]).get(record_id)

    def records(self, record_ids: Sequence[str]) -> dict[str, Record]:
        """The full records of ``record_ids`` that the index holds (one fetch; an id named
        twice is fetched once, as Chroma refuses a repeated id)."""
        hits = self.vectors.fetch([f"{rid}::0" for rid in dict.fromkeys(record_ids)])
        out: dict[str, Record] = {}
        for rid in record_ids:
            hit = hits.get(f"{rid}::0")
            record = record_from_metadata(hit.metadata) if hit else None
            if record is not None:
                out[rid] = record
        return out

    def foci(self) -> FocusCatalogue:
        """The archive's foci (MedQuAD's focus, else its title; a site page's title is its
        headline, "Subcutaneous tissue of the calf?", and names no focus) with their records
        by question type; rebuilt when the collection's revision moves, saved beside the
        keyword index."""
        revision = self.vectors.revision
        if self._foci is not None and self._foci[0] == revision:
            return self._foci[1]
        path = self.keyword_dir / "foci.json"
        rows: list[tuple[str, str | None, str | None]] | None = None
        abbreviations: dict[str, str] = {}
        if path.exists():
            saved = json.loads(path.read_text(encoding="utf-8"))
            if saved.get("revision") == revision and saved.get("format") == _FOCI_FORMAT:
                rows = [(str(r[0]), r[1], r[2]) for r in saved["rows"]]
                abbreviations = saved["abbreviations"]
        if rows is None:
            rows = [
                (rid, meta.get("focus") or _titled(meta), meta.get("question_type"))
                for rid, meta in self.vectors.first_chunks()
            ]
            focus_of = {rid: focus for rid, focus, _ in rows if focus}
            abbreviations = defined_abbreviations(
                (focus_of[rid], text)
                for rid, text in self.vectors.opening_texts()
                if rid in focus_of
            )
            write_atomically(
                path,
                json.dumps(
                    {
                        "revision": revision,
                        "format": _FOCI_FORMAT,
                        "rows": rows,
                        "abbreviations": abbreviations,
                    }
                ),
            )
        catalogue = FocusCatalogue.build(rows, abbreviations)
        self._foci = (revision, catalogue)
        return catalogue

    def speller(self) -> Speller:
        """Reads patients' misspelt medical names as the archive's foci and the dictionaries'
        names, where no archived text uses the word as written."""
        keyword = self.keyword()
        if self._speller is not None and self._speller[0] == keyword.revision:
            return self._speller[1]
        foci = self.foci()

        def names() -> Iterator[str]:  # read only if a question has a word the archive lacks
            yield from foci.names.values()
            yield from lexicon().names()

        speller = Speller(names(), lambda word: keyword.knows(word) or english(word))
        self._speller = (keyword.revision, speller)
        return speller

    def stats(self) -> ArchiveStats:
        stats = ArchiveStats(
            records=0,
            chunks=self.vectors.count(),
            backend=self.backend,
            revision=self.vectors.revision,
        )
        for _, meta in self.vectors.first_chunks():
            stats.records += 1
            stats.by_specialty[str(meta.get("specialty", "(none)"))] += 1
            stats.by_dataset[str(meta.get("dataset", "(none)"))] += 1
        roots = [self.settings.home] if self.settings.chroma_url is None else [self.keyword_dir]
        stats.disk_bytes = sum(
            p.stat().st_size
            for root in roots
            if root.exists()
            for p in root.rglob("*")
            if p.is_file()
        )
        return stats


def _titled(meta: dict[str, Any]) -> str | None:
    """The focus an NIH page's title names; other pages' titles are headlines."""
    title = meta.get("title")
    return str(title) if title and meta.get("dataset") == "MedQuAD" else None
