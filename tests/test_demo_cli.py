"""``assistant demo``: demo accounts printed once and kept, real questions drafted once."""

from __future__ import annotations

import stat
from pathlib import Path

from assistant.config import Settings
from assistant.review.store import ReviewStore
from assistant.review.views import Role
from tests.conftest import PAGE
from tests.test_cli import run


def test_demo_seeds_accounts_and_queue_idempotently(tmp_path: Path) -> None:
    assert run(tmp_path, "ingest", str(PAGE)).returncode == 0
    first = run(tmp_path, "demo", "--questions", "2")
    assert first.returncode == 0, first.stderr
    assert "dr.demo" in first.stdout and "2 question(s) drafted" in first.stdout
    accounts = tmp_path / "state" / "demo-accounts.txt"
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600

    again = run(tmp_path, "demo", "--questions", "2")
    assert "0 question(s) drafted; the queue holds 2" in again.stdout
    password = next(
        line.split("│")[2].strip() for line in first.stdout.splitlines() if "dr.demo" in line
    )
    assert password in again.stdout  # the same account, printed again

    store = ReviewStore.open(Settings(home=tmp_path / "state"))
    physician = store.authenticate("dr.demo", password)
    assert physician is not None and physician.role == Role.PHYSICIAN
    queue = store.queue()
    assert len(queue) == 2 and all(q.latest_version == 1 for q in queue)
    # common-condition questions, each with its physician's first sentence as the reply
    shingles = next(q for q in queue if "shingles more than once" in q.question)
    assert shingles.reply and shingles.reply.startswith("Shingles is a viral infection")
    assert all(q.reply for q in queue)
    assert "first sentence of the physician answer published with K-QA" in first.stdout
