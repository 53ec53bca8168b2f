"""``assistant demo``: demo accounts and a few real patient questions drafted in the queue.

Idempotent: accounts are created once (their random passwords are kept, readable only by
this user, in ``ASSISTANT_HOME/demo-accounts.txt`` and printed each time), and questions
already in the queue are not drafted again.
"""

from __future__ import annotations

import json
import os
import secrets
import string
from pathlib import Path

import typer
from rich.table import Table

from assistant.checks import DraftChecker, OfflineSupportScorer
from assistant.cli.common import console, handled, open_archive, settings
from assistant.drafting import DraftRequest
from assistant.drafting.factory import open_drafter
from assistant.review.store import ReviewStore
from assistant.review.views import QueueFilter, Role, UserView

_ALPHABET = string.ascii_letters + string.digits  # easy to type, never starts with "-"
DATA = Path(__file__).resolve().parents[2] / "data"
ACCOUNTS = (
    ("dr.demo", Role.PHYSICIAN, "Demo Physician"),
    ("ed.demo", Role.EDITOR, "Demo Editor"),
)


def demo(
    questions: int = typer.Option(5, min=0, max=50, help="K-QA patient questions to draft."),
) -> None:
    """Create the demo accounts and draft a few real K-QA patient questions into the queue."""
    config = settings()
    with handled():
        store = ReviewStore.open(config)
        accounts = _accounts(store, config.home / "demo-accounts.txt")
        editor = next(u for u in store.users() if u.name == "ed.demo")
        archive = open_archive(config)
        waiting = {q.question for q in store.queue(QueueFilter())}
        todo = [q for q in _kqa_questions(questions) if q not in waiting]
        checker = DraftChecker(OfflineSupportScorer(archive.embedder))
        with open_drafter(config, archive, "composer") as drafter:
            for text in todo:
                with console.status(f"Drafting: {text[:60]}…"):
                    request = DraftRequest(question=text)
                    draft = drafter.draft(request)
                    created = store.create_question(request, by=editor, origin="demo")
                    store.add_machine_version(created.id, draft, checker.check(draft), by=editor)
    table = Table(title="Demo accounts (local demo only)")
    for column in ("login", "password", "role"):
        table.add_column(column)
    for name, password, role in accounts:
        table.add_row(name, password, role)
    console.print(table)
    console.print(f"{len(todo)} question(s) drafted; the queue holds {len(waiting) + len(todo)}.")


def _accounts(store: ReviewStore, path: Path) -> list[tuple[str, str, str]]:
    saved: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    existing: dict[str, UserView] = {u.name: u for u in store.users()}
    for name, role, display in ACCOUNTS:
        if name not in existing:
            saved[name] = "".join(secrets.choice(_ALPHABET) for _ in range(12))
            store.add_user(name, saved[name], role, display_name=display)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(saved), encoding="utf-8")
    os.chmod(temporary, 0o600)
    temporary.replace(path)
    return [
        (name, saved.get(name, "(set before; see demo-accounts.txt)"), role)
        for name, role, _ in ACCOUNTS
    ]


def _kqa_questions(count: int) -> list[str]:
    """The first ``count`` self-contained physician-answered K-QA questions."""
    out: list[str] = []
    for line in (DATA / "kqa_answered.jsonl").read_text(encoding="utf-8").splitlines():
        question = str(json.loads(line)["question"]).strip()
        if len(question) >= 40 and len(out) < count:
            out.append(question)
    return out
