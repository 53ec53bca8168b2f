"""``assistant users``, ``assistant audit`` and ``assistant export`` through the real
``assistant`` script, with the store (SQLite under a temporary ASSISTANT_HOME) filled
in-process; the hidden password prompt through typer's runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import Settings
from assistant.index import Archive
from assistant.review.store import ReviewStore
from assistant.review.views import Role
from tests.builders import make_draft
from tests.conftest import TEST_HASHER
from tests.test_review_store import checks

CLI = Path(sys.executable).with_name("assistant")
SCRIPT = '<script>alert("x")</script>'


def run(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_HOME": str(home), "COLUMNS": "200"}
    env.pop("ASSISTANT_DATABASE_URL", None)
    return subprocess.run(
        [str(CLI), *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def store_at(home: Path) -> ReviewStore:
    return ReviewStore.open(Settings(home=home), hasher=TEST_HASHER)


def test_users_add_list_disable(tmp_path: Path, cli: CliRunner) -> None:
    home = tmp_path / "state"
    added = run(home, "users", "add", "Ada", "--role", "physician", "--display-name",
                "Ada Lovelace", "--password-stdin", stdin="correct horse\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "Added physician ada (Ada Lovelace)" in added.stdout
    assert (home / "review.sqlite3").exists()
    taken = cli.invoke(app, ["users", "add", "ada", "--role", "editor", "--password-stdin"],
                       input="long enough\n")  # fmt: skip
    assert taken.exit_code == 1 and "taken" in taken.stderr
    short = cli.invoke(app, ["users", "add", "bob", "--role", "editor", "--password-stdin"],
                       input="short\n")  # fmt: skip
    assert short.exit_code == 1 and "at least 8" in short.stderr
    nurse = cli.invoke(app, ["users", "add", "bob", "--role", "nurse", "--password-stdin"])
    assert nurse.exit_code == 2
    store = store_at(home)
    assert store.authenticate("ada", "correct horse") is not None
    assert cli.invoke(app, ["users", "disable", "ada"]).exit_code == 0
    listed = cli.invoke(app, ["users", "list"])
    assert "Ada Lovelace" in listed.stdout and "disabled" in listed.stdout
    assert store.authenticate("ada", "correct horse") is None
    missing = cli.invoke(app, ["users", "disable", "nobody"])
    assert missing.exit_code == 1 and "no user 'nobody'" in missing.stderr


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The real command line, in-process (one subprocess costs seconds of imports)."""
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("ASSISTANT_DATABASE_URL", raising=False)
    return CliRunner()


def test_password_prompt_is_hidden_and_confirmed(tmp_path: Path, cli: CliRunner) -> None:
    typo = cli.invoke(
        app, ["users", "add", "ed", "--role", "editor"], input="battery staple\nbattery stapel\n"
        "battery staple\nbattery staple\n",
    )  # fmt: skip
    assert typo.exit_code == 0, typo.output
    assert "battery" not in typo.output  # hidden input is not echoed
    assert "do not match" in typo.output.lower()
    assert store_at(tmp_path / "state").authenticate("ed", "battery staple") is not None


def test_audit_verify_and_list(tmp_path: Path, cli: CliRunner) -> None:
    home = tmp_path / "state"
    store = store_at(home)
    store.add_user("ada", "correct horse", Role.PHYSICIAN)
    store.add_user("ed", "battery staple", Role.EDITOR)
    store.authenticate("ada", "guess word")
    intact = run(home, "audit", "verify")
    newest = store.events(limit=1)[0]
    assert (intact.returncode, intact.stdout.strip().splitlines()) == (
        0, ["chain intact: 3 events", f"head: event 3 {newest.hash}"]
    )  # fmt: skip
    listed = cli.invoke(app, ["audit", "list", "--action", "user.added", "--limit", "1"])
    assert "user.added" in listed.stdout and '"user": "ed"' in listed.stdout
    assert '"user": "ada"' not in listed.stdout
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit_events SET actor = 'eve' WHERE id = 2")
    broken = cli.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "event 2 was altered" in broken.stderr


def test_audit_anchor_after_a_deleted_head(tmp_path: Path, cli: CliRunner) -> None:
    """The head deleted: verify names it, every write is refused with what to do, and an
    operator's `audit anchor` seals the chain again, saying what it could not check."""
    store = store_at(tmp_path / "state")
    store.add_user("ada", "correct horse", Role.PHYSICIAN)
    assert cli.invoke(app, ["audit", "anchor"]).stdout.startswith("chain intact: 1 events")
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM audit_head")
    broken = cli.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1 and "head record is missing" in broken.stderr
    refused = cli.invoke(app, ["users", "disable", "ada"])
    assert refused.exit_code == 1 and "assistant audit anchor" in " ".join(refused.stderr.split())
    anchored = cli.invoke(app, ["audit", "anchor"])
    assert anchored.exit_code == 0, anchored.stderr
    assert "chain intact: 2 events" in anchored.stdout
    assert "event 1 was written before the store had an audit key" in anchored.stdout
    assert cli.invoke(app, ["users", "disable", "ada"]).exit_code == 0
    assert cli.invoke(app, ["audit", "verify"]).exit_code == 0


def test_export_md_html_json_with_the_approving_physician(tmp_path: Path) -> None:
    home, out = tmp_path / "state", tmp_path / "out"
    store = store_at(home)
    doc = store.add_user("ada", "correct horse", Role.PHYSICIAN, "Ada Lovelace")
    ed = store.add_user("ed", "battery staple", Role.EDITOR)
    draft = make_draft(f"Is this lump dangerous? {SCRIPT}")
    shown = store.create_question(draft.request, ed)
    store.add_machine_version(shown.id, draft, checks())
    approval = store.approve(shown.id, 1, doc)
    waiting = store.create_question(make_draft("Still waiting?").request, ed)
    store.add_machine_version(waiting.id, make_draft(), checks())  # not approved: not exported
    name = f"{shown.id:05d}-understanding-calcified-lumps"

    with ThreadPoolExecutor(3) as pool:  # three real `assistant export` runs side by side
        runs = pool.map(lambda f: run(home, "export", "--status", "approved", "--format", f,
                                      "--out", str(out)), ("md", "html", "json"))  # fmt: skip
        for done in runs:
            assert done.returncode == 0, done.stderr
            assert "Exported 1 approved page(s)" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == [f"{name}.{x}" for x in ("html", "json", "md")]
    stamp = f"Approved by Dr. Ada Lovelace on {approval.created_at:%Y-%m-%d %H:%M} UTC"
    markdown = (out / f"{name}.md").read_text()
    assert stamp in markdown and "DRAFT" not in markdown
    html = (out / f"{name}.html").read_text()
    assert stamp in html and "<script>" not in html and "&lt;script&gt;" in html
    page = json.loads((out / f"{name}.json").read_text())
    assert set(page) == {"question", "version", "draft", "checks", "approval"}
    assert page["approval"]["physician"] == "Ada Lovelace" and page["version"]["number"] == 1
    assert page["question"]["status"] == "approved" and page["checks"]["scorer"] == "test"
    assert page["draft"]["title"] == "Understanding calcified lumps"
    assert not list(out.glob(".*.tmp"))
    exports = store.events(action="export")
    assert sorted(e.details["format"] for e in exports) == ["html", "json", "md"]
    assert exports[0].details["questions"] == [shown.id]
    assert store.verify_audit().ok


def test_export_refuses_what_is_not_approved(tmp_path: Path, cli: CliRunner) -> None:
    refused = cli.invoke(app, ["export", "--status", "pending", "--out", str(tmp_path / "out")])
    assert refused.exit_code == 2 and "only approved" in refused.stderr
    assert not (tmp_path / "out").exists()


def test_insights_per_drafter_and_week(tmp_path: Path, cli: CliRunner) -> None:
    assert "No machine draft yet" in cli.invoke(app, ["insights"]).stdout
    store = store_at(tmp_path / "state")
    doc = store.add_user("ada", "correct horse", Role.PHYSICIAN, "Ada Lovelace")
    for n in range(2):
        question = store.create_question(make_draft(f"Question {n}?").request, doc)
        store.add_machine_version(question.id, make_draft(), checks())
    store.approve(question.id, 1, doc)
    shown = cli.invoke(app, ["insights"])
    assert shown.exit_code == 0, shown.stderr
    (row,) = [line for line in shown.stdout.splitlines() if "grounded-composer" in line]
    cells = [c.strip() for c in row.strip("│ ").split("│")]
    assert cells[2:6] == ["2", "50%", "50%", "0%"]  # drafts, approved, unchanged, rejected


def test_approved_pages_feed_the_archive(tmp_path: Path, cli: CliRunner) -> None:
    home = tmp_path / "state"
    assert "No approved page" in cli.invoke(app, ["ingest", "--from-store"]).stdout
    store = store_at(home)
    doc = store.add_user("ada", "correct horse", Role.PHYSICIAN, "Ada Lovelace")
    draft = make_draft()
    question = store.create_question(draft.request, doc)
    store.add_machine_version(question.id, draft, checks())
    store.approve(question.id, 1, doc)
    first = cli.invoke(app, ["ingest", "--from-store"])
    assert first.exit_code == 0, first.stderr
    assert "1 new or changed" in first.stdout
    (record,) = Archive(Settings(home=home)).records([f"approved:{question.id}"]).values()
    assert (record.dataset, record.doctor) == ("approved", "Ada Lovelace")
    assert record.long_explanation == "Here is more.\n\nWhat this may be\nCalcium builds up."
    assert record.extras["replied_by"] == "Ke Fangxu" and record.reply == draft.request.reply
    again = cli.invoke(app, ["ingest", "--from-store"])  # idempotent
    assert "0 new or changed, 1 unchanged" in again.stdout
    both = cli.invoke(app, ["ingest", "--from-store", str(tmp_path / "x.jsonl")])
    assert both.exit_code == 2 and "not both" in both.stderr
