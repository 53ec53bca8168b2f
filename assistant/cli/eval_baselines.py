"""``assistant eval baselines``: the product's drafters beside baselines on K-QA, on one page.

Every system is a normal saved run (``{home}/eval/runs/baseline-{system}-{time}/`` with its
own report), drafted by the harness and scored by one and the same offline judge instance;
the page (``docs/evaluation.md`` by default) is built from the finished runs by
:func:`assistant.evaluation.baseline_table.baselines_markdown`.
"""

from __future__ import annotations

import shlex
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import console, errors, handled, open_archive, settings
from assistant.cli.eval_run import run_settings, run_with_progress, smallest_limit
from assistant.files import write_atomically
from assistant.resources import shown

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.evaluation.baseline_table import SystemRun
    from assistant.evaluation.calibration import Calibration
    from assistant.evaluation.judges import StatementJudge

DEFAULT_OUT = Path("docs/evaluation.md")


def baselines(
    suite: Path | None = typer.Option(
        None,
        "--suite",
        help="The systems, dataset and limits (default: eval/suites/baselines.toml of the eval "
        "folder); the options below override its limits and reply mode.",
    ),
    limit: int | None = typer.Option(
        None, min=1, help="Only the first N items per system (default: the suite's, or all)."
    ),
    llm_limit: int | None = typer.Option(
        None,
        "--llm-limit",
        min=0,
        help="Items for the local model (slow: about 10-40 s each on 2 cores; default: the "
        "suite's); 0 skips it.",
    ),
    out: Path = typer.Option(DEFAULT_OUT, "--out", help="Where to write the Markdown page."),
    reply: str | None = typer.Option(
        None,
        help="lead (the suite's default): the reference's first sentence stands in for the "
        "physician's reply K-QA lacks; none: no reply; auto: the item's own (none in K-QA). "
        "Systems with a reply mode of their own keep it (a row whose mode equals this one is "
        "dropped).",
    ),
    retrieval_holdout: int | None = typer.Option(
        None,
        min=0,
        help="Held-out MedQuAD questions for retrieval recall/MRR (0: skip; default: the suite's).",
    ),
) -> None:
    """Run the suite's systems (the composer, the local model, baselines) on K-QA; one page."""
    from assistant.drafting.llm import DraftingError
    from assistant.evaluation.baseline_table import (
        Produced,
        SystemRun,
        baselines_markdown,
        seconds_per_item,
        stored_llm_calibration,
    )
    from assistant.evaluation.baselines import open_system
    from assistant.evaluation.calibration import (
        DEFAULT_LABELS,
        LabelsError,
        file_sha256,
        human_ceiling,
        read_labels,
    )
    from assistant.evaluation.dataset import load_card_items
    from assistant.evaluation.harness import REPLY_NOTES, DraftMetrics, Harness, plan_run
    from assistant.evaluation.judges import open_judge
    from assistant.evaluation.report import write_report
    from assistant.evaluation.results import read_items, runs_dir
    from assistant.evaluation.specs import load_card
    from assistant.evaluation.suites import load_drafting_suite, suite_eval_dir
    from assistant.llm.client import LLMUnavailable
    from assistant.pipeline import Pipeline

    if reply is not None and reply not in REPLY_NOTES:
        raise typer.BadParameter("choose lead, none or auto", param_hint="--reply")
    config = settings()
    path = suite or config.eval_dir / "suites" / "baselines.toml"
    with handled():
        spec = load_drafting_suite(path)
        eval_set = load_card_items(load_card(spec.dataset, suite_eval_dir(path)))
    limit = limit if limit is not None else spec.limit
    mode = reply or spec.reply
    holdout = spec.retrieval_holdout if retrieval_holdout is None else retrieval_holdout
    command = _command(path, limit, llm_limit, out, reply, retrieval_holdout)
    try:
        labels = read_labels(DEFAULT_LABELS)
    except LabelsError as exc:
        errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None
    human = human_ceiling(labels, shown(DEFAULT_LABELS))
    archive = open_archive(config)
    if archive.vectors.count() == 0:
        errors.print("[bold red]The index is empty.[/] Run `assistant ingest FILE` first.")
        raise typer.Exit(1)
    at = datetime.now(UTC)
    stamp = at.strftime("%Y%m%dT%H%M%SZ")
    # a system with its own reply mode is an extra row: dropped when that is everyone's mode
    chosen = [s for s in spec.systems if s.reply is None or s.reply != mode]
    run_ids = {s.name: f"{spec.name}-{s.name}-{stamp}" for s in chosen}
    for run_id in run_ids.values():
        if (runs_dir(config.home) / run_id).exists():
            errors.print(f"[bold red]Error:[/] run {run_id} exists: wait a second and rerun")
            raise typer.Exit(1)
    rows: dict[str, SystemRun] = {}
    measured_retrieval = False
    with handled(), open_judge(spec.judge, config, archive.embedder) as judge:
        offline = _offline_calibration(config, judge)
        metrics = DraftMetrics(archive.embedder)
        # the slow local model last: the other rows are saved before it starts
        for system in sorted(chosen, key=lambda s: s.drafter == "llm"):
            own = llm_limit if system.drafter == "llm" and llm_limit is not None else system.limit
            count = smallest_limit(limit, own)
            note = f"--llm-limit {own}" if system.drafter == "llm" and own is not None else ""
            if count == 0:
                rows[system.name] = SystemRun(system.label, note=note or "limit 0")
                continue
            plan = plan_run(
                eval_set,
                run_ids[system.name],
                limit=count,
                reply=system.reply or mode,
                repeats=spec.repeats,
                retrieval_holdout=0 if measured_retrieval else holdout,
                settings=run_settings(
                    config, archive, system.drafter, spec.judge, baselines=command
                ),
            )
            measured_retrieval = True
            try:
                opener = partial(open_system, system.drafter, config, archive)
                with Pipeline.open(config, archive, opener=opener) as pipeline:
                    harness = Harness(pipeline, judge, archive, metrics)
                    manifest = run_with_progress(harness, plan, offline.agreement, system.label)
            except (LLMUnavailable, DraftingError) as exc:
                if system.drafter != "llm":
                    raise
                errors.print(f"[bold yellow]The local model did not run:[/] {exc}", highlight=False)
                rows[system.name] = SystemRun(system.label, note=_first_line(str(exc)))
                continue
            run_dir = runs_dir(config.home) / manifest.run_id
            write_report(run_dir)
            items = read_items(run_dir)
            rows[system.name] = SystemRun(system.label, manifest, seconds_per_item(items), note)
    calibrations = [offline]
    llm = stored_llm_calibration(config.home, file_sha256(DEFAULT_LABELS))
    if llm is not None:
        calibrations.append(llm)
    stats = archive.stats()
    produced = Produced(
        command=command,
        at=at,
        records=stats.records,
        chunks=stats.chunks,
        dataset=f"K-QA (`{shown(eval_set.path)}`, sha256 {eval_set.sha256[:12]}…, "
        f"{len(eval_set.items)} questions answered by physicians, with must-have and "
        "nice-to-have statements)",
    )
    ordered = [rows[s.name] for s in chosen]
    _write(out, baselines_markdown(ordered, calibrations, human, produced))
    console.print(_summary(ordered))
    console.print(f"Written to {out}")


def _command(
    suite: Path,
    limit: int | None,
    llm_limit: int | None,
    out: Path,
    reply: str | None,
    retrieval_holdout: int | None,
) -> str:
    """The command as given, its suite named (as the repository shows it)."""
    args = ["assistant", "eval", "baselines", "--suite", shown(suite)]
    options = (
        ("--limit", limit),
        ("--llm-limit", llm_limit),
        ("--reply", reply),
        ("--retrieval-holdout", retrieval_holdout),
    )
    args += [
        part for option, value in options if value is not None for part in (option, str(value))
    ]
    return shlex.join([*args, "--out", str(out)])


def _first_line(text: str, width: int = 160) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "failed to start"
    return line if len(line) <= width else line[: width - 1] + "…"


def _offline_calibration(config: Settings, judge: StatementJudge) -> Calibration:
    """The judge's stored calibration; measured and stored first when there is none."""
    from assistant.evaluation.calibration import (
        CalibrationError,
        calibrate,
        load_calibration,
        store_calibration,
    )

    try:
        stored = load_calibration(config.home, judge.name)
    except CalibrationError as exc:
        errors.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    if stored is None:
        with console.status("Calibrating the offline judge against physicians' labels…"):
            stored = calibrate(judge, curve=False)
        store_calibration(config.home, stored)
    agreement = stored.agreement
    console.print(
        f"Judge: {escape(judge.name)} — agreement with physicians: accuracy "
        f"{agreement.accuracy:.2f}, Cohen's kappa {agreement.kappa:.2f} ({agreement.pairs} pairs)",
        highlight=False,
    )
    return stored


def _summary(rows: list[SystemRun]) -> Table:
    from assistant.evaluation.compare import fmt

    table = Table(title="Baselines on K-QA (means; the page has the intervals)")
    columns = ("system", "reply", "items", "comprehensiveness", "hallucination", "ROUGE-L")
    for column in (*columns, "failed", "s/item"):
        table.add_column(column, justify="left" if column in ("system", "reply") else "right")
    for row in rows:
        m = row.manifest
        if m is None:
            table.add_row(escape(row.system), "", f"not run ({escape(row.note)})")
            continue
        values = [m.summary.get(k) for k in ("comprehensiveness", "hallucination", "rouge_l")]
        table.add_row(
            escape(row.system),
            row.reply or "",
            str(m.items),
            *("n/a" if v is None else fmt(v.mean, "") for v in values),
            str(m.failed),
            "" if row.seconds_per_item is None else f"{row.seconds_per_item:.2f}",
        )
    return table


def _write(out: Path, text: str) -> None:
    write_atomically(out, text)
