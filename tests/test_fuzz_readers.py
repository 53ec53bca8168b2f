"""Fuzzing the archive readers (JSON lines, CSV, page text) and the batch row reader.

Whatever bytes a file holds, a reader returns records and issues, or raises the project's
own :class:`~assistant.errors.UserError` naming the file; never a ``KeyError``, a
``RecursionError``, a ``UnicodeError`` or any other traceback. Every issue names a line of
the file, and every record it returns can be indexed (hashed, written as UTF-8).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from assistant.batch.rows import MAX_FIELD_CHARS, validate
from assistant.corpus import LoadResult, load, parse_pages
from assistant.corpus.issues import ImportIssue, Located
from assistant.corpus.mapping import RECORD_FIELDS
from assistant.errors import UserError
from tests.strategies import Run, assert_linear, hostile_run, mixed_text

RECORD_KEYS = [*sorted(RECORD_FIELDS), "Question", "asker_gender", "specialty_hint", "asker"]
BATCH_KEYS = ["topic", "question", "Question", "audience", "specialty", "target_length", "reply"]

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    mixed_text(4),
    st.sampled_from(["2022/03/24", "2022-13-45", "patient", "caregiver", "600", "١٢٣", " "]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def json_line(keys: list[str]) -> st.SearchStrategy[str]:
    """A line of a JSON-lines file: an object with known and unknown keys, or anything."""
    obj = st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), json_values, max_size=6)
    return st.one_of(
        obj.map(json.dumps),
        obj.map(lambda o: json.dumps(o, ensure_ascii=False)),
        json_values.map(json.dumps),
        mixed_text(6),
        st.integers(1, 5_000).map(lambda n: "[" * n + "]" * n),  # nested too deep
        st.integers(1, 5_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
        st.integers(4_000, 6_000).map(lambda n: '{"question": ' + "9" * n + "}"),
        st.sampled_from(['{"question": "a \\ud800 b"}', '{"question": "x", "id": "\\udfff"}']),
    )


def lines_to_bytes(lines: list[str], tail: bytes) -> bytes:
    return ("\n".join(lines)).encode("utf-8", "surrogatepass") + tail


raw_tail = st.one_of(
    st.just(b""), st.binary(max_size=8), st.sampled_from([b"\xff\xfe", b"\xe9t\xe9", b"\x00"])
)


def csv_text(keys: list[str]) -> st.SearchStrategy[str]:
    """A CSV file: a header of known and unknown columns, rows of any cells, some noise."""

    def write(header: list[str], rows: list[list[str]], noise: str, quoting: int) -> str:
        out = io.StringIO()
        writer = csv.writer(out, quoting=quoting)
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue() + noise

    header = st.lists(st.sampled_from(keys) | st.text(max_size=8), min_size=1, max_size=6)
    rows = st.lists(st.lists(mixed_text(4), max_size=7), max_size=6)
    noise = st.one_of(st.just(""), mixed_text(4), st.just('"unclosed,quote\n'))
    quoting = st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])
    return st.builds(write, header, rows, noise, quoting)


PAGE_LINES = (
    "Id: site:42",
    "Calcified lump",
    "What does calcification mean?",
    "Niming, 40~49 year old female. Ask Date: 2022/03/24",
    "Anonymous. Ask Date: 2022/99/99",
    ", year old . Ask Date:",
    "Dr. Ke Fangxu reply Surgery",
    "Dr. reply",
    "These are typically benign.",
    "Reply Date: 2022/03/24",
    "More Info",
    "Similar Q&A",
    "Related FAQ",
    "Soft lumps...[Read More] Soft lumps",
    "[Read More]",
    "Lipoma(Plastic Surgery)",
    "(Orthopedics)",
    "()",
    "=====",
    "\f",
    "",
)


def page_text() -> st.SearchStrategy[str]:
    """Page files: the lines of the site's layout in any order and number, with noise."""
    line = st.sampled_from(PAGE_LINES) | mixed_text(4)
    return st.lists(line, max_size=30).map("\n".join)


def _write(data: bytes, suffix: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(data)
        yield path


def _line_count(data: bytes) -> int:
    return max(1, len(data.split(b"\n")))


def _check_loaded(path: Path, data: bytes, format: str) -> None:
    try:
        result = load(path, format=format)
    except UserError as exc:
        assert str(path) in str(exc), f"the error does not name the file: {exc}"
        return
    _check_result(result, str(path), _line_count(data))


def _check_result(result: LoadResult, shown: str, lines: int) -> None:
    for issue in result.issues:
        assert issue.path == shown
        assert issue.line is not None and 1 <= issue.line <= lines, issue
        assert str(issue).startswith(f"{shown}:{issue.line}: ")
    ids = [record.id for record in result.records]
    assert len(ids) == len(set(ids))
    for record in result.records:
        assert record.question.strip()
        record.content_hash()  # what ingest computes: the record is valid UTF-8 text
        record.model_dump_json().encode("utf-8")


@given(st.lists(json_line(RECORD_KEYS), min_size=1, max_size=8), raw_tail)
@example(['{"question": "a \\ud800 b"}'], b"")  # a lone surrogate escape: UnicodeEncodeError
@example(['{"question": "x", "asker": {"name": "\\udfff"}}'], b"")
def test_jsonl_reader(lines: list[str], tail: bytes) -> None:
    data = lines_to_bytes(lines, tail)
    for path in _write(data, ".jsonl"):
        _check_loaded(path, data, "jsonl")


@given(csv_text([*RECORD_KEYS, "answer", "asker_name", "asker_sex"]), raw_tail)
def test_csv_reader(text: str, tail: bytes) -> None:
    data = text.encode("utf-8") + tail
    for path in _write(data, ".csv"):
        _check_loaded(path, data, "csv")


@given(page_text(), raw_tail)
def test_page_reader(text: str, tail: bytes) -> None:
    data = text.encode("utf-8") + tail
    for path in _write(data, ".txt"):
        _check_loaded(path, data, "pages")


@given(page_text())
def test_pasted_page_text(text: str) -> None:
    items = parse_pages(text, source="pasted")
    lines = len(text.split("\n"))
    for item in items:
        if isinstance(item, ImportIssue):
            assert item.line is not None and 1 <= item.line <= lines
        elif isinstance(item, Located):
            assert item.record.question.strip()
            item.record.content_hash()


@given(st.lists(json_line(BATCH_KEYS), min_size=1, max_size=8), raw_tail)
@example(['{"question": "a \\ud800 b"}'], b"")  # a lone surrogate escape, taken as a question
def test_batch_jsonl_rows(lines: list[str], tail: bytes) -> None:
    _check_batch(lines_to_bytes(lines, tail), ".jsonl")


@given(csv_text([*BATCH_KEYS, "id"]), raw_tail)
def test_batch_csv_rows(text: str, tail: bytes) -> None:
    _check_batch(text.encode("utf-8") + tail, ".csv")


def _check_batch(raw: bytes, suffix: str) -> None:
    lines = _line_count(raw)
    for path in _write(raw, suffix):
        report = validate(path)  # never raises: every problem is an issue
        skipped = set(report.skipped_rows)
        for issue in report.issues:
            assert issue.row is None or 1 <= issue.row <= lines, issue
        for row in report.rows:
            assert row.row not in skipped and 1 <= row.row <= lines
            assert row.text.strip()
            for value in (row.topic, row.question, row.specialty, row.reply):
                assert value is None or len(value) <= MAX_FIELD_CHARS
                (value or "").encode("utf-8")  # articles and the store are UTF-8
            assert row.key


SITE_PAGE = [
    "Calcified lump",
    "What does calcification mean?",
    "Niming, 40~49 year old female. Ask Date: 2022/03/24",
    "Dr. Ke Fangxu reply Surgery",
    "These are typically benign.",
    "Reply Date: 2022/03/24",
    "More Info",
    "Calcium builds up.",
    "Similar Q&A",
    "Soft lumps",
    "Is this a lipoma?",
    "Dr. Li reply Orthopedics",
    "Usually not...[Read More] Soft lumps",
    "Related FAQ",
    "Lipoma(Plastic Surgery)",
]


@given(
    hostile_run(
        prefixes=("", "a", "Dr. a", "Id:", "Niming,", "40 years old"),
        suffixes=("", "b", " Ask Date: 2022/03/24", " reply Surgery", "(Surgery)", "[Read More]"),
    ),
    st.integers(1, len(SITE_PAGE)),
)
@example(Run("a", " ", "b"), 2)  # a question line: tried as the asker line
@example(Run("Dr. a", " ", "b"), 3)  # the doctor line
@example(Run("a", " ", "b"), len(SITE_PAGE))  # a Related FAQ line
def test_page_reader_takes_linear_time(run: Run, at: int) -> None:
    """A long line anywhere in a page (asker, doctor, FAQ lines…) costs linear time."""
    assert_linear(
        lambda line: parse_pages("\n".join([*SITE_PAGE[:at], line, *SITE_PAGE[at:]])), run
    )
