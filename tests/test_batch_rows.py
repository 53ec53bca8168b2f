"""Validating a batch input: every problem found before any work, with its row number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

from assistant.batch import validate
from assistant.batch.rows import MAX_FIELD_CHARS
from assistant.batch.runner import BatchRunner
from tests.conftest import DATA

DIABETES = (
    "How is type 2 diabetes in older adults treated with diet and exercise and tablets "
    "when they also have kidney disease"
)


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "input.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_kqa_patient_questions_are_accepted_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "kqa.jsonl"
    lines = (DATA / "kqa_patient_questions.jsonl").read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:30]) + "\n", encoding="utf-8")
    report = validate(path)
    assert not report.fatal and report.total == 30
    assert report.rows[0].question == "Is it contagious?" and report.rows[0].row == 1
    assert all("unknown column" not in i.message for i in report.issues)
    assert len(report.rows) + len(report.skipped_rows) == 30


def test_every_row_problem_is_reported_with_its_row(tmp_path: Path) -> None:
    long = "x" * (MAX_FIELD_CHARS + 1)
    path = _csv(
        tmp_path,
        "topic,audience,target_length,reply,colour\n"
        "Asthma in children,caregiver,600,,red\n"  # 2: fine
        ",,,,\n"  # 3: empty
        ",patient,,Rest.,blue\n"  # 4: no topic
        f"Gout,patient,,{long},\n"  # 5: oversized
        "Migraine,doctor,,,\n"  # 6: unknown audience
        "Shingles,patient,lots,,\n"  # 7: bad length
        "asthma in  CHILDREN!,caregiver,600,,\n"  # 8: duplicate of 2
        f"{DIABETES} today\n"  # 9
        f"{DIABETES} now\n",  # 10
    )
    report = validate(path)
    assert not report.fatal
    by_row = {i.row: i.message for i in report.issues}
    assert "unknown column 'colour'" in by_row[None]
    assert by_row[3] == "empty row"
    assert "needs a topic or a question" in by_row[4]
    assert f"reply is {MAX_FIELD_CHARS + 1:,} characters" in by_row[5]
    assert "audience 'doctor'" in by_row[6]
    assert "target_length" in by_row[7]
    assert by_row[8] == "duplicate of row 2"
    assert by_row[10].startswith("near-duplicate of row 9")
    assert [r.row for r in report.rows] == [2, 9]
    assert report.rows[0].audience == "caregiver" and report.rows[0].target_length == 600


def test_missing_question_column_and_wrong_encoding_are_fatal(tmp_path: Path) -> None:
    missing = validate(_csv(tmp_path, "title,specialty\nGout,Rheumatology\n"))
    assert missing.fatal and "no 'topic' or 'question' column" in missing.issues[-1].message
    latin = tmp_path / "latin.csv"
    latin.write_bytes("question\nWhat is acne?\nIs caf\u00e9 bad for me?\n".encode("latin-1"))
    report = validate(latin)
    assert report.fatal and ":3" in report.issues[0].message and "UTF-8" in report.issues[0].message


def test_bad_json_lines_are_reported_and_keys_are_stable(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"question": "Why do my knees ache?", "specialty": "Orthopedics"}\n'
        "not json\n"
        '["a list"]\n'
        '{"topic": ["x"]}\n'
        '{"topic": "Knee pain", "target_length": 300}\n',
        encoding="utf-8",
    )
    report = validate(path)
    assert [i.row for i in report.issues] == [2, 3, 4]
    assert [r.row for r in report.rows] == [1, 5]
    again = validate(path)
    assert [r.key for r in report.rows] == [r.key for r in again.rows]
    assert len({r.key for r in report.rows}) == 2


def test_hostile_rows_are_reported_not_raised(tmp_path: Path) -> None:
    """Issue 14: deep nesting, a 5,000-digit number and a 200 KiB CSV field each become a
    problem on their own line; the good rows around them are kept."""
    jsonl = tmp_path / "hostile.jsonl"
    jsonl.write_text(
        '{"topic": "Gout"}\n'
        + '{"topic": '
        + "[" * 100_000
        + "]" * 100_000
        + "}\n"
        + '{"topic": "Gout flare", "target_length": '
        + "9" * 5_000
        + "}\n"
        + '{"topic": "Kidney stones"}\n',
        encoding="utf-8",
    )
    report = validate(jsonl)
    assert [r.topic for r in report.rows] == ["Gout", "Kidney stones"]
    problems = {i.row: i.message for i in report.issues}
    assert "nested too deeply" in problems[2] and "digits" in problems[3]

    big = _csv(tmp_path, "topic\nGout\n" + '"' + "x" * 200_000 + '"\nKidney stones\n')
    report = validate(big)
    assert [r.topic for r in report.rows] == ["Gout", "Kidney stones"]
    # over csv's 128 KiB field limit, or (where an ingest raised that limit) over ours
    assert any(i.row == 3 for i in report.issues)


def test_a_done_item_the_log_lacks_is_logged_on_resume_not_redone(tmp_path: Path) -> None:
    """A run killed after marking an item done and before logging it (seen under load in
    test_batch_cli's SIGKILL test): the resumed run logs it from the state, once, on a line
    of its own after the line the kill cut short, and does not draft it again."""
    rows = validate(_csv(tmp_path, "topic\nGout\nShingles vaccine\n")).rows
    out = tmp_path / "out"
    # plan() uses neither the pipeline nor the review store
    runner = BatchRunner(out, cast(Any, None), cast(Any, None))
    runner.plan(rows, resume=False, retry_failed=False)
    runner.state.done(rows[0].key, 1.5, 0, 2)
    torn = '{"key": "' + rows[1].key + '", "sta'
    (out / "run.jsonl").write_text(torn, encoding="utf-8")
    runner.close()

    for _ in range(2):  # a second resume logs nothing more
        resumed = BatchRunner(out, cast(Any, None), cast(Any, None))
        todo = resumed.plan(rows, resume=True, retry_failed=False)
        resumed.close()
        assert [r.key for r in todo] == [rows[1].key]
    lines = (out / "run.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines[0] == torn and len(lines) == 2
    logged = json.loads(lines[1])
    assert (logged["key"], logged["status"], logged["row"]) == (rows[0].key, "ok", rows[0].row)
    assert (logged["seconds"], logged["flags"]) == (1.5, 2)
