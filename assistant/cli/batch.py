"""``assistant batch``: explainer articles for a file of topics or questions, into the queue."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from assistant.cli.common import console, errors, handled, open_archive, settings

if TYPE_CHECKING:
    from assistant.batch import BatchRow, BatchRunner, InputReport, Outcome

SHOWN_ISSUES = 40


def batch(
    input_file: Path = typer.Argument(..., metavar="INPUT", help="A .csv or .jsonl file."),
    out: Path = typer.Option(..., "--out", help="Directory for the articles, log and state."),
    drafter: str | None = typer.Option(
        None, help="composer (grounded, no LLM) or llm; default: ASSISTANT_DRAFTER."
    ),
    concurrency: int = typer.Option(1, min=1, max=32, help="Items drafted at the same time."),
    resume: bool = typer.Option(False, "--resume", help="Continue a run that was stopped."),
    retry_failed: bool = typer.Option(
        False, "--retry-failed", help="Draft again only the items that failed."
    ),
    strict: bool = typer.Option(False, "--strict", help="Stop if any row has a problem."),
    editor: str | None = typer.Option(None, help="The editor (user name) adding the questions."),
) -> None:
    """Draft one explainer article per row (topic or question; optional audience, specialty,
    target_length, reply) into OUT/articles and the review queue. Resumable: run it again
    with --resume after a crash; --retry-failed redoes the failed items."""
    from assistant.batch import BatchRunner, validate
    from assistant.pipeline import Pipeline
    from assistant.review.errors import ReviewError
    from assistant.review.store import ReviewStore

    if drafter not in (None, "composer", "llm"):
        raise typer.BadParameter("choose composer or llm", param_hint="--drafter")
    report = validate(input_file)
    _show_issues(report)
    if report.fatal:
        raise typer.Exit(1)
    if strict and report.issues:
        errors.print("[bold red]--strict:[/] fix the problems above; nothing was written.")
        raise typer.Exit(1)
    if (out / "state.sqlite3").exists() and not (resume or retry_failed):
        errors.print(
            f"[bold red]Error:[/] {out} already holds a batch run: add --resume to finish it "
            "(or --retry-failed), or choose another --out."
        )
        raise typer.Exit(1)
    config = settings()
    with handled():
        store = ReviewStore.open(config)
    try:
        by = store.user(editor) if editor else None
    except ReviewError as exc:
        errors.print(f"[bold red]Error:[/] --editor: {exc}")
        raise typer.Exit(1) from None
    archive = open_archive(config)
    if archive.vectors.count() == 0:
        errors.print("[bold red]The index is empty.[/] Run `assistant ingest FILE` first.")
        raise typer.Exit(1)
    kind: Literal["composer", "llm"] = "llm" if (drafter or config.drafter) == "llm" else "composer"
    counts: Counter[str] = Counter()
    with handled(), Pipeline.open(config, archive, kind) as pipeline:
        runner = BatchRunner(
            out, pipeline, store, by, concurrency, log_patient_text=config.log_patient_text
        )
        try:
            todo = runner.plan(report.rows, resume, retry_failed)
            for issue in report.issues:
                if issue.row is not None:
                    runner.skip(issue.row, issue.message)
            _run(runner, todo, counts, f"{pipeline.name}, {concurrency} at a time")
        finally:
            runner.close()
            store.close()
    _summary(out, report, len(todo), counts, _write_bundle(out, input_file))


def _run(runner: BatchRunner, todo: list[BatchRow], counts: Counter[str], label: str) -> None:
    with Progress(
        SpinnerColumn(),
        TextColumn(f"[bold]Drafting[/] ({escape(label)})"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("batch", total=len(todo), counts=_counts(counts))

        def advance(outcome: Outcome) -> None:
            if outcome.status == "skipped":
                return
            counts["done" if outcome.status == "ok" else "failed"] += 1
            counts["flagged"] += outcome.flags > 0
            counts["tokens"] += outcome.tokens
            progress.update(task, advance=1, counts=_counts(counts))

        runner.on_outcome = advance
        runner.run(todo)


def _counts(counts: Counter[str]) -> str:
    return (
        f"[green]{counts['done']} done[/] · [red]{counts['failed']} failed[/] · "
        f"[yellow]{counts['flagged']} flagged[/]"
    )


def _show_issues(report: InputReport) -> None:
    if not report.issues:
        console.print(f"{report.path}: {len(report.rows)} rows, no problems.")
        return
    table = Table(title=f"Problems in {escape(str(report.path))}")
    table.add_column("row", justify="right")
    table.add_column("problem", ratio=1)
    for issue in report.issues[:SHOWN_ISSUES]:
        where = str(issue.row) if issue.row is not None else "—"
        table.add_row(where, escape(issue.message))
    errors.print(table)
    if len(report.issues) > SHOWN_ISSUES:
        errors.print(f"… and {len(report.issues) - SHOWN_ISSUES} more (all in run.jsonl).")
    skipped = report.skipped_rows
    if skipped and not report.fatal:
        errors.print(f"{len(skipped)} row(s) skipped; {len(report.rows)} to draft.")


def _write_bundle(out: Path, input_file: Path) -> Path:
    """Every finished article of the run, named ``NNNN-topic.md`` in the file's order, in one
    zip beside the articles (rewritten whole after each run; the ``articles/`` files keep the
    item keys that resuming relies on)."""
    from assistant.batch.bundle import bundle
    from assistant.files import write_atomically

    return write_atomically(out / f"{input_file.stem}-articles.zip", bundle(out / "articles"))


def _summary(
    out: Path, report: InputReport, todo: int, counts: Counter[str], bundled: Path
) -> None:
    table = Table(title="Batch summary")
    table.add_column("")
    table.add_column("items", justify="right")
    already = len(report.rows) - todo
    rows = [
        ("rows read", report.total),
        ("skipped (invalid or duplicate)", len(report.skipped_rows)),
        ("done before this run", already),
        ("drafted now", counts["done"]),
        ("failed (see run.jsonl; --retry-failed)", counts["failed"]),
        ("flagged for the reviewer", counts["flagged"]),
        ("tokens", counts["tokens"]),
    ]
    for name, value in rows:
        table.add_row(name, f"{value:,}")
    console.print(table)
    console.print(
        f"Articles named in the file's order: {escape(str(bundled))}; run log "
        f"{escape(str(out / 'run.jsonl'))}; the run's own files in "
        f"{escape(str(out / 'articles'))}.",
        highlight=False,
    )
