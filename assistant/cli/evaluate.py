"""``assistant eval …``: measurements of the product's quality."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import typer
from rich.table import Table

from assistant.cli import eval_baselines, eval_calibrate, eval_reports, eval_run
from assistant.cli.common import console, errors, open_archive, progress_bar, settings
from assistant.evaluation.retrieval import evaluate, held_out_split, systems, to_markdown

app = typer.Typer(help="Measure retrieval and draft quality.", no_args_is_help=True)
app.command("run")(eval_run.run)
app.command("calibrate")(eval_calibrate.calibrate)
app.command("compare")(eval_reports.compare)
app.command("report")(eval_reports.report)
app.command("export")(eval_reports.export)
app.command("baselines")(eval_baselines.baselines)


@app.command("retrieval")
def retrieval(
    holdout: int = typer.Option(500, min=1, help="Held-out questions."),
    seed: int = typer.Option(13, help="Sampling seed."),
    out: Path | None = typer.Option(None, help="Also write the table as Markdown here."),
) -> None:
    """Recall@5, recall@10 and MRR@10 of dense, BM25 and hybrid retrieval on held-out MedQuAD."""
    archive = open_archive(settings())
    items = held_out_split(archive, holdout, seed)
    if not items:
        errors.print(
            "[bold red]No MedQuAD records with a shared focus are indexed.[/] "
            "Run `assistant ingest data/medquad.jsonl.gz` first."
        )
        raise typer.Exit(1)
    archive.keyword()  # build before timing
    rows = []
    with progress_bar() as progress:
        for name, retriever in systems(archive).items():
            task = progress.add_task(name, total=len(items))
            rows.append(evaluate(name, retriever, items, partial(progress.advance, task)))
    stats = archive.stats()
    table = Table(title=f"Retrieval quality ({len(items)} held-out questions)")
    for column in ("system", "recall@5", "recall@10", "MRR@10", "hit@10", "ms/query"):
        table.add_column(column, justify="left" if column == "system" else "right")
    for r in rows:
        table.add_row(
            r.system,
            f"{r.recall_at_5:.3f}",
            f"{r.recall_at_10:.3f}",
            f"{r.mrr_at_10:.3f}",
            f"{r.hit_at_10:.3f}",
            f"{r.ms_per_query:.1f}",
        )
    console.print(table)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(to_markdown(rows, len(items), stats.records, stats.chunks), encoding="utf-8")
        console.print(f"Written to {out}")
