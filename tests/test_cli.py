"""The real CLI, run as a subprocess with its own ASSISTANT_HOME (and HOME) per test."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CALF_QUERY, DATA, PAGE

CLI = Path(sys.executable).with_name("assistant")


def run(
    tmp_path: Path, *args: str, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ASSISTANT_HOME": str(tmp_path / "state"),
        "HOME": str(tmp_path / "home"),
        "COLUMNS": "160",
        **(extra_env or {}),
    }
    return subprocess.run(
        [str(CLI), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )


def _jsonl(path: Path, *lines: str) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps({"id": "a:1", "question": "Why do my knees ache?", "reply": "Rest them."})
GOOD2 = json.dumps({"id": "a:2", "question": "Is coffee bad for the heart?", "reply": "No."})
BAD = json.dumps({"id": "a:3", "question": "", "reply": "?"})


def test_page_ingest_then_search_finds_it_first(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    ingest = run(tmp_path, "ingest", str(PAGE), "--format", "pages")
    assert ingest.returncode == 0, ingest.stderr
    assert "Ingest summary" in ingest.stdout and "added" in ingest.stdout

    found = run(tmp_path, "search", CALF_QUERY, "--json")
    assert found.returncode == 0, found.stderr
    top = json.loads(found.stdout)[0]
    assert top["title"] == "Subcutaneous tissue of the calf?"
    assert (top["doctor"], top["specialty"]) == ("Ke Fangxu", "Surgery")

    table = run(tmp_path, "search", CALF_QUERY, "--k", "3", "--specialty", "Surgery")
    assert "Ke Fangxu" in table.stdout and "Subcutaneous tissue" in table.stdout

    again = run(tmp_path, "ingest", str(PAGE))
    assert "0 new or changed, 1 unchanged" in again.stdout

    # nothing written outside ASSISTANT_HOME: no model downloads, no caches in HOME or cwd
    assert list((tmp_path / "home").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "state"]


def test_bad_lines_are_skipped_and_named(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "replies.jsonl", GOOD, "{not json", BAD, GOOD2)
    result = run(tmp_path, "ingest", str(path))
    assert result.returncode == 0, result.stderr
    assert "2 bad item(s) skipped" in result.stderr
    assert "replies.jsonl:2" in result.stderr
    assert "replies.jsonl:3: field 'question'" in result.stderr
    stats = run(tmp_path, "stats")
    assert "records" in stats.stdout and "│ 2 " in stats.stdout.replace("│ 2      ", "│ 2 ")


def test_strict_aborts_before_writing(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "replies.jsonl", GOOD, BAD)
    result = run(tmp_path, "ingest", str(path), "--strict")
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    assert "replies.jsonl:2: field 'question'" in result.stderr
    assert not (tmp_path / "state").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jsonl", b"", "is empty"),
        ("notes.docx", b"hello", "Accepted formats"),
        ("latin.jsonl", '{"question": "caf\u00e9"}\n'.encode("latin-1"), "UTF-8"),
    ],
)
def test_unreadable_files_fail_clearly(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = run(tmp_path, "ingest", str(path))
    assert result.returncode == 1
    assert name in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_duplicate_ids_last_wins_with_warning(tmp_path: Path) -> None:
    later = json.dumps({"id": "a:1", "question": "Why do my ankles ache?", "reply": "Ice them."})
    path = _jsonl(tmp_path / "replies.jsonl", GOOD, later)
    result = run(tmp_path, "ingest", str(path))
    assert result.returncode == 0 and "duplicate id 'a:1'" in result.stderr
    found = json.loads(run(tmp_path, "search", "ankles", "--json").stdout)
    assert [s["question"] for s in found] == ["Why do my ankles ache?"]


def test_remove_and_prune(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "replies.jsonl", GOOD, GOOD2)
    assert run(tmp_path, "ingest", str(path)).returncode == 0
    removed = run(tmp_path, "remove", "a:1", "a:404")
    assert removed.returncode == 1 and "a:404" in removed.stderr
    assert [
        s["record_id"] for s in json.loads(run(tmp_path, "search", "knees", "--json").stdout)
    ] == ["a:2"]

    _jsonl(path, GOOD)
    pruned = run(tmp_path, "ingest", str(path), "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert [
        s["record_id"] for s in json.loads(run(tmp_path, "search", "heart", "--json").stdout)
    ] == ["a:1"]

    refused = run(tmp_path, "ingest", str(path), "--prune", "--limit", "1")
    assert refused.returncode == 2 and "--prune" in refused.stderr


def test_search_needs_an_index_and_valid_options(tmp_path: Path) -> None:
    empty = run(tmp_path, "search", "anything")
    assert empty.returncode == 1 and "index is empty" in empty.stderr
    bad_date = run(tmp_path, "search", "x", "--from", "yesterday")
    assert bad_date.returncode == 2 and "2022-03-24" in bad_date.stderr


def test_unreachable_chroma_server_is_explained(tmp_path: Path) -> None:
    from tests.conftest import free_port

    url = f"http://127.0.0.1:{free_port()}"
    result = run(tmp_path, "stats", extra_env={"ASSISTANT_CHROMA_URL": url})
    assert result.returncode == 1
    assert "Cannot reach the Chroma server" in result.stderr and "Traceback" not in result.stderr


def test_server_mode_via_settings(tmp_path: Path, chroma_server: str) -> None:
    env = {"ASSISTANT_CHROMA_URL": chroma_server, "ASSISTANT_COLLECTION": "cli-server"}
    assert run(tmp_path, "ingest", str(PAGE), extra_env=env).returncode == 0
    found = run(tmp_path, "search", CALF_QUERY, "--json", extra_env=env)
    assert json.loads(found.stdout)[0]["doctor"] == "Ke Fangxu"
    stats = run(tmp_path, "stats", extra_env=env)
    assert f"chroma server {chroma_server}" in stats.stdout


def test_only_ingests_the_records_whose_id_matches(tmp_path: Path) -> None:
    other = json.dumps({"id": "b:1", "question": "Why is my knee swollen?", "reply": "Ice it."})
    path = _jsonl(tmp_path / "replies.jsonl", GOOD, GOOD2, other)
    taken = run(tmp_path, "ingest", str(path), "--only", "a:*")
    assert taken.returncode == 0, taken.stderr
    assert "2 records: 2 new or changed" in taken.stdout
    found = json.loads(run(tmp_path, "search", "knee", "--json").stdout)
    assert {s["record_id"] for s in found} <= {"a:1", "a:2"}

    none = run(tmp_path, "ingest", str(path), "--only", "[/]x*")
    assert none.returncode == 1
    assert "No record id matches '[/]x*'" in none.stderr and "'a:1'" in none.stderr
    refused = run(tmp_path, "ingest", str(path), "--prune", "--only", "a:*")
    assert refused.returncode != 0 and "--prune" in refused.stderr


def test_eval_retrieval_prints_both_tables(tmp_path: Path) -> None:
    (tmp_path / "home").mkdir()
    foci = {"Proctitis", "Hemorrhoids", "Gout"}
    with gzip.open(DATA / "medquad.jsonl.gz", "rt", encoding="utf-8") as lines:
        kept = [line for line in lines if json.loads(line).get("focus") in foci]
    small = tmp_path / "small.jsonl"
    small.write_text("".join(kept), encoding="utf-8")
    assert run(tmp_path, "ingest", str(small)).returncode == 0

    out = tmp_path / "tables.md"
    result = run(
        tmp_path, "eval", "retrieval", "--holdout", "8", "--patients", "2", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "8 held-out MedQuAD questions" in result.stdout
    assert "Real patient questions (2 K-QA" in result.stdout
    tables = out.read_text(encoding="utf-8")
    assert tables.count("| focus + ask, hybrid (RRF + MMR, default) |") == 2
    assert "statement recall@10" in tables


def test_rich_markup_in_a_record_is_text(tmp_path: Path) -> None:
    """A record's specialty, title or id with "[/]" in it (issue 14): stats and search print
    it as written instead of failing on every call."""
    (tmp_path / "home").mkdir()
    odd = json.dumps(
        {
            "id": "odd:[/]1",
            "question": "Why do my [bold]knees[/] ache at night?",
            "reply": "Rest them [/] and see a doctor if it goes on.",
            "specialty": "Ortho[/]pedics",
            "title": "Knee [red]pain[/red]",
        }
    )
    assert run(tmp_path, "ingest", str(_jsonl(tmp_path / "odd.jsonl", odd))).returncode == 0
    stats = run(tmp_path, "stats")
    assert stats.returncode == 0, stats.stderr
    assert "Ortho[/]pedics" in stats.stdout
    found = run(tmp_path, "search", "knees ache at night")
    assert found.returncode == 0, found.stderr
    assert "Knee [red]pain[/red]" in found.stdout and "odd:[/]1" in found.stdout
