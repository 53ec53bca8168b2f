"""Loading files: format detection, whole-file errors, duplicates across files, limits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.corpus import CorpusError, detect_format, load, load_many

DATA = Path(__file__).resolve().parents[1] / "data"


def _jsonl(path: Path, *rows: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.jsonl", "jsonl"),
        ("a.ndjson", "jsonl"),
        ("a.jsonl.gz", "jsonl"),
        ("A.JSON", "jsonl"),
        ("a.csv", "csv"),
        ("a.csv.gz", "csv"),
        ("page.txt", "pages"),
    ],
)
def test_detect_format(name: str, expected: str) -> None:
    assert detect_format(name) == expected


def test_a_directory_is_pages(tmp_path: Path) -> None:
    assert detect_format(tmp_path) == "pages"


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "archive.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(CorpusError) as caught:
        load(path)
    message = str(caught.value)
    assert "archive.xlsx" in message and "--format" in message
    assert "jsonl" in message and "csv" in message and "pages" in message


def test_explicit_format_overrides_the_name(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "export.data", {"id": "a:1", "question": "Q?"})
    assert [r.id for r in load(path, format="jsonl").records] == ["a:1"]
    with pytest.raises(CorpusError, match=r"unknown format 'xml'.*--format"):
        load(path, format="xml")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"nowhere\.jsonl: no such file"):
        load(tmp_path / "nowhere.jsonl")


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
@pytest.mark.parametrize("name", ["empty.jsonl", "empty.csv", "empty.txt"])
def test_empty_file(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=rf"{name} is empty"):
        load(path)


def test_latin1_bytes_are_reported_with_line_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    first = b'{"question": "ok?"}\n'
    path.write_bytes(first + '{"question": "Fièvre?"}\n'.encode("latin-1"))
    with pytest.raises(CorpusError) as caught:
        load(path)
    message = str(caught.value)
    assert f"{path}:2:" in message
    assert f"byte 0xe8 at byte offset {len(first) + 16}" in message
    assert "iconv -f latin1 -t utf-8" in message


def test_latin1_csv(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("question\nCafé?\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin\.csv:2: not UTF-8"):
        load(path)


def test_utf16_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    path.write_text('{"question": "Q?"}\n', encoding="utf-16")
    with pytest.raises(CorpusError, match=r"wide\.jsonl:1: the file is UTF-16.*iconv -f utf-16"):
        load(path)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_text("question\nQ?\n", encoding="utf-8-sig")
    assert [r.question for r in load(path).records] == ["Q?"]


def test_duplicate_ids_last_wins_with_a_warning(tmp_path: Path) -> None:
    one = _jsonl(
        tmp_path / "one.jsonl",
        {"id": "a:1", "question": "Old?"},
        {"id": "a:2", "question": "Other?"},
    )
    two = _jsonl(
        tmp_path / "two.jsonl", {"id": "x:9", "question": "X?"}, {"id": "a:1", "question": "New?"}
    )
    result = load_many([one, two])
    assert {r.id: r.question for r in result.records} == {
        "a:2": "Other?",
        "x:9": "X?",
        "a:1": "New?",
    }
    [warning] = result.warnings
    assert f"{two}:2" in warning and f"{one}:1" in warning and "'a:1'" in warning
    assert "later record is kept" in warning


def test_duplicates_within_one_file(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "d.jsonl", {"question": "Same?"}, {"question": "Same?"})
    result = load(path)
    assert len(result.records) == 1
    assert [w.split(": ")[0] for w in result.warnings] == [f"{path}:2"]


def test_limit_stops_reading(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "a.jsonl", *({"id": f"a:{i}", "question": f"Q{i}?"} for i in range(5)))
    with path.open("a", encoding="utf-8") as out:
        out.write("not json at all\n")
    result = load(path, limit=3)
    assert [r.id for r in result.records] == ["a:0", "a:1", "a:2"]
    assert result.issues == []  # the bad line after the limit was never read
    assert load(path, limit=0).records == []
    more = load_many([path, DATA / "kqa_answered.jsonl"], limit=7)
    assert len(more.records) == 7 and len(more.issues) == 1
    with pytest.raises(ValueError, match="limit"):
        load(path, limit=-1)


def test_limit_on_the_big_corpus() -> None:
    result = load(DATA / "medquad.jsonl.gz", limit=25)
    assert len(result.records) == 25 and result.issues == []


def test_mixed_formats_in_one_call(tmp_path: Path) -> None:
    csv_path = tmp_path / "a.csv"
    csv_path.write_text("id,question\nc:1,From CSV?\n", encoding="utf-8")
    result = load_many([csv_path, DATA / "site_page_example.txt", DATA / "kqa_answered.jsonl"])
    assert len(result.records) == 1 + 1 + 201
    assert {r.dataset for r in result.records} == {"site", "K-QA"}
