"""What an import reports: skipped lines (issues), whole-file errors, and the result.

A bad line or page is an :class:`ImportIssue`: it is skipped and the import goes on.
A file that cannot be read at all (missing, empty, not UTF-8, unknown format) is a
:class:`CorpusError`. Every message names the file, the line and the field where it
can, and says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.corpus.record import Record
from assistant.errors import UserError


@dataclass(frozen=True)
class ImportIssue:
    """One skipped line (or page): where it is, which field, and why."""

    path: str
    line: int | None
    field: str | None
    reason: str
    hint: str = "fix or remove the line"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        what = self.reason if self.field is None else f"field '{self.field}': {self.reason}"
        return f"{where}: {what} — {self.hint}"


@dataclass(frozen=True)
class Located:
    """A valid record and where it came from (for duplicate-id warnings)."""

    record: Record
    path: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


Item = Located | ImportIssue | str
"""What a loader yields: a record, a skipped line, or a warning (a ``str``)."""


@dataclass
class LoadResult:
    """The records taken, the lines skipped, and warnings about what was kept."""

    records: list[Record] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class CorpusError(UserError):
    """A whole file cannot be imported; the message says why and what to do."""


def missing_file(path: Path) -> CorpusError:
    return CorpusError(f"{path}: no such file or directory — check the path")


def empty_file(path: Path) -> CorpusError:
    return CorpusError(f"{path} is empty: it holds no records — check that it is the right file")


def unknown_format(path: Path, given: str | None = None) -> CorpusError:
    accepted = (
        "jsonl (.jsonl, .ndjson, .json, optionally .gz), csv (.csv), "
        "pages (.txt or a directory of .txt page files)"
    )
    what = f"unknown format {given!r}" if given else "cannot tell the format from the file name"
    return CorpusError(
        f"{path}: {what}. Accepted formats: {accepted}. "
        "Name the format explicitly with --format jsonl|csv|pages"
    )


def not_utf8(path: Path, line: int, offset: int, byte: int) -> CorpusError:
    return CorpusError(
        f"{path}:{line}: not UTF-8 text (byte 0x{byte:02x} at byte offset {offset}); "
        f"the file is probably Latin-1 or Windows-1252. Convert it, e.g. "
        f"`iconv -f latin1 -t utf-8 {path} > {path.stem}.utf8{path.suffix}`, and import that"
    )


def utf16(path: Path, name: str) -> CorpusError:
    return CorpusError(
        f"{path}:1: the file is {name} text, not UTF-8. Convert it, e.g. "
        f"`iconv -f {name.lower()} -t utf-8 {path} > {path.stem}.utf8{path.suffix}`, "
        "and import that"
    )
