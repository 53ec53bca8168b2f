"""An uploaded CSV or JSON-lines file of questions → draft requests, with every bad row
reported by line and field (the archive's loaders read the file; nothing here re-parses)."""

from __future__ import annotations

import tempfile
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from pydantic import ValidationError

from assistant.corpus import CorpusError, ImportIssue, Record
from assistant.corpus.load import iter_items
from assistant.drafting import DraftRequest

ACCEPTED = ("csv", "jsonl", "ndjson", "json")
MAX_ROWS = 500


@dataclass
class UploadResult:
    requests: list[DraftRequest] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file:line: field 'x': why — do"

    @property
    def ok(self) -> bool:
        return bool(self.requests)


def to_request(record: Record) -> DraftRequest:
    return DraftRequest(
        question=record.question,
        reply=record.reply,
        asker=record.asker,
        ask_date=record.ask_date,
        doctor=record.doctor,
        specialty=record.specialty,
        reply_date=record.reply_date,
        title=record.title,
    )


def parse_upload(name: str, data: bytes, max_rows: int = MAX_ROWS) -> UploadResult:
    """Requests from the rows of ``data`` (a file called ``name``: .csv or .jsonl)."""
    shown = PurePath(name).name or "upload"
    result = UploadResult()
    suffix = PurePath(shown.lower().removesuffix(".gz")).suffix.lstrip(".")
    if suffix not in ACCEPTED:
        result.problems.append(
            f"{shown}: upload a .csv file (with a 'question' column) or a .jsonl file "
            "(one JSON object per line, with a 'question' key)"
        )
        return result
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        path = Path(folder) / shown
        path.write_bytes(data)
        try:
            _read(path, result, max_rows)
        except CorpusError as exc:
            result.problems.append(str(exc))
        result.problems = [p.replace(str(path), shown) for p in result.problems]
    return result


def _read(path: Path, result: UploadResult, max_rows: int) -> None:
    with closing(iter_items(path)) as items:
        for item in items:
            if isinstance(item, str):
                continue  # a warning about what was kept, e.g. a duplicate id
            if isinstance(item, ImportIssue):
                result.problems.append(str(item))
                continue
            if len(result.requests) >= max_rows:
                result.problems.append(
                    f"{path}:{item.line}: more than {max_rows} questions; the rest were not "
                    "read — split the file and upload the rest separately"
                )
                return
            try:
                result.requests.append(to_request(item.record))
            except ValidationError as exc:
                for error in exc.errors(include_url=False):
                    where = ".".join(str(p) for p in error["loc"]) or "row"
                    result.problems.append(
                        f"{path}:{item.line}: field '{where}': {error['msg']} — fix or remove "
                        "the line"
                    )
    if not result.requests and not result.problems:
        result.problems.append(f"{path}: no questions found")
