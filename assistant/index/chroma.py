"""The vector side of the index: one Chroma collection of chunks, embedded or on a server.

``open_client`` is the one place that chooses between ``PersistentClient`` (under
``ASSISTANT_HOME``) and ``HttpClient`` (``ASSISTANT_CHROMA_URL``); everything else is the
same code either way. Writes go through langchain's Chroma vector store; dense queries use
the collection directly because they need the stored vectors back for diversification.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import CreateCollectionConfiguration
from chromadb.config import Settings as ChromaSettings

from assistant.config import Settings
from assistant.embeddings import LangChainEmbeddings
from assistant.embeddings.minilm import Vectors
from assistant.errors import UserError
from assistant.index.metadata import Metadata

if TYPE_CHECKING:
    from langchain_chroma import Chroma

# ef_search well above the candidates a search asks for (about 90): the search is then exact
# (recall 1.0 against NumPy over the full index, `bench.bench_query`) and the same in every
# process. At 128, the graph's last unflushed entries (under ``sync_threshold``, which every
# process inserts again on its own threads) put different chunks at the tail of the candidates
# from one run to the next, and so a draft's sources
EF_SEARCH = 512
HNSW: CreateCollectionConfiguration = {
    "hnsw": {
        "space": "cosine",
        "ef_construction": 200,
        "ef_search": EF_SEARCH,
        "max_neighbors": 32,
    }
}
_PAGE = 5_000


class IndexUnavailable(UserError, RuntimeError):
    """The Chroma server cannot be reached or the local store cannot be opened."""


def open_client(settings: Settings) -> ClientAPI:
    """An embedded client under ``settings.home``, or a client of ``settings.chroma_url``."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url is None:
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    url = urlparse(settings.chroma_url)
    if url.scheme not in {"http", "https"} or not url.hostname:
        raise IndexUnavailable(
            f"ASSISTANT_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000"
        )
    try:
        return chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    except Exception as exc:  # chromadb raises bare exceptions for connection errors
        raise IndexUnavailable(
            f"Cannot reach the Chroma server at {settings.chroma_url}: {exc}. "
            "Start it with `chroma run --path DIR --port N`, or unset ASSISTANT_CHROMA_URL "
            "to use the embedded index."
        ) from exc


@dataclass(frozen=True)
class Hit:
    """A chunk as stored: id, text, metadata and its vector."""

    id: str
    text: str
    metadata: Metadata
    vector: Vectors
    distance: float | None = None


class ChromaIndex:
    """Chunks with their vectors and metadata, and a revision number bumped on every write."""

    def __init__(self, client: ClientAPI, name: str, embeddings: LangChainEmbeddings) -> None:
        self.client = client
        self.name = name
        self.embeddings = embeddings
        self.collection = client.get_or_create_collection(
            name, configuration=HNSW, metadata={"revision": 0}
        )
        hnsw = (self.collection.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search") != EF_SEARCH:  # an index made before: search it alike
            self.collection.modify(configuration={"hnsw": {"ef_search": EF_SEARCH}})

    @cached_property
    def store(self) -> Chroma:
        """langchain's vector store over the collection, made on the first write: a search
        never needs it, and importing it costs a CLI start-up about a second."""
        from langchain_chroma import Chroma

        return Chroma(
            client=self.client, collection_name=self.name, embedding_function=self.embeddings
        )

    # revision: lets the keyword index (and other machines) see that the collection changed
    @property
    def revision(self) -> int:
        self.collection = self.client.get_collection(self.name)
        return int((self.collection.metadata or {}).get("revision", 0))

    def bump_revision(self) -> int:
        revision = self.revision + 1
        self.collection.modify(metadata={"revision": revision})
        return revision

    def count(self) -> int:
        return self.collection.count()

    def add(self, ids: Sequence[str], texts: Sequence[str], metadatas: Sequence[Metadata]) -> None:
        """Embeds and writes one batch (one Chroma call: a batch is written whole or not at all)."""
        self.store.add_texts(list(texts), metadatas=list(metadatas), ids=list(ids))

    def delete_records(self, record_ids: Sequence[str]) -> None:
        for start in range(0, len(record_ids), 500):
            batch = list(record_ids[start : start + 500])
            self.collection.delete(where=cast(Any, {"record_id": {"$in": batch}}))

    def stored_vectors(self, record_ids: Sequence[str]) -> dict[str, list[float]]:
        """The vector of each chunk text of ``record_ids``, as stored."""
        out: dict[str, list[float]] = {}
        for start in range(0, len(record_ids), 500):
            page = self.collection.get(
                where=cast(Any, {"record_id": {"$in": list(record_ids[start : start + 500])}}),
                include=["documents", "embeddings"],
            )
            docs, vecs = page["documents"], page["embeddings"]
            assert docs is not None and vecs is not None
            out.update((d, list(v)) for d, v in zip(docs, vecs, strict=True) if d)
        return out

    def first_chunks(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(record id, metadata of its first chunk) for every record."""
        for _, _, metadatas in self._pages({"chunk_index": 0}, documents=False):
            for meta in metadatas:
                yield str(meta["record_id"]), meta

    def opening_texts(self) -> Iterator[tuple[str, str]]:
        """(record id, text of its first chunk after the question) for every record."""
        for _, docs, metadatas in self._pages({"chunk_index": 1}, documents=True):
            for doc, meta in zip(docs, metadatas, strict=True):
                yield str(meta["record_id"]), doc

    def all_chunks(self) -> Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]:
        """Every chunk as pages of (ids, documents, metadatas)."""
        yield from self._pages(None, documents=True)

    def query(self, vector: Vectors, n: int, where: dict[str, Any] | None) -> list[Hit]:
        result = self.collection.query(
            query_embeddings=cast(Any, [vector]),
            n_results=n,
            where=cast(Any, where),
            include=["documents", "metadatas", "distances", "embeddings"],
        )
        docs, metas = result["documents"], result["metadatas"]
        dists, vecs = result["distances"], result["embeddings"]
        assert docs is not None and metas is not None and dists is not None and vecs is not None
        return [
            Hit(i, d or "", cast(Metadata, m), np.asarray(v, dtype=np.float32), float(s))
            for i, d, m, v, s in zip(
                result["ids"][0], docs[0], metas[0], vecs[0], dists[0], strict=True
            )
        ]

    def fetch(self, ids: Sequence[str]) -> dict[str, Hit]:
        if not ids:
            return {}
        result = self.collection.get(
            ids=list(ids), include=["documents", "metadatas", "embeddings"]
        )
        docs, metas, vecs = result["documents"], result["metadatas"], result["embeddings"]
        assert docs is not None and metas is not None and vecs is not None
        return {
            i: Hit(i, d or "", cast(Metadata, m), np.asarray(v, dtype=np.float32))
            for i, d, m, v in zip(result["ids"], docs, metas, vecs, strict=True)
        }

    def vectors(self) -> tuple[list[str], Vectors]:
        """Every chunk id with its vector (for exact-search comparisons)."""
        ids: list[str] = []
        rows: list[Vectors] = []
        total = self.count()
        for offset in range(0, total, _PAGE):
            page = self.collection.get(limit=_PAGE, offset=offset, include=["embeddings"])
            ids.extend(page["ids"])
            assert page["embeddings"] is not None
            rows.append(np.asarray(page["embeddings"], dtype=np.float32))
        return ids, np.vstack(rows) if rows else np.zeros((0, 384), dtype=np.float32)

    def _pages(
        self, where: dict[str, Any] | None, documents: bool
    ) -> Iterator[tuple[list[str], list[str], list[dict[str, Any]]]]:
        include: list[Any] = ["metadatas", "documents"] if documents else ["metadatas"]
        offset = 0
        while True:
            page = self.collection.get(
                where=cast(Any, where), limit=_PAGE, offset=offset, include=include
            )
            if not page["ids"]:
                return
            metas = [dict(m) for m in page["metadatas"] or []]
            docs = [d or "" for d in page["documents"] or []] if documents else []
            yield list(page["ids"]), docs, metas
            offset += len(page["ids"])
