"""The retrieval index: chunking, Chroma (embedded or server) and BM25, kept consistent."""

from assistant.index.archive import Archive, ArchiveStats, IngestReport
from assistant.index.chroma import IndexUnavailable, open_client

__all__ = ["Archive", "ArchiveStats", "IndexUnavailable", "IngestReport", "open_client"]
