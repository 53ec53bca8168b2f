"""``assistant search``: similar past replies for a question, as a table or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import (
    console,
    errors,
    handled,
    open_archive,
    parse_date,
    settings,
)

if TYPE_CHECKING:
    from assistant.retrieval import Filters, HybridRetriever, Source


def search(
    question: str = typer.Argument("", help="The patient's question (omit with --interactive)."),
    k: int = typer.Option(5, "--k", "-k", min=1, max=100, help="How many past replies."),
    specialty: str | None = typer.Option(None, help="Only this specialty, e.g. Surgery."),
    dataset: str | None = typer.Option(None, help="Only this dataset, e.g. MedQuAD."),
    date_from: str | None = typer.Option(None, "--from", help="Replied on or after YYYY-MM-DD."),
    date_to: str | None = typer.Option(None, "--to", help="Replied on or before YYYY-MM-DD."),
    exclude: list[str] = typer.Option([], help="Record ids to leave out."),
    mode: str = typer.Option("hybrid", help="hybrid, dense or keyword."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    interactive: bool = typer.Option(False, "--interactive", "-i", help="Ask questions in turn."),
) -> None:
    """Find past doctor replies similar to a question."""
    from assistant.retrieval import Filters, HybridRetriever, Mode

    if mode not in ("hybrid", "dense", "keyword"):
        raise typer.BadParameter("choose hybrid, dense or keyword", param_hint="--mode")
    filters = Filters(
        specialty=specialty,
        dataset=dataset,
        date_from=parse_date(date_from, "--from"),
        date_to=parse_date(date_to, "--to"),
        exclude_ids=frozenset(exclude),
    )
    if not question.strip() and not interactive:
        raise typer.BadParameter("give a question, or use --interactive", param_hint="QUESTION")
    archive = open_archive(settings())
    if archive.vectors.count() == 0:
        errors.print("[bold red]The index is empty.[/] Run `assistant ingest FILE` first.")
        raise typer.Exit(1)
    mode_: Mode = mode  # type: ignore[assignment]
    retriever = HybridRetriever(archive, mode=mode_)
    if question.strip():
        _answer(retriever, question, k, filters, as_json)
    while interactive:
        try:
            asked = typer.prompt("\nQuestion (empty to quit)", default="", show_default=False)
        except (typer.Abort, EOFError):  # end of input, or Ctrl-C / Ctrl-D
            console.print()
            break
        if not asked.strip():
            break
        _answer(retriever, asked, k, filters, as_json)


def _answer(
    retriever: HybridRetriever, question: str, k: int, filters: Filters, as_json: bool
) -> None:
    with handled():
        sources = retriever.search(question, k, filters)
    if as_json:
        print(json.dumps([s.model_dump(mode="json") for s in sources], indent=2))
        return
    if not sources:
        console.print("[yellow]No similar past replies match.")
        return
    console.print(_table(question, sources))


def _table(question: str, sources: list[Source]) -> Table:
    from assistant.text import shorten

    # every value from the archive or the question escaped: "[/]" in a specialty is text
    table = Table(title=f"Similar past replies: {escape(shorten(question, 70))}", show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("Title / id", max_width=34)
    table.add_column("Doctor · specialty", max_width=22)
    table.add_column("Matched passage", ratio=1)
    table.add_column("Score", justify="right")
    for s in sources:
        who = " · ".join(x for x in (s.doctor and f"Dr. {s.doctor}", s.specialty) if x)
        table.add_row(
            str(s.rank),
            f"[bold]{escape(shorten(s.display_title, 60))}[/]\n[dim]{escape(s.record_id)}[/]",
            escape(who or (s.dataset or "")),
            escape(shorten(s.passage, 300)),
            f"{s.score:.3f}",
        )
    return table
