"""JSON lines: the shared data files, the record shape's mapping, and bad lines."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.corpus import CorpusError, content_id, load

DATA = Path(__file__).resolve().parents[1] / "data"


def _write(path: Path, *rows: Any) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_medquad_loads_completely() -> None:
    result = load(DATA / "medquad.jsonl.gz")
    assert len(result.records) == 16_407
    assert result.issues == [] and result.warnings == []
    first = result.records[0]
    assert first.id == "medquad:1_CancerGov_QA/0000001_1#1"
    assert (first.dataset, first.specialty, first.specialty_is_derived) == (
        "MedQuAD",
        "Oncology",
        True,
    )
    assert first.question_type == "information"
    assert first.focus == "Adult Acute Lymphoblastic Leukemia"
    assert first.source_url is not None and first.source_url.startswith("https://www.cancer.gov/")
    assert first.license == "CC-BY-4.0"
    assert first.extras["umls_cuis"] == ["C0751606"]
    assert "specialty_hint" not in first.extras


def test_kqa_answered_keeps_statements_in_extras() -> None:
    result = load(DATA / "kqa_answered.jsonl")
    assert len(result.records) == 201 and result.issues == []
    first = result.records[0]
    assert (first.id, first.dataset) == ("kqa:0", "K-QA")
    assert first.extras["must_have"][0].startswith("Escitalopram is an antidepressant")
    assert first.extras["nice_to_have"]
    assert first.extras["icd10_diagnosis"] == "Other specified depressive episodes"


def test_kqa_patient_questions_shape() -> None:
    result = load(DATA / "kqa_patient_questions.jsonl")
    assert len(result.records) == 1_212
    assert result.issues == [] and result.warnings == []
    first = result.records[0]
    assert first.question == "Is it contagious?" and first.dataset == "K-QA"
    assert first.id.startswith("k-qa:")
    assert first.extras["icd10_diagnosis"] == "Acute pharyngitis, unspecified"
    assert first.extras["entity_text"] == ["contagious"]


def test_shared_shape_is_mapped(tmp_path: Path) -> None:
    row = {
        "dataset": "site",
        "question": "Why does my knee hurt?",
        "asker": {"gender": "female", "age_range": "30~39", "name": "Mia", "city": "Taipei"},
        "ask_date": "2022/3/4",
        "reply_date": "2022-03-05",
        "specialty": None,
        "specialty_hint": "Orthopedics",
        "reply": "Rest it.",
        "rating": 5,
    }
    [record] = load(_write(tmp_path / "a.jsonl", row)).records
    assert (record.asker.sex, record.asker.age_range, record.asker.name) == (
        "female",
        "30~39",
        "Mia",
    )
    assert (record.ask_date, record.reply_date) == (date(2022, 3, 4), date(2022, 3, 5))
    assert (record.specialty, record.specialty_is_derived) == ("Orthopedics", True)
    assert record.extras == {"rating": 5, "asker_city": "Taipei"}
    assert record.id == content_id("site", "Why does my knee hurt?", "Rest it.", None)


def test_gzip_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write('\n{"id": "x:1", "question": "One?"}\n\n   \n{"id": 2, "question": "Two?"}\n')
    result = load(path)
    assert [r.id for r in result.records] == ["x:1", "2"] and result.issues == []


def test_bad_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "bad.jsonl",
        {"id": "ok:1", "question": "Fine?"},
        '{"id": "x", "question": "broken"',
        "[1, 2]",
        {"id": "x:3"},
        {"id": "x:4", "question": "   "},
        {"id": "x:5", "question": "When?", "ask_date": "2022-13-01"},
        {"id": "x:6", "question": 42},
        {"id": "x:7", "question": "Who?", "asker": {"gender": 3}},
        {"id": "ok:8", "question": "Also fine?"},
    )
    result = load(path)
    assert [r.id for r in result.records] == ["ok:1", "ok:8"]
    messages = [str(issue) for issue in result.issues]
    expected = [
        ("bad.jsonl:2: ", "invalid JSON at column 33"),
        ("bad.jsonl:3: ", "expected a JSON object"),
        ("bad.jsonl:4: ", "field 'question': is missing"),
        ("bad.jsonl:5: ", "field 'question': must not be empty"),
        ("bad.jsonl:6: ", "field 'ask_date': not a date: '2022-13-01'"),
        ("bad.jsonl:7: ", "field 'question': expected text, got int 42"),
        ("bad.jsonl:8: ", "field 'asker.gender': expected text, got int 3"),
    ]
    assert len(messages) == len(expected)
    for message, (where, what) in zip(messages, expected, strict=True):
        assert str(path) in message and where in message and what in message
        assert message.endswith("fix or remove the line")
    assert [(i.line, i.field) for i in result.issues][2:4] == [(4, "question"), (5, "question")]


def test_a_json_array_is_not_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[\n  {"question": "Q?"}\n]\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"a\.json:1: this is a JSON array.*jq -c"):
        load(path)


def test_hostile_lines_are_issues_not_tracebacks(tmp_path: Path) -> None:
    """Issue 14: a line nested 100,000 deep or holding a 5,000-digit number is reported on its
    own line; the records around it load."""
    path = tmp_path / "hostile.jsonl"
    good = json.dumps({"id": "a:1", "question": "Why do my knees ache?", "reply": "Rest them."})
    other = json.dumps({"id": "a:2", "question": "Is coffee bad for the heart?", "reply": "No."})
    path.write_text(
        "\n".join([good, "[" * 100_000 + "]" * 100_000, '{"id": ' + "7" * 5_000 + "}", other])
        + "\n",
        encoding="utf-8",
    )
    result = load(path)
    assert [r.id for r in result.records] == ["a:1", "a:2"]
    assert {i.line for i in result.issues} == {2, 3}
    assert any("nested too deeply" in str(i) for i in result.issues)
