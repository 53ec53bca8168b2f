"""``assistant batch`` driven as a real subprocess: validation, and a SIGKILL mid-run then
``--resume`` with nothing lost, duplicated or redone."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from assistant.batch import validate
from assistant.config import Settings
from assistant.corpus import load
from assistant.index import Archive
from assistant.review.store import ReviewStore
from assistant.review.views import QueueFilter
from tests.conftest import DATA, PAGE
from tests.test_cli import CLI


@pytest.fixture(scope="module")
def index_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the site page and 30 MedQuAD records, built once for the module."""
    home = tmp_path_factory.mktemp("batch-index")
    records = [*load(DATA / "medquad.jsonl.gz", limit=30).records, *load(PAGE).records]
    Archive(Settings(home=home)).ingest(records)
    return home


def _env(index_home: Path, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ASSISTANT_HOME": str(index_home),
        "ASSISTANT_DATABASE_URL": f"sqlite:///{tmp_path / 'review.sqlite3'}",
        "HOME": str(tmp_path),
        "COLUMNS": "160",
    }


def _batch(index_home: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), "batch", *args],
        cwd=tmp_path,
        env=_env(index_home, tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _queue(tmp_path: Path) -> list[str]:
    url = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    store = ReviewStore.open(Settings(home=tmp_path, database_url=url))
    try:
        return [q.question for q in store.queue(QueueFilter()) if q.latest_version == 1]
    finally:
        store.close()


def _kqa(tmp_path: Path, count: int) -> tuple[Path, list[str]]:
    """The first ``count`` distinct K-QA patient questions, as the K-QA file has them."""
    path = tmp_path / "kqa.jsonl"
    lines = (DATA / "kqa_patient_questions.jsonl").read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[: count * 2]) + "\n", encoding="utf-8")
    report = validate(path)
    keep = {r.row for r in report.rows[:count]}
    chosen = [line for n, line in enumerate(lines[: count * 2], start=1) if n in keep]
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path, [json.loads(line)["Question"].strip() for line in chosen]


def test_strict_stops_before_any_work_and_lenient_skips_bad_rows(
    index_home: Path, tmp_path: Path
) -> None:
    source = tmp_path / "topics.csv"
    source.write_text(
        "topic,audience,specialty\n"
        "Gout,patient,Rheumatology\n"
        ",,\n"
        "gout,patient,rheumatology\n"
        "Kidney stones,caregiver,Urology\n",
        encoding="utf-8",
    )
    strict = _batch(index_home, tmp_path, str(source), "--out", "strict", "--strict")
    assert strict.returncode == 1, strict.stdout
    assert "empty row" in strict.stderr and "duplicate of row 2" in strict.stderr
    assert not (tmp_path / "strict").exists() and not (tmp_path / "review.sqlite3").exists()

    lenient = _batch(index_home, tmp_path, str(source), "--out", "out", "--editor", "nobody")
    assert lenient.returncode == 1 and "nobody" in lenient.stderr  # unknown editor: stop
    lenient = _batch(index_home, tmp_path, str(source), "--out", "out")
    assert lenient.returncode == 0, lenient.stderr
    assert "2 row(s) skipped; 2 to draft" in lenient.stderr
    log = [json.loads(line) for line in (tmp_path / "out" / "run.jsonl").read_text().splitlines()]
    assert sorted((e["status"], e["row"]) for e in log) == [
        ("ok", 2),
        ("ok", 5),
        ("skipped", 3),
        ("skipped", 4),
    ]
    article = (tmp_path / "out" / "articles" / f"{log[-1]['key']}.md").read_text()
    assert "not reviewed by a physician" in article and "\n# " in article
    with zipfile.ZipFile(tmp_path / "out" / f"{source.stem}-articles.zip") as bundled:
        assert bundled.namelist() == ["0001-gout.md", "0002-kidney-stones.md", "index.csv"]
        assert bundled.read("0002-kidney-stones.md").decode() == article
    assert sorted(_queue(tmp_path)) == [
        "What should caregivers know about Kidney stones?",
        "What should patients know about Gout?",
    ]
    again = _batch(index_home, tmp_path, str(source), "--out", "out")
    assert again.returncode == 1 and "--resume" in again.stderr
    assert "Gout" not in (tmp_path / "out" / "run.jsonl").read_text()  # the log carries no text


def test_the_run_log_carries_the_text_only_when_settings_say_so(
    index_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "topics.csv"
    source.write_text("topic\nGout\n", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_LOG_PATIENT_TEXT", "1")
    done = _batch(index_home, tmp_path, str(source), "--out", "out")
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "out" / "run.jsonl").read_text().splitlines()
    (entry,) = [json.loads(line) for line in log]
    assert (entry["status"], entry["text"]) == ("ok", "Gout")


def _done(state: Path) -> dict[str, str]:
    if not state.exists():
        return {}
    try:
        with sqlite3.connect(state, timeout=5) as db:
            found = db.execute("SELECT key, status FROM items WHERE status = 'done'").fetchall()
    except sqlite3.OperationalError:  # the run is creating its table right now
        return {}
    return dict(found)


def test_sigkill_then_resume_loses_nothing_and_duplicates_nothing(
    index_home: Path, tmp_path: Path
) -> None:
    source, questions = _kqa(tmp_path, 40)
    assert len(questions) == 40
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [str(CLI), "batch", str(source), "--out", str(out)],
        cwd=tmp_path,
        env=_env(index_home, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while len(_done(out / "state.sqlite3")) < 8:
        assert proc.poll() is None and time.monotonic() < deadline, "batch ended too early"
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = _done(out / "state.sqlite3")
    assert 8 <= len(done) < 40, "killed after the end: nothing to resume"
    mtimes = {k: (out / "articles" / f"{k}.md").stat().st_mtime_ns for k in done}

    resumed = _batch(index_home, tmp_path, str(source), "--out", str(out), "--resume")
    assert resumed.returncode == 0, resumed.stderr

    articles = sorted(p.stem for p in (out / "articles").glob("*.md"))
    assert len(articles) == 40 and len(set(articles)) == 40
    assert len(list((out / "articles").glob("*.json"))) == 40
    queue = _queue(tmp_path)
    assert sorted(queue) == sorted(questions)  # every row once in the queue, none twice
    assert all((out / "articles" / f"{k}.md").stat().st_mtime_ns == t for k, t in mtimes.items())
    log = [json.loads(line) for line in (out / "run.jsonl").read_text().splitlines()]
    ok = Counter(e["key"] for e in log if e["status"] == "ok")
    assert set(ok) == set(articles) and max(ok.values()) == 1  # finished items not redone
    for path in (out / "articles").glob("*.json"):
        payload = json.loads(path.read_text())
        assert "sources" in payload["draft"] and "flags" in payload["checks"]

    nothing = _batch(index_home, tmp_path, str(source), "--out", str(out), "--resume")
    assert nothing.returncode == 0 and "done before this run" in nothing.stdout
    assert len(_queue(tmp_path)) == 40
