"""``assistant users``, ``assistant audit`` and ``assistant export``: reviewer accounts, the
audit trail's verification, and the approved pages written out in the site's layout."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import console, errors, settings
from assistant.files import write_atomically
from assistant.review.errors import ReviewError
from assistant.review.views import AuditVerification, Format, Role, Status

if TYPE_CHECKING:
    from assistant.review.store import ReviewStore

users_app = typer.Typer(
    help="Reviewer accounts: physicians, editors, admins.", no_args_is_help=True
)
audit_app = typer.Typer(help="The hash-chained audit trail.", no_args_is_help=True)


@contextmanager
def review_errors() -> Iterator[None]:
    """The store's refusals and an unreachable database as a message and exit code 1."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except ReviewError as exc:
        errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        errors.print(
            f"[bold red]Error:[/] the review database is unavailable: {escape(detail)}\n"
            "Check ASSISTANT_DATABASE_URL (unset: SQLite under ASSISTANT_HOME).",
            highlight=False,
        )
        raise typer.Exit(1) from None


def open_store() -> ReviewStore:
    from assistant.review.store import ReviewStore

    with review_errors():
        return ReviewStore.open(settings())


# users -------------------------------------------------------------------------------------
@users_app.command("add")
def add_user(
    name: str = typer.Argument(..., help="Login name (letters, digits, . _ - @)."),
    role: Role = typer.Option(..., "--role", help="physician approves; editor drafts; admin."),
    display_name: str | None = typer.Option(
        None, "--display-name", help="Shown on approved pages, e.g. 'Ada Lovelace'."
    ),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Add a user; the password is asked for (hidden, twice) unless given on stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = open_store()
    with review_errors():
        user = store.add_user(name, password, role, display_name)
    console.print(f"Added {user.role} [bold]{escape(user.name)}[/] ({escape(user.display_name)}).")


@users_app.command("list")
def list_users() -> None:
    """All users, active or disabled."""
    store = open_store()
    with review_errors():
        users = store.users()
    table = Table("name", "display name", "role", "active")
    for user in users:
        table.add_row(escape(user.name), escape(user.display_name), user.role.value,
                      "yes" if user.active else "[red]disabled[/]")  # fmt: skip
    console.print(table)


@users_app.command("disable")
def disable_user(name: str = typer.Argument(..., help="The login name.")) -> None:
    """Disable a user: they can no longer log in or act (their history stays)."""
    store = open_store()
    with review_errors():
        user = store.disable_user(name)
    console.print(f"Disabled [bold]{escape(user.name)}[/].")


# audit -------------------------------------------------------------------------------------
@audit_app.command("verify")
def verify() -> None:
    """Check the head's seal and recompute the keyed hash chain: exit 0 when intact, 1
    naming the first broken event (or the head)."""
    store = open_store()
    with review_errors():
        found = store.verify_audit()
    show_verification(found, store)


def show_verification(found: AuditVerification, store: ReviewStore) -> None:
    from assistant.review.audit import anchoring_note

    if not found.ok:
        errors.print(f"[bold red]chain broken:[/] {escape(found.problem or '')} "
                     f"({found.checked} events intact before it)", highlight=False)  # fmt: skip
        raise typer.Exit(1)
    console.print(f"chain intact: {found.checked} events")
    note = anchoring_note(found)
    if note:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    newest = store.events(limit=1)
    if newest:  # to keep elsewhere: a copy of the database put back later shows an older head
        console.print(f"head: event {newest[0].id} {newest[0].hash}", highlight=False)


@audit_app.command("anchor")
def anchor() -> None:
    """Seal the chain as it is now, with this store's key, after `audit verify` refused its
    head and you have found out why (or restored the database). It records an
    "audit.anchored" event; what came before it counts as unanchored from then on. Does
    nothing to an intact chain."""
    store = open_store()
    with review_errors():
        found = store.anchor_audit()
    show_verification(found, store)


@audit_app.command("list")
def list_events(
    actor: str | None = typer.Option(None, help="Only this user's events."),
    action: str | None = typer.Option(None, help="Only this action, e.g. review.approved."),
    question: int | None = typer.Option(None, help="Only events of this question id."),
    limit: int = typer.Option(50, min=1, max=100_000, help="At most this many, newest first."),
) -> None:
    """Audit events, newest first."""
    store = open_store()
    with review_errors():
        events = store.events(actor=actor, action=action, question_id=question, limit=limit)
    table = Table("id", "at (UTC)", "actor", "action", "question", "details")
    for event in events:
        details = json.dumps(event.details, sort_keys=True)
        table.add_row(str(event.id), f"{event.at:%Y-%m-%d %H:%M:%S}", escape(event.actor or "-"),
                      event.action, str(event.question_id or ""), escape(details))  # fmt: skip
    console.print(table)


# export ------------------------------------------------------------------------------------
def export(
    status: str = typer.Option("approved", help="Which pages: only approved ones are exported."),
    format: Format = typer.Option(Format.MD, "--format", help="md, html or json."),
    out: Path = typer.Option(..., "--out", help="Directory to write one file per page into."),
) -> None:
    """Write every approved page, stamped with its approving physician, into DIR."""
    from assistant.review.export import page_name, render_page

    if status != Status.APPROVED.value:
        raise typer.BadParameter("only approved pages leave the store", param_hint="--status")
    store = open_store()
    with review_errors():
        approved = store.approved()
    pages = {out / page_name(full, format): render_page(full, review, format)
             for full, review in approved}  # fmt: skip
    for path, text in pages.items():  # all rendered first: a failure leaves nothing behind
        write_atomically(path, text)
    with review_errors():
        store.record("export", None, format=format.value, count=len(pages),
                     questions=[full.question.id for full, _ in approved])  # fmt: skip
    console.print(f"Exported {len(pages)} approved page(s) as {format.value} to {escape(str(out))}")


# insights ----------------------------------------------------------------------------------
def insights(
    top: int = typer.Option(10, min=0, help="How many of the most deleted sentences to list."),
) -> None:
    """How machine drafts fare with physicians, per drafter and week: approved, approved
    unchanged, rejected, words changed, hours to a decision; the sentences deleted most."""
    from assistant.review.insights import as_text, most_deleted, outcomes, weekly

    store = open_store()
    with review_errors():
        found = outcomes(store)
    if not found:
        console.print("No machine draft yet: run `assistant demo` or draft some questions.")
        return
    rows = [as_text(row) for row in weekly(found)]
    table = Table(*rows[0], title=f"Machine drafts and what physicians did ({len(found)})")
    for row in rows:
        table.add_row(*(escape(value) for value in row.values()))
    console.print(table)
    console.print("[dim]Shares are of the week's drafts; the medians are of decided ones.[/]")
    deleted = most_deleted(found, top)
    if deleted:
        listed = Table(title="Sentences physicians deleted most often")
        for column in ("times", "sentence", "source"):
            listed.add_column(column)
        for d in deleted:
            listed.add_row(str(d.times), escape(d.sentence), escape(d.source))
        console.print(listed)
