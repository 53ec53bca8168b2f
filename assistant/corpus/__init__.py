"""Importing the site's archive: records, loaders for JSON lines, CSV and page text."""

from assistant.corpus.issues import CorpusError, ImportIssue, LoadResult
from assistant.corpus.load import FORMATS, detect_format, load, load_many
from assistant.corpus.pages import parse_pages
from assistant.corpus.record import Asker, Record, RelatedFAQ, SimilarQA, content_id

__all__ = [
    "FORMATS",
    "Asker",
    "CorpusError",
    "ImportIssue",
    "LoadResult",
    "Record",
    "RelatedFAQ",
    "SimilarQA",
    "content_id",
    "detect_format",
    "load",
    "load_many",
    "parse_pages",
]
