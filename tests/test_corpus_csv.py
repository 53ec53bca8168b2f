"""CSV archives: column mapping, aliases, extras and row errors with physical line numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.corpus import CorpusError, load


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_identity_columns_aliases_and_extras(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "a.csv",
        "id,Question,answer,asker_sex,asker_age_range,ask_date,doctor,clinic\n"
        "s:1,Why?,Because.,male,20~29,2021/07/08,Ke Fangxu,North\n"
        "s:2,How?,,,,,,\n",
    )
    result = load(path)
    assert result.issues == []
    first, second = result.records
    assert (first.id, first.question, first.long_explanation) == ("s:1", "Why?", "Because.")
    assert (first.asker.sex, first.asker.age_range) == ("male", "20~29")
    assert (first.ask_date, first.doctor) == (date(2021, 7, 8), "Ke Fangxu")
    assert first.extras == {"clinic": "North"}
    assert (second.long_explanation, second.ask_date, second.asker.sex) == (None, None, None)


def test_mapped_columns_and_a_bad_row(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "export.csv",
        "Patient question,Doctor answer,Asked on,Sex\n"
        '"Line one\nline two",Fine.,2022-01-02,female\n'
        ",Empty question.,2022-01-03,male\n"
        "Third?,Bad date.,yesterday,male\n"
        "Fourth?,Too,many,cells,here\n",
    )
    columns = {
        "question": "Patient question",
        "reply": "Doctor answer",
        "ask_date": "Asked on",
        "asker_sex": "Sex",
    }
    result = load(path, columns=columns)
    [record] = result.records
    assert (record.question, record.reply) == ("Line one\nline two", "Fine.")
    assert (record.asker.sex, record.ask_date) == ("female", date(2022, 1, 2))
    assert [(i.line, i.field) for i in result.issues] == [
        (4, "Patient question"),
        (5, "Asked on"),
        (6, None),
    ]
    first, second, third = (str(issue) for issue in result.issues)
    assert first.startswith(f"{path}:4: field 'Patient question': must not be empty")
    assert second.startswith(f"{path}:5: field 'Asked on': not a date: 'yesterday'")
    assert third.startswith(f"{path}:6: has 5 cells but the header has 4")


def test_header_without_question_column(tmp_path: Path) -> None:
    path = _csv(tmp_path / "q.csv", "Query,Reply\nWhy?,Because.\n")
    with pytest.raises(CorpusError) as caught:
        load(path)
    message = str(caught.value)
    assert "q.csv:1: no question column" in message
    assert "'Query', 'Reply'" in message and "--column question=MyCol" in message


def test_mapping_to_a_missing_column(tmp_path: Path) -> None:
    path = _csv(tmp_path / "q.csv", "Query,Reply\nWhy?,Because.\n")
    with pytest.raises(CorpusError, match=r"q\.csv:1: column 'Ask' \(mapped to question\)"):
        load(path, columns={"question": "Ask"})
    with pytest.raises(CorpusError, match="unknown field 'colour'"):
        load(path, columns={"question": "Query", "colour": "Reply"})
