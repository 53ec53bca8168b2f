"""Reading and validating a batch input (CSV or JSON lines) before any work starts.

Every problem is found in one pass and reported with its row number (the file's line):
missing or unknown columns, empty rows, oversized or invalid fields, text that is not
UTF-8, and duplicate or near-duplicate topics. The caller decides whether to stop
(``--strict``) or to skip the bad rows.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assistant.corpus import CorpusError
from assistant.corpus.jsonl import UnreadableLine, read_json_line
from assistant.corpus.textfile import iter_lines

MAX_FIELD_CHARS = 4_000
NEAR_DUPLICATE = 0.9  # token Jaccard similarity from which two topics count as the same
AUDIENCES = ("patient", "caregiver")
LENGTHS = (100, 3_000)  # target length in words

FIELDS = ("topic", "question", "audience", "specialty", "target_length", "reply")
ALIASES = {"Question": "question", "Topic": "topic", "Specialty": "specialty"}
IGNORED = frozenset({"id", "ICD_10_diag", "entity_text", "matched_entity", "entity_tag"})
"""Columns read and ignored: an id, and the metadata of the K-QA patient questions."""

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}


@dataclass(frozen=True)
class Issue:
    """A problem with the input: ``row`` is the line number (None: the whole file)."""

    row: int | None
    message: str
    fatal: bool = False  # nothing can be drafted from this file


@dataclass(frozen=True)
class BatchRow:
    """One valid row: a topic or a question, and how to write about it."""

    row: int
    topic: str | None = None
    question: str | None = None
    audience: str = "patient"
    specialty: str | None = None
    target_length: int | None = None
    reply: str | None = None

    @property
    def text(self) -> str:
        """What the article is about: the question, else the topic."""
        return self.question or self.topic or ""

    @property
    def key(self) -> str:
        """A stable id for the item: a hash of its normalised content (not of its row)."""
        content = [
            normalise(self.topic or ""),
            normalise(self.question or ""),
            self.audience,
            normalise(self.specialty or ""),
            self.target_length,
            normalise(self.reply or ""),
        ]
        digest = hashlib.sha256(json.dumps(content).encode("utf-8")).hexdigest()
        return digest[:16]


@dataclass
class InputReport:
    """The valid rows, and every problem found (rows with problems are not in ``rows``)."""

    path: Path
    rows: list[BatchRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    total: int = 0

    @property
    def fatal(self) -> bool:
        return any(i.fatal for i in self.issues)

    @property
    def skipped_rows(self) -> list[int]:
        return sorted({i.row for i in self.issues if i.row is not None})


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def validate(path: Path) -> InputReport:
    """Reads the whole input and checks every row; never raises for bad content."""
    report = InputReport(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        report.issues.append(
            Issue(None, f"{path}: name the file .csv or .jsonl (got {path.suffix!r})", True)
        )
        return report
    raw: list[tuple[int, dict[str, str]]] = []
    try:
        for item in _read_csv(path, report) if kind == "csv" else _read_jsonl(path, report):
            raw.append(item)
    except CorpusError as exc:
        report.issues.append(Issue(None, str(exc), fatal=True))
        return report
    report.total = len(raw)
    rows = [row for line, values in raw if (row := _check(line, values, report)) is not None]
    report.rows = _without_duplicates(rows, report)
    return report


def _read_csv(path: Path, report: InputReport) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(text for _, text in iter_lines(path))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        report.issues.append(Issue(1, f"the header line cannot be read as CSV: {exc}", True))
        return
    if header is None:
        report.issues.append(Issue(None, f"{path}: the file is empty", True))
        return
    names = [_column(name.strip(), 1, report) for name in header]
    if not {"topic", "question"} & set(names):
        found = ", ".join(repr(h) for h in header)
        report.issues.append(
            Issue(1, f"no 'topic' or 'question' column; columns found: {found}", fatal=True)
        )
        return
    line = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # a field over the csv module's 128 KiB limit, a stray NUL
            start, line = line + 1, reader.line_num
            report.issues.append(Issue(start, f"cannot be read as CSV: {exc}"))
            continue
        start, line = line + 1, reader.line_num
        values = {n: c for n, c in zip(names, cells, strict=False) if n in FIELDS}
        if len(cells) > len(names):
            report.issues.append(Issue(start, f"{len(cells)} cells but {len(names)} columns"))
            continue
        yield start, values


def _read_jsonl(path: Path, report: InputReport) -> Iterator[tuple[int, dict[str, str]]]:
    seen: set[str] = set()
    for line, text in iter_lines(path):
        if not text.strip():
            yield line, {}
            continue
        try:
            data = read_json_line(text)
        except UnreadableLine as exc:
            report.issues.append(Issue(line, str(exc)))
            continue
        if not isinstance(data, dict):
            report.issues.append(Issue(line, "expected a JSON object {...} per line"))
            continue
        values: dict[str, str] = {}
        for key, value in data.items():
            first = key not in seen
            seen.add(key)
            name = _column(key, line, report) if first else ALIASES.get(key, key)
            if name not in FIELDS or value is None:
                continue
            if isinstance(value, (dict, list, bool)):
                report.issues.append(Issue(line, f"field {key!r}: expected text or a number"))
                values = {}
                break
            values[name] = str(value)
        else:
            yield line, values


def _column(name: str, line: int, report: InputReport) -> str:
    """The field a column fills; an unknown column is reported (once) and ignored."""
    field_name = ALIASES.get(name, name)
    if field_name not in FIELDS and field_name not in IGNORED:
        known = ", ".join(FIELDS)
        report.issues.append(
            Issue(None, f"line {line}: unknown column {name!r} is ignored; known: {known}")
        )
    return field_name


def _check(line: int, values: dict[str, str], report: InputReport) -> BatchRow | None:
    problems: list[str] = []
    clean = {k: v.strip() for k, v in values.items()}
    if not any(clean.values()):
        problems.append("empty row")
    elif not (clean.get("topic") or clean.get("question")):
        problems.append("needs a topic or a question")
    for name, value in clean.items():
        if len(value) > MAX_FIELD_CHARS:
            problems.append(f"{name} is {len(value):,} characters (at most {MAX_FIELD_CHARS:,})")
    audience = clean.get("audience") or "patient"
    if audience.lower() not in AUDIENCES:
        problems.append(f"audience {audience!r}: use patient or caregiver")
    length: int | None = None
    if clean.get("target_length"):
        try:
            length = int(clean["target_length"])
        except ValueError:
            length = -1
        if not LENGTHS[0] <= length <= LENGTHS[1]:
            problems.append(f"target_length: a number of words from {LENGTHS[0]} to {LENGTHS[1]}")
    if problems:
        report.issues.append(Issue(line, "; ".join(problems)))
        return None
    return BatchRow(
        row=line,
        topic=clean.get("topic") or None,
        question=clean.get("question") or None,
        audience=audience.lower(),
        specialty=clean.get("specialty") or None,
        target_length=length,
        reply=clean.get("reply") or None,
    )


def _without_duplicates(rows: list[BatchRow], report: InputReport) -> list[BatchRow]:
    """Keeps the first of each group of equal or near-equal topics; reports the others."""
    kept: list[tuple[BatchRow, str, frozenset[str]]] = []
    for row in rows:
        text = normalise(row.text)
        tokens = frozenset(text.split())
        for other, other_text, other_tokens in kept:
            if text == other_text:
                report.issues.append(Issue(row.row, f"duplicate of row {other.row}"))
                break
            small, big = sorted((len(tokens), len(other_tokens)))
            if big and small / big >= NEAR_DUPLICATE:
                similarity = len(tokens & other_tokens) / len(tokens | other_tokens)
                if similarity >= NEAR_DUPLICATE:
                    report.issues.append(
                        Issue(row.row, f"near-duplicate of row {other.row} ({similarity:.2f})")
                    )
                    break
        else:
            kept.append((row, text, tokens))
    return [row for row, _, _ in kept]
