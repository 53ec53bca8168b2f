"""The hybrid retriever as a langchain ``BaseRetriever`` (for chains and LCEL pipelines)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.retrieval.hybrid import Retriever
from assistant.retrieval.sources import Filters, Source


class ArchiveRetriever(BaseRetriever):
    """Each document is one source: its best passage, with the record's fields as metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    retriever: Any  # a Retriever; typed loosely because pydantic cannot validate Protocols
    k: int = 5
    filters: Filters | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        inner: Retriever = self.retriever
        return [to_document(s) for s in inner.search(query, self.k, self.filters)]


def to_document(source: Source) -> Document:
    metadata = source.model_dump(mode="json", exclude={"passages"})
    metadata["passages"] = [p.text for p in source.passages]
    return Document(page_content=source.passage, metadata=metadata, id=source.record_id)
