"""What every command shares: the console, settings, opening the archive, and clean errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from assistant.config import Settings
from assistant.corpus import CorpusError
from assistant.drafting.llm import DraftingError
from assistant.index import Archive, IndexUnavailable
from assistant.llm.client import LLMUnavailable
from assistant.retrieval import UnknownFilterValue

console = Console()
errors = Console(stderr=True)


def settings() -> Settings:
    return Settings()


@contextmanager
def handled() -> Iterator[None]:
    """Turns expected failures into a one-paragraph message and exit code 1."""
    try:
        yield
    except (
        CorpusError,
        IndexUnavailable,
        UnknownFilterValue,
        LLMUnavailable,
        DraftingError,
    ) as exc:
        errors.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None


def open_archive(config: Settings) -> Archive:
    with handled(), console.status("Opening the index…"):
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
