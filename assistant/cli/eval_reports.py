"""``assistant eval compare|report|export``: reading, comparing and exporting finished runs.

A RUN is a run id under ``{home}/eval/runs/`` or the path of a run directory.
``compare`` exits 1 when the gated metric regressed beyond ``--max-drop``, 2 on bad input; the
gate's metric and largest drop default to ``gates.toml`` of the eval folder (``eval/``), as on
the review app's Evaluation page. RUN_A may be a committed reference run (``eval/reference/``).
``report`` and ``export`` exit 1 on bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from assistant.cli.common import console, errors, settings

if TYPE_CHECKING:
    from assistant.evaluation.compare import Comparison

BAD_INPUT = 2  # compare's exit code for input it cannot use (1 means the gate failed)


def compare(
    run_a: str = typer.Argument(..., metavar="RUN_A", help="The baseline: run id or directory."),
    run_b: str = typer.Argument(..., metavar="RUN_B", help="The run to check against it."),
    metric: str | None = typer.Option(
        None, help="The metric the gate checks; default: eval/gates.toml's."
    ),
    max_drop: float | None = typer.Option(
        None,
        min=0.0,
        help="Largest allowed move of the metric in its worse direction; default: "
        "eval/gates.toml's.",
    ),
    out: Path | None = typer.Option(None, help="Also write the comparison as Markdown here."),
    show: int = typer.Option(10, min=0, help="How many of the items that got worse to list."),
) -> None:
    """Per-metric deltas between two runs; exits non-zero when a metric regresses."""
    from assistant.evaluation.compare import RunError, gate, to_markdown
    from assistant.evaluation.compare import compare as compare_runs
    from assistant.evaluation.results import METRIC_NAMES
    from assistant.evaluation.specs import SpecError, load_gate

    if metric is None or max_drop is None:
        try:
            default = load_gate(settings().eval_dir)
        except SpecError as exc:
            _fail(str(exc), BAD_INPUT)
        metric = default.metric if metric is None else metric
        max_drop = default.max_drop if max_drop is None else max_drop
    if metric not in METRIC_NAMES:
        _fail(f"Unknown metric {metric!r}; one of: {', '.join(METRIC_NAMES)}.", BAD_INPUT)
    try:
        comparison = compare_runs(_resolve(run_a, BAD_INPUT), _resolve(run_b, BAD_INPUT))
        passed = gate(comparison, metric, max_drop)
    except (RunError, ValueError) as exc:
        _fail(str(exc), BAD_INPUT)
    for warning in comparison.warnings:
        errors.print(f"[yellow]Warning:[/] {escape(warning)}", highlight=False)
    _print(comparison, metric, max_drop, passed, show)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(to_markdown(comparison, metric, max_drop, show), encoding="utf-8")
        console.print(f"Written to {escape(str(out))}", highlight=False)
    if not passed:
        raise typer.Exit(1)


def report(
    run: str = typer.Argument(..., metavar="RUN", help="Run id or run directory."),
) -> None:
    """Write a run's report again (Markdown and HTML)."""
    from assistant.evaluation.compare import RunError
    from assistant.evaluation.report import write_report

    run_dir = _resolve(run, 1)
    try:
        paths = write_report(run_dir)
    except RunError as exc:
        _fail(str(exc), 1)
    for path in paths:
        console.print(escape(str(path)), highlight=False)


def export(
    run: str = typer.Argument(..., metavar="RUN", help="Run id or run directory."),
    out: Path | None = typer.Option(None, help="Where to write; default RUN_DIR/kqa_results.json."),
) -> None:
    """A run's drafts in K-QA's results format."""
    from assistant.evaluation.compare import RunError
    from assistant.evaluation.export import export_kqa

    run_dir = _resolve(run, 1)
    try:
        path, entries = export_kqa(run_dir, out)
    except RunError as exc:
        _fail(str(exc), 1)
    empty = sum(not e["result"] for e in entries)
    console.print(
        f"{len(entries)} answers in K-QA's results format written to {escape(str(path))}"
        + (f" ({empty} empty: their drafting failed)" if empty else ""),
        highlight=False,
    )
    console.print(f"Score them with K-QA's own script: run_eval.py --result_file {path}")


def _resolve(run: str, code: int) -> Path:
    """A run id under the runs directory, or a directory path; else a message listing ids."""
    from assistant.evaluation.results import runs_dir

    base = runs_dir(settings().home)
    named = base / run
    if Path(run).name == run and named.is_dir():
        return named
    if Path(run).is_dir():
        return Path(run)
    found = sorted(
        (d for d in base.glob("*") if (d / "manifest.json").is_file()),
        key=lambda d: (d / "manifest.json").stat().st_mtime,
        reverse=True,
    )
    if found:
        listing = "Available runs (newest first): " + ", ".join(d.name for d in found[:20])
        listing += f" and {len(found) - 20} more." if len(found) > 20 else "."
    else:
        listing = f"There are no runs under {base} yet: `assistant eval run` makes one."
    _fail(f"No run {run!r}: it is neither a run id under {base} nor a directory. {listing}", code)


def _fail(message: str, code: int) -> NoReturn:
    errors.print(f"[bold red]Error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def _print(comparison: Comparison, metric: str, max_drop: float, passed: bool, show: int) -> None:
    from assistant.evaluation.compare import fmt, interval, movement, signed
    from assistant.text import shorten

    a, b = comparison.a.manifest, comparison.b.manifest
    table = Table(
        title=f"{b.run_id} (B) against {a.run_id} (A): {len(comparison.shared)} items in both, "
        "paired bootstrap 95% intervals"
    )
    for column in ("metric", "better", "n", "A", "B", "Δ B-A", "95% CI", "verdict"):
        table.add_column(column, justify="right" if column in ("n", "A", "B", "Δ B-A") else "left")
    for change in comparison.changes.values():
        m = change.metric
        style = {"worse": "red", "better": "green"}.get(change.verdict, "")
        table.add_row(
            m.label,
            m.better_in_words,
            str(change.n),
            fmt(change.mean_a, m.name),
            fmt(change.mean_b, m.name),
            signed(change.delta, m.name),
            interval(change.delta, m.name),
            Text(change.verdict, style=style),
            style="bold" if m.name == metric else "",
        )
    console.print(table)
    direction = movement(comparison, metric)
    verdict = "[green]PASS[/]" if passed else "[bold red]FAIL[/]"
    console.print(
        f"Gate on {metric}: {direction}, allowed {max_drop:g}: {verdict}", highlight=False
    )
    if show == 0:
        return
    worse = comparison.worsened(metric, show)
    if not worse:
        console.print(f"No item's {metric} got worse.")
        return
    items = Table(title=f"Items whose {metric} got worse (largest first)")
    for column in ("item", "question", "A", "B"):
        items.add_column(column, justify="right" if column in ("A", "B") else "left")
    for c in worse:
        items.add_row(
            Text(c.item_id), Text(shorten(c.question, 80)), fmt(c.a, metric), fmt(c.b, metric)
        )
    console.print(items)
