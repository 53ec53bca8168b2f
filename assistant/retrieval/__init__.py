"""Finding similar past replies: hybrid dense + BM25 retrieval, filters, a langchain retriever."""

from assistant.retrieval.hybrid import HybridRetriever, Mode, Retriever, UnknownFilterValue
from assistant.retrieval.langchain import ArchiveRetriever
from assistant.retrieval.sources import Filters, Passage, Source

__all__ = [
    "ArchiveRetriever",
    "Filters",
    "HybridRetriever",
    "Mode",
    "Passage",
    "Retriever",
    "Source",
    "UnknownFilterValue",
]
