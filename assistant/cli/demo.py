"""``assistant demo``: demo accounts and a few real patient questions drafted in the queue.

The questions are K-QA patient questions on common conditions (what the demo index, the
consumer-health parts of MedQuAD, covers), each with a physician's short reply: the first
sentence of K-QA's published physician answer (the command says so), since expanding a
physician's reply is the product's main job.

Idempotent: accounts are created once (their random passwords are kept, readable only by
this user, in ``ASSISTANT_HOME/demo-accounts.txt`` and printed each time), and questions
already in the queue are not drafted again.
"""

from __future__ import annotations

import json
import secrets
import string
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from assistant.cli.common import console, handled, open_archive, settings
from assistant.files import write_atomically
from assistant.resources import shipped
from assistant.review.views import QueueFilter, Role, UserView

if TYPE_CHECKING:
    from assistant.drafting import DraftRequest
    from assistant.review.store import ReviewStore

_ALPHABET = string.ascii_letters + string.digits  # easy to type, never starts with "-"
DATA = shipped("data")
ACCOUNTS = (
    ("dr.demo", Role.PHYSICIAN, "Demo Physician"),
    ("ed.demo", Role.EDITOR, "Demo Editor"),
)


def demo(
    questions: int = typer.Option(5, min=0, max=50, help="K-QA patient questions to draft."),
) -> None:
    """Create the demo accounts and draft a few real K-QA patient questions into the queue."""
    from assistant.pipeline import Pipeline
    from assistant.review.store import ReviewStore

    config = settings()
    with handled():
        store = ReviewStore.open(config)
        accounts = _accounts(store, config.home / "demo-accounts.txt")
        editor = next(u for u in store.users() if u.name == "ed.demo")
        archive = open_archive(config)
        waiting = {q.question for q in store.queue(QueueFilter())}
        todo = [r for r in _kqa_requests(questions) if r.question not in waiting]
        with Pipeline.open(config, archive, "composer") as pipeline:
            for request in todo:
                with console.status(f"Drafting: {request.question[:60]}…"):
                    checked = pipeline.draft(request)
                    created = store.create_question(request, by=editor, origin="demo")
                    store.add_machine_version(created.id, checked.draft, checked.report, by=editor)
    table = Table(title="Demo accounts (local demo only)")
    for column in ("login", "password", "role"):
        table.add_column(column)
    for name, password, role in accounts:
        table.add_row(name, password, role)
    console.print(table)
    console.print(f"{len(todo)} question(s) drafted; the queue holds {len(waiting) + len(todo)}.")
    console.print(f"The questions are real K-QA patient questions; {REPLY_NOTE}.")


def _accounts(store: ReviewStore, path: Path) -> list[tuple[str, str, str]]:
    saved: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    existing: dict[str, UserView] = {u.name: u for u in store.users()}
    for name, role, display in ACCOUNTS:
        if name not in existing:
            saved[name] = "".join(secrets.choice(_ALPHABET) for _ in range(12))
            store.add_user(name, saved[name], role, display_name=display)
    write_atomically(path, json.dumps(saved), mode=0o600)  # passwords: the owner's only
    return [
        (name, saved.get(name, "(set before; see demo-accounts.txt)"), role)
        for name, role, _ in ACCOUNTS
    ]


# K-QA questions on common conditions, in the order the queue shows them
COMMON = (78, 25, 135, 67, 200, 79, 11, 35, 170, 199)
REPLY_NOTE = (
    "each reply is the first sentence of the physician answer published with K-QA (MIT "
    "licence), standing in for the physician's short reply"
)


def _kqa_requests(count: int) -> list[DraftRequest]:
    """``count`` K-QA questions with their physician's first sentence as the reply: those on
    common conditions first, then other self-contained ones."""
    from assistant.drafting import DraftRequest
    from assistant.text import split_sentences

    rows = [
        json.loads(line)
        for line in (DATA / "kqa_answered.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    others = [n for n, r in enumerate(rows) if len(str(r["question"]).strip()) >= 40]
    order = [*COMMON, *(n for n in others if n not in COMMON)]
    requests = []
    for n in order[:count]:
        first = split_sentences(str(rows[n]["long_explanation"]))
        requests.append(
            DraftRequest(
                question=str(rows[n]["question"]).strip(),
                reply=first[0] if first else None,
            )
        )
    return requests
