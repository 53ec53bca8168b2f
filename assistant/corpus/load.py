"""Loading archive files into records: pick the format, collect issues, merge files.

``load`` and ``load_many`` never stop at a bad line: they skip it and report an
:class:`ImportIssue`. A file that cannot be read at all raises :class:`CorpusError`.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Mapping
from contextlib import closing
from pathlib import Path

from assistant.corpus.csvfile import iter_csv
from assistant.corpus.issues import (
    ImportIssue,
    Item,
    LoadResult,
    Located,
    empty_file,
    missing_file,
    unknown_format,
)
from assistant.corpus.jsonl import iter_jsonl
from assistant.corpus.pages import iter_pages

FORMATS = ("jsonl", "csv", "pages")
_SUFFIXES = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
    ".txt": "pages",
}


def detect_format(path: str | Path) -> str:
    """``"jsonl"``, ``"csv"`` or ``"pages"`` from the file name (``.gz`` is looked through)."""
    path = Path(path)
    if path.is_dir():
        return "pages"
    suffix = Path(path.name.lower().removesuffix(".gz")).suffix
    if suffix not in _SUFFIXES:
        raise unknown_format(path)
    return _SUFFIXES[suffix]


def iter_items(
    path: Path, format: str | None = None, columns: Mapping[str, str] | None = None
) -> Generator[Item, None, None]:
    """The records, issues and warnings of one file, lazily, in file order."""
    if not path.exists():
        raise missing_file(path)
    format = format or detect_format(path)
    if format == "jsonl":
        return iter_jsonl(path)
    if format == "csv":
        return iter_csv(path, columns)
    if format == "pages":
        return iter_pages(path)
    raise unknown_format(path, format)


def load(
    path: str | Path,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> LoadResult:
    """Load one file (or a directory of page files); see :func:`load_many`."""
    return load_many([path], format=format, columns=columns, limit=limit)


def load_many(
    paths: Iterable[str | Path],
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    limit: int | None = None,
) -> LoadResult:
    """Load files in order into one result.

    ``format`` is detected from each name when not given; ``columns`` maps record fields
    to CSV columns. Records sharing an id: the last one wins, with a warning naming both
    places. ``limit`` stops reading once that many distinct records are taken.
    """
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be 0 or more, not {limit}")
    taken: dict[str, Located] = {}
    result = LoadResult()
    for path in map(Path, paths):
        if limit is not None and len(taken) >= limit:
            break
        seen = 0
        with closing(iter_items(path, format, columns)) as items:
            for item in items:
                if isinstance(item, str):
                    result.warnings.append(item)
                    continue
                seen += 1
                if isinstance(item, ImportIssue):
                    result.issues.append(item)
                    continue
                earlier = taken.pop(item.record.id, None)
                if earlier is not None:
                    result.warnings.append(
                        f"{item.where}: duplicate id {item.record.id!r} (also at {earlier.where}); "
                        "the later record is kept"
                    )
                taken[item.record.id] = item
                if limit is not None and len(taken) >= limit:
                    break
        if seen == 0:
            raise empty_file(path)
    result.records = [located.record for located in taken.values()]
    return result
