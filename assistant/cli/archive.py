"""``assistant ingest``, ``remove`` and ``stats``: filling and inspecting the index."""

from __future__ import annotations

import fnmatch
import random
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from assistant.cli.common import console, errors, handled, open_archive, settings

if TYPE_CHECKING:
    from assistant.corpus import LoadResult
    from assistant.index import IngestReport

MAX_SHOWN = 10


def ingest(
    paths: list[Path] = typer.Argument(
        None, help="Archive files: .jsonl[.gz], .csv, .txt pages.", show_default=False
    ),
    format: str | None = typer.Option(
        None, "--format", "-f", help="One of jsonl, csv, pages; default: from the file name."
    ),
    column: list[str] = typer.Option(
        [], "--column", help="CSV column mapping FIELD=COLUMN, e.g. --column question=Body."
    ),
    strict: bool = typer.Option(False, help="Abort, writing nothing, if any line is bad."),
    prune: bool = typer.Option(False, help="Delete indexed records that these files lack."),
    limit: int | None = typer.Option(None, min=0, help="Take only the first N records."),
    sample: int | None = typer.Option(None, min=1, help="Take a random N records (--seed)."),
    seed: int = typer.Option(13, help="Seed for --sample."),
    only: list[str] = typer.Option(
        [],
        "--only",
        help="Take only records whose id matches this pattern (repeatable; * and ? wildcards), "
        "e.g. --only 'medquad:4_*' for MedlinePlus health topics.",
    ),
    from_store: bool = typer.Option(
        False,
        "--from-store",
        help="Import the review store's approved pages (ids approved:N, the approving "
        "physician as doctor); run it again after approvals: unchanged pages are skipped.",
    ),
) -> None:
    """Import archive files into the index (incremental: unchanged records are skipped)."""
    from assistant.corpus import FORMATS, LoadResult, load_many

    if from_store == bool(paths):
        raise typer.BadParameter("give archive files, or --from-store (not both)")
    if format is not None and format not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    if prune and (limit is not None or sample is not None or only):
        raise typer.BadParameter(
            "--prune with a subset would delete the rest of the archive", param_hint="--prune"
        )
    columns = dict(_mapping(c) for c in column)
    with handled():
        if from_store:
            from assistant.review.store import ReviewStore
            from assistant.review.to_archive import approved_records

            loaded = LoadResult(records=approved_records(ReviewStore.open(settings())))
            if not loaded.records:
                console.print("No approved page in the review store yet: nothing to import.")
                return
        else:
            loaded = load_many(paths, format=format, columns=columns or None, limit=limit)
    _report_load(loaded)
    if strict and loaded.issues:
        errors.print(f"[bold red]--strict: {len(loaded.issues)} bad item(s); nothing was written.")
        raise typer.Exit(1)
    records = loaded.records
    if only:
        records = [r for r in records if any(fnmatch.fnmatchcase(r.id, p) for p in only)]
        if not records and loaded.records:
            patterns = escape(" or ".join(map(repr, only)))
            errors.print(
                f"[bold red]No record id matches {patterns}[/]; ids look like "
                f"{escape(repr(loaded.records[0].id))}"
            )
            raise typer.Exit(1)
    if sample is not None and sample < len(records):
        records = random.Random(seed).sample(records, sample)
    if not records:
        errors.print("[bold red]No valid records to ingest.")
        raise typer.Exit(1)

    archive = open_archive(settings())
    with console.status("Comparing with the index…"):
        plan = archive.plan(records, prune)
    console.print(
        f"{len(records):,} records: {len(plan.changed):,} new or changed, "
        f"{plan.unchanged:,} unchanged" + (f", {len(plan.removed):,} to remove" if prune else "")
    )
    with _progress() as progress:
        task = progress.add_task("Embedding", total=len(plan.changed), chunks=0, rate=0.0)

        def advance(records_done: int, chunks: int) -> None:
            state = progress.tasks[task]
            done_chunks = int(state.fields["chunks"]) + chunks
            elapsed = state.elapsed or 1e-9
            progress.update(
                task, advance=records_done, chunks=done_chunks, rate=done_chunks / elapsed
            )

        report = archive.ingest(records, prune=prune, progress=advance, plan=plan)
    _summary(report, loaded)


def remove(ids: list[str] = typer.Argument(..., help="Record ids to delete.")) -> None:
    """Delete records (all their chunks) from the index."""
    archive = open_archive(settings())
    missing = archive.remove(ids)
    console.print(f"Removed {len(ids) - len(missing)} record(s).")
    if missing:
        errors.print(f"[yellow]Not in the index:[/] {escape(', '.join(missing))}")
        raise typer.Exit(1)


def stats() -> None:
    """Records, chunks, specialties, datasets and size on disk."""
    archive = open_archive(settings())
    with console.status("Counting…"):
        s = archive.stats()
    overview = Table(title="Index", show_header=False)
    overview.add_row("backend", s.backend)
    overview.add_row("records", f"{s.records:,}")
    overview.add_row("chunks", f"{s.chunks:,}")
    overview.add_row("size on disk", f"{s.disk_bytes / 1e6:,.1f} MB")
    overview.add_row("revision", str(s.revision))
    console.print(overview)
    for title, counts in (("By dataset", s.by_dataset), ("By specialty", s.by_specialty)):
        table = Table(title=title)
        table.add_column(title.removeprefix("By ").capitalize())
        table.add_column("records", justify="right")
        for name, count in counts.most_common():
            table.add_row(escape(name), f"{count:,}")  # a specialty may hold "[/]"
        console.print(table)


def _mapping(text: str) -> tuple[str, str]:
    field, sep, column = text.partition("=")
    if not sep or not field.strip() or not column.strip():
        raise typer.BadParameter(f"{text!r} is not FIELD=COLUMN", param_hint="--column")
    return field.strip(), column.strip()


def _report_load(loaded: LoadResult) -> None:
    if loaded.issues:
        errors.print(f"[yellow]{len(loaded.issues)} bad item(s) skipped:")
        for issue in loaded.issues[:MAX_SHOWN]:
            errors.print(f"  {issue}", highlight=False, markup=False)
        if len(loaded.issues) > MAX_SHOWN:
            errors.print(f"  … and {len(loaded.issues) - MAX_SHOWN} more")
    if loaded.warnings:
        errors.print(f"[yellow]{len(loaded.warnings)} warning(s):")
        for warning in loaded.warnings[:MAX_SHOWN]:
            errors.print(f"  {warning}", highlight=False, markup=False)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("records · {task.fields[chunks]:,} chunks · {task.fields[rate]:.0f} chunks/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
    )


def _summary(report: IngestReport, loaded: LoadResult) -> None:
    table = Table(title="Ingest summary")
    for name in (
        "added",
        "updated",
        "unchanged",
        "removed",
        "skipped",
        "chunks",
        "reused",
        "seconds",
        "chunks/s",
    ):
        table.add_column(name, justify="right")
    rate = report.chunks_embedded / report.seconds if report.seconds else 0.0
    table.add_row(
        f"{report.added:,}",
        f"{report.updated:,}",
        f"{report.unchanged:,}",
        f"{report.removed:,}",
        f"{len(loaded.issues):,}",
        f"{report.chunks_embedded:,}",
        f"{report.chunks_reused:,}",
        f"{report.seconds:.1f}",
        f"{rate:.0f}",
    )
    console.print(table)
