"""Finding similar past replies: hybrid dense + BM25 retrieval and filters.

The langchain retriever over them is ``assistant.retrieval.langchain.ArchiveRetriever``
(imported from there: langchain is not needed to search).
"""

from assistant.retrieval.hybrid import HybridRetriever, Mode, Retriever, UnknownFilterValue
from assistant.retrieval.sources import Filters, Passage, Source

__all__ = [
    "Filters",
    "HybridRetriever",
    "Mode",
    "Passage",
    "Retriever",
    "Source",
    "UnknownFilterValue",
]
