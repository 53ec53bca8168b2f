"""``assistant eval calibrate``: each judge against physicians' entailment labels."""

from __future__ import annotations

from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import console, errors, handled, progress_bar, settings
from assistant.files import write_atomically
from assistant.resources import shipped

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.evaluation import calibration as calib
    from assistant.evaluation.judges import JudgeKind

KINDS: dict[str, tuple[JudgeKind, ...]] = {
    "offline": ("offline",),
    "llm": ("llm",),
    "both": ("offline", "llm"),
}
# the file of assistant.evaluation.calibration.DEFAULT_LABELS, without importing the library
DEFAULT_LABELS = shipped("data", "kqa_nli_physician_labels.csv")


def calibrate(
    judge: str = typer.Option("offline", "--judge", help="offline, llm or both."),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Only N pairs, spread evenly over the file."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Also write the comparison as Markdown here."
    ),
    labels: Path = typer.Option(
        DEFAULT_LABELS, "--labels", help="Physicians' labels: a K-QA NLI CSV."
    ),
    refit: bool = typer.Option(
        False,
        "--refit",
        help="First refit the offline judge (IDF weights from the archive, then its model) on "
        "the labels, and write its files.",
    ),
    model_out: Path | None = typer.Option(
        None,
        "--model-out",
        help="With --refit: write the model here (and idf.json.gz beside it) instead of into "
        "the package.",
    ),
) -> None:
    """Accuracy, Cohen's kappa and confusion of a judge against the physicians' majority."""
    from assistant.evaluation import calibration as calib
    from assistant.evaluation.judges import open_judge

    if judge not in KINDS:
        raise typer.BadParameter("choose offline, llm or both", param_hint="--judge")
    if refit and limit is not None:
        raise typer.BadParameter("a refit uses every labelled pair", param_hint="--limit")
    config = settings()
    if refit:
        _refit(config, labels, model_out)
    try:
        rows = calib.select(calib.read_labels(labels), limit)
    except calib.LabelsError as exc:
        errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None
    human = calib.human_ceiling(rows, str(labels))
    results: list[calib.Calibration] = []
    for kind in KINDS[judge]:
        with handled(), ExitStack() as stack:
            with console.status(f"Opening the {kind} judge…"):
                the_judge = stack.enter_context(open_judge(kind, config))
            estimate = the_judge.estimate([r.pair for r in rows])
            if kind == "llm":
                console.print(
                    f"[bold]{escape(the_judge.name)}[/]: {estimate.calls} model calls to make, "
                    f"{estimate.cached} answers already cached; about "
                    f"{estimate.prompt_tokens:,} prompt and {estimate.completion_tokens:,} "
                    "completion tokens (estimated as characters / 4)."
                )
            with progress_bar() as progress:
                task = progress.add_task(f"{kind} judge", total=len(rows))
                result = calib.calibrate(the_judge, labels, limit, partial(progress.advance, task))
        stored = calib.store_calibration(config.home, result)
        kept = calib.load_calibration(config.home, result.judge)
        if kept is not None and kept.calibrated_at == result.calibrated_at:
            console.print(f"Stored the calibration of {escape(result.judge)} in {stored}")
        elif kept is not None:
            console.print(
                f"Kept the stored calibration of {escape(result.judge)} on {kept.pairs} pairs "
                f"({stored}): this one measured only {result.pairs}."
            )
        results.append(result)
        console.print(confusion_table(result))
        if result.training is not None:
            for table in training_tables(result):
                console.print(table)
    console.print(agreement_table(results, human))
    if out is not None:
        write_atomically(out, calib.to_markdown(results, human))
        console.print(f"Written to {out}")


def _refit(config: Settings, labels: Path, model_out: Path | None) -> None:
    from assistant.embeddings import MiniLMEmbedder
    from assistant.evaluation.calibration.labels import LabelsError
    from assistant.evaluation.calibration.refit import RefitError, refit

    embedder = MiniLMEmbedder(batch_size=config.embed_batch_size, threads=config.embed_threads)
    places = {} if model_out is None else {
        "model_file": model_out, "idf_file": model_out.with_name("idf.json.gz")
    }  # fmt: skip
    try:
        with console.status("Refitting the offline judge (IDF weights, signals, model)…"):
            done = refit(embedder, labels, **places)
    except (RefitError, LabelsError) as exc:
        errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None
    picked = done.model.recipe.get("picked", {})
    console.print(
        f"Refitted the offline judge ({picked}): model {done.model_file}, IDF {done.idf_file}"
    )
    if model_out is not None:
        raise typer.Exit(0)  # the package's own model is unchanged: nothing new to calibrate


def training_tables(result: calib.Calibration) -> list[Table]:
    """The learned judge's held-out figures: learning curve, contradictions, weights."""
    training = result.training
    assert training is not None
    curve = Table(title="Learning curve (held out, nested cross-validation grouped by question)")
    for column in ("share of training questions", "training pairs", "accuracy", "Cohen's κ"):
        curve.add_column(column, justify="right")
    for p in training.curve:
        curve.add_row(f"{p.share:.0%}", str(p.pairs), f"{p.accuracy:.1%}", f"{p.kappa:.2f}")
    a, k = training.accuracy_interval, training.kappa_interval
    curve.caption = (
        f"Held out: accuracy {training.accuracy:.1%} [{a.low:.1%}, {a.high:.1%}], "
        f"κ {training.kappa:.2f} [{k.low:.2f}, {k.high:.2f}] (95% bootstrap over questions)"
    )
    rare = Table(title="Contradictions (held out; exact binomial 95% intervals)")
    for column in ("measure", "hits", "of", "value", "interval"):
        rare.add_column(column, justify="left" if column == "measure" else "right")
    for name, r in (("precision", training.contradiction_precision),
                    ("recall", training.contradiction_recall)):  # fmt: skip
        value = "-" if r.value is None else f"{r.value:.1%}"
        interval = "-" if r.interval is None else f"[{r.interval.low:.1%}, {r.interval.high:.1%}]"
        rare.add_row(name, str(r.hits), str(r.of), value, interval)
    tables = [curve, rare]
    if result.weights:
        weights = Table(title="The model's weights (per standardised signal)")
        weights.add_column("signal")
        labels = list(result.weights)
        for label in labels:
            weights.add_column(label, justify="right")
        for signal in next(iter(result.weights.values())):
            weights.add_row(signal, *(f"{result.weights[lb][signal]:+.2f}" for lb in labels))
        tables.append(weights)
    return tables


def agreement_table(results: list[calib.Calibration], human: calib.HumanCeiling) -> Table:
    from assistant.evaluation import calibration as calib

    table = Table(title=f"Judges against physicians ({human.pairs} labelled pairs)")
    for column in ("rater", "against", "pairs", "accuracy", "Cohen's κ"):
        table.add_column(column, justify="left" if column in ("rater", "against") else "right")

    def row(rater: str, against: str, pairs: int, accuracy: float, kappa: float | None) -> None:
        shown = "-" if kappa is None else calib.kappa_text(kappa)
        table.add_row(escape(rater), escape(against), str(pairs), f"{accuracy:.1%}", shown)

    for c in results:
        row(c.judge, "majority (in-sample)" if c.in_sample else "majority", c.pairs, c.accuracy,
            c.kappa)  # fmt: skip
        if c.held_out is not None:
            h = c.held_out
            row(c.judge, f"majority, held out ({h.method})", h.pairs, h.accuracy, h.kappa)
        row(c.judge, "one physician (mean)", c.pairs, c.mean_physician_accuracy,
            c.mean_physician_kappa)  # fmt: skip
        table.add_section()
    for p in human.pairwise:
        row(p.rater, p.other, p.pairs, p.accuracy, p.kappa)
    row("all three physicians", "each other", human.pairs, human.all_three, None)
    return table


def confusion_table(result: calib.Calibration) -> Table:
    from assistant.evaluation.judges import LABELS

    table = Table(title=f"{escape(result.judge)}: rows physicians' majority, columns judge")
    table.add_column("majority")
    for label in LABELS:
        table.add_column(label, justify="right")
    table.add_column("precision", justify="right")
    table.add_column("recall", justify="right")
    for label, row, scores in zip(LABELS, result.confusion, result.classes, strict=True):
        table.add_row(
            label,
            *(str(v) for v in row),
            "-" if scores.precision is None else f"{scores.precision:.1%}",
            "-" if scores.recall is None else f"{scores.recall:.1%}",
        )
    notes = []
    if result.unparseable:
        notes.append(f"{result.unparseable} model answers named no verdict (neutral)")
    if result.calls or result.cached:
        notes.append(f"{result.calls} calls, {result.cached} cached")
    if notes:
        table.caption = "; ".join(notes)
    return table
