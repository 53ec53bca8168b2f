"""``assistant eval …``: measurements of the product's quality."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import astuple
from functools import partial
from pathlib import Path

import typer
from rich.table import Table

from assistant.cli import eval_baselines, eval_calibrate, eval_reports, eval_run
from assistant.cli.common import console, errors, handled, open_archive, progress_bar, settings

app = typer.Typer(help="Measure retrieval and draft quality.", no_args_is_help=True)
app.command("run")(eval_run.run)
app.command("calibrate")(eval_calibrate.calibrate)
app.command("rescore")(eval_run.rescore)
app.command("compare")(eval_reports.compare)
app.command("report")(eval_reports.report)
app.command("export")(eval_reports.export)
app.command("baselines")(eval_baselines.baselines)


@app.command("retrieval")
def retrieval(
    suite: Path | None = typer.Option(
        None,
        "--suite",
        help="A retrieval suite (default: eval/suites/retrieval.toml of the eval folder): its "
        "systems, held-out questions and patient questions; the options below override it.",
    ),
    holdout: int | None = typer.Option(None, min=1, help="Held-out MedQuAD questions."),
    patients: int | None = typer.Option(
        None,
        min=0,
        help="K-QA patient questions, judged against the physicians' answers (0: skip).",
    ),
    seed: int | None = typer.Option(None, help="Sampling seed."),
    out: Path | None = typer.Option(None, help="Also write the tables as Markdown here."),
) -> None:
    """Recall and MRR@10 of dense, BM25, hybrid and focused retrieval: on held-out MedQuAD,
    and on real patient questions judged against the physicians' answers."""
    from assistant.evaluation import patient_retrieval
    from assistant.evaluation.dataset import load_card_items
    from assistant.evaluation.judges.offline import OfflineJudge
    from assistant.evaluation.retrieval import evaluate, held_out_split, systems, to_markdown
    from assistant.evaluation.specs import SpecError, load_card
    from assistant.evaluation.suites import load_retrieval_suite, suite_eval_dir

    config = settings()
    path = suite or config.eval_dir / "suites" / "retrieval.toml"
    with handled():
        spec = load_retrieval_suite(path)
        patients_set = None
        if spec.patients is not None:
            patients_set = load_card_items(load_card(spec.patients.dataset, suite_eval_dir(path)))
    holdout = spec.holdout if holdout is None else holdout
    seed = spec.seed if seed is None else seed
    if patients is None:
        patients = spec.patients.limit if spec.patients else 0
    archive = open_archive(config)
    available = systems(archive)
    unknown = [name for name in spec.systems if name not in available]
    if unknown:
        with handled():
            raise SpecError(
                f"{path}: key 'systems': unknown system(s) {', '.join(map(repr, unknown))} — "
                f"use these names: {', '.join(map(repr, available))}."
            )
    compared = {name: available[name] for name in spec.systems}
    items = held_out_split(archive, holdout, seed)
    if not items:
        errors.print(
            "[bold red]No MedQuAD records with a shared focus are indexed.[/] "
            "Run `assistant ingest data/medquad.jsonl.gz` first."
        )
        raise typer.Exit(1)
    archive.keyword()  # build before timing
    archive.speller()
    rows = []
    with progress_bar() as progress:
        for name, retriever in compared.items():
            task = progress.add_task(name, total=len(items))
            rows.append(evaluate(name, retriever, items, partial(progress.advance, task)))
    stats = archive.stats()
    columns = ("system", "recall@5", "recall@10", "MRR@10", "hit@10", "ms/query")
    title = f"Retrieval quality ({len(items)} held-out MedQuAD questions)"
    console.print(_table(title, columns, rows))
    markdown = to_markdown(rows, len(items), stats.records, stats.chunks)
    if patients and patients_set is not None:
        kqa = patients_set.items[:patients]
        judge = patient_retrieval.PooledJudge(archive, OfflineJudge(archive.embedder))
        with progress_bar() as progress:
            task = progress.add_task(
                "patient questions: search, then judge the pool",
                total=len(kqa) * (len(compared) + 1),
            )
            found = patient_retrieval.evaluate_patients(
                compared, kqa, judge, partial(progress.advance, task)
            )
        title = f"Real patient questions ({len(kqa)} K-QA; relevant = entails a must-have)"
        columns = ("system", "MRR@10", "hit@10", "precision@5", "statement recall@10", "ms/query")
        console.print(_table(title, columns, found))
        markdown += "\n" + patient_retrieval.to_markdown(found, len(kqa), stats.records)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(markdown, encoding="utf-8")
        console.print(f"Written to {out}")


def _table(title: str, columns: tuple[str, ...], rows: Sequence[object]) -> Table:
    """A row per system: its name, its scores (3 decimals) and ms/query (1 decimal)."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if column == "system" else "right")
    for row in rows:
        system, *scores, ms = astuple(row)  # type: ignore[call-overload]
        table.add_row(system, *(f"{v:.3f}" for v in scores), f"{ms:.1f}")
    return table
