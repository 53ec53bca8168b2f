"""What every command shares: the console, settings, opening the archive, and clean errors.

The command modules import the library inside their commands, not at the top: ``assistant
--help`` then loads typer and rich only, and each command loads what it uses (a search never
loads the LLM client or the review store). ``bench/bench_startup.py`` measures it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from assistant.errors import UserError

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.index import Archive

console = Console()
errors = Console(stderr=True)


def settings() -> Settings:
    from assistant.config import Settings

    return Settings()


@contextmanager
def handled() -> Iterator[None]:
    """Turns expected failures into a one-paragraph message and exit code 1."""
    try:
        yield
    except UserError as exc:
        # the message is plain text: "[index]" in it is not markup
        errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None


def open_archive(config: Settings) -> Archive:
    with handled(), console.status("Opening the index…"):
        from assistant.index import Archive

        return Archive(config)


def parse_date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date like 2022-03-24", param_hint=option
        ) from None


def progress_bar(eta: bool = False) -> Progress:
    """The progress bar of the eval commands: description, bar, done of total, time (and ETA)."""
    columns: list[ProgressColumn] = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    if eta:
        columns.append(TimeRemainingColumn())
    return Progress(*columns, console=console)
