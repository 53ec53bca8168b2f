"""``assistant eval run``: draft held-out questions, judge them, report with intervals."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, get_args

import typer
from rich.markup import escape
from rich.table import Table

from assistant.cli.common import console, errors, handled, open_archive, progress_bar, settings

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.evaluation.dataset import EvalSet
    from assistant.evaluation.harness import Harness, RunPlan
    from assistant.evaluation.judges import StatementJudge
    from assistant.evaluation.results import Agreement, ItemResult, RunManifest
    from assistant.evaluation.suites import DraftingSuite
    from assistant.index import Archive

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$")


def run(
    ctx: typer.Context,
    suite: Path | None = typer.Option(
        None,
        "--suite",
        help="A drafting suite (eval/suites/*.toml): its dataset, systems, judge, repeats and "
        "limits. --limit, --retrieval-holdout and --name still apply; the others it names.",
    ),
    dataset: str = typer.Option(
        "kqa", help="kqa (K-QA's 201 physician-answered questions) or a JSON-lines file."
    ),
    drafter: str = typer.Option(
        "composer",
        help="composer (grounded, no LLM), llm (the configured model), or a baseline: "
        "reply-only, top-source.",
    ),
    judge: str = typer.Option("offline", help="offline (no LLM) or llm (the configured model)."),
    repeats: int = typer.Option(1, min=1, max=20, help="Draft every item this many times."),
    limit: int | None = typer.Option(None, min=1, help="Only the first N items."),
    reply: str = typer.Option(
        "auto",
        help="auto: the item's physician reply where it has one; none: never; lead: the "
        "reference's first sentence as a stand-in reply (changes what the scores mean).",
    ),
    name: str | None = typer.Option(
        None,
        help="The run's name; default: time-dataset-drafter. With a suite of several systems, "
        "each run is NAME-SYSTEM.",
    ),
    retrieval_holdout: int = typer.Option(
        200, min=0, help="Held-out MedQuAD questions for retrieval recall/MRR (0: skip)."
    ),
    estimate_only: bool = typer.Option(
        False,
        "--estimate-only",
        help="Print what the run would cost, then stop (an LLM judge's local server starts).",
    ),
    exclude_approved: bool = typer.Option(
        False,
        "--exclude-approved",
        help="Keep the review store's approved pages (imported with `assistant ingest "
        "--from-store`) out of retrieval, e.g. when the set's questions were reviewed.",
    ),
    write_reference: bool = typer.Option(
        False,
        "--write-reference",
        help="With --suite: make the run the suite's committed reference (its manifest and "
        "per-item scores, in the suite's reference folder), after a deliberate change.",
    ),
) -> None:
    """Draft K-QA's physician-answered questions (or a file, or a suite) and measure them."""
    from assistant.evaluation.baselines import open_system
    from assistant.evaluation.harness import Harness, plan_run
    from assistant.evaluation.judges import open_judge
    from assistant.evaluation.report import write_report
    from assistant.evaluation.results import runs_dir, write_reference_run
    from assistant.evaluation.suites import reference_dir
    from assistant.pipeline import Pipeline

    if name is not None and not _NAME.match(name):
        raise typer.BadParameter(
            "use letters, digits, '.', '_' and '-' (at most 120)", param_hint="--name"
        )
    if suite is None:
        if write_reference:
            raise typer.BadParameter("a reference run belongs to a suite: add --suite")
        spec, eval_set = _options_suite(dataset, drafter, judge, repeats, reply)
    else:
        spec, eval_set = _suite(ctx, suite, write_reference)
    if limit is not None:
        spec = spec.model_copy(update={"limit": limit})
    if suite is None or _given(ctx, "retrieval_holdout"):
        spec = spec.model_copy(update={"retrieval_holdout": retrieval_holdout})
    config, archive = suite_archive(settings(), spec, suite)
    if archive.vectors.count() == 0:
        errors.print("[bold red]The index is empty.[/] Run `assistant ingest FILE` first.")
        raise typer.Exit(1)
    run_ids = _run_ids(spec, eval_set, name, suite is not None)
    for run_id in run_ids.values():
        run_dir = runs_dir(config.home) / run_id
        if (run_dir / "manifest.json").exists() or (run_dir / "items.jsonl").exists():
            errors.print(
                f"[bold red]Error:[/] {run_dir} already holds a run: choose another --name"
            )
            raise typer.Exit(1)
    also_exclude = _approved(config) if exclude_approved else frozenset[str]()
    agreement: Agreement | None = None
    with handled(), open_judge(spec.judge, config, archive.embedder) as chosen_judge:
        for system in spec.systems:
            if system.name not in run_ids:
                console.print(f"{system.label}: skipped (its limit is 0)")
                continue
            extra = {"suite": str(suite)} if suite else {}
            plan = plan_run(
                eval_set,
                run_ids[system.name],
                repeats=spec.repeats,
                limit=smallest_limit(spec.limit, system.limit),
                reply=system.reply or spec.reply,
                retrieval_holdout=spec.retrieval_holdout,
                settings=run_settings(
                    config,
                    archive,
                    system.drafter,
                    spec.judge,
                    exclude_approved=exclude_approved,
                    **extra,
                ),
                also_exclude=also_exclude,
            )
            if system.drafter == "llm" or spec.judge == "llm" or estimate_only:
                _print_estimate(plan, archive, config, system.drafter, chosen_judge)
            if estimate_only:
                continue
            if agreement is None:
                agreement = _agreement(config, spec.judge, chosen_judge, spec.calibrate)
            opener = partial(open_system, system.drafter, config, archive)
            with Pipeline.open(config, archive, opener=opener) as pipeline:
                harness = Harness(pipeline, chosen_judge, archive)
                manifest = run_with_progress(harness, plan, agreement, system.label)
            run_dir = runs_dir(config.home) / manifest.run_id
            markdown, page = write_report(run_dir)
            _print_summary(manifest)
            console.print(f"Run: {run_dir}\nReport: {markdown}\n        {page}")
            if write_reference and suite is not None:
                written = write_reference_run(run_dir, reference_dir(spec, suite))
                console.print(f"Reference written to {escape(str(written))}", highlight=False)


def _options_suite(
    dataset: str, drafter: str, judge: str, repeats: int, reply: str
) -> tuple[DraftingSuite, EvalSet]:
    """The command's own options as a suite of one system."""
    from assistant.evaluation.baselines import SYSTEMS
    from assistant.evaluation.dataset import load_items
    from assistant.evaluation.harness import REPLY_NOTES
    from assistant.evaluation.judges import JudgeKind
    from assistant.evaluation.suites import DraftingSuite, SystemSpec

    if drafter not in SYSTEMS:
        raise typer.BadParameter(f"choose one of {', '.join(SYSTEMS)}", param_hint="--drafter")
    if judge not in get_args(JudgeKind):
        raise typer.BadParameter("choose offline or llm", param_hint="--judge")
    if reply not in REPLY_NOTES:
        raise typer.BadParameter("choose auto, none or lead", param_hint="--reply")
    with handled():
        eval_set = load_items(dataset)
    system = SystemSpec.model_validate({"name": drafter, "label": drafter, "drafter": drafter})
    spec = DraftingSuite.model_validate(
        {
            "name": "run",
            "description": "assistant eval run",
            "dataset": "kqa",  # not read: the set is loaded from --dataset
            "judge": judge,
            "repeats": repeats,
            "reply": reply,
            "systems": [system],
        }
    )
    return spec, eval_set


_NAMED_BY_SUITE = ("dataset", "drafter", "judge", "repeats", "reply")


def _suite(ctx: typer.Context, path: Path, write_reference: bool) -> tuple[DraftingSuite, EvalSet]:
    """The suite and its dataset (the card's file, its digest checked); options the suite
    names cannot be given with it."""
    from assistant.evaluation.dataset import load_card_items
    from assistant.evaluation.specs import SpecError, load_card
    from assistant.evaluation.suites import load_drafting_suite, suite_eval_dir

    for option in _NAMED_BY_SUITE:
        if _given(ctx, option):
            raise typer.BadParameter(
                f"{path} names it: edit the suite (or copy it), or run without --suite",
                param_hint=f"--{option}",
            )
    if write_reference:
        for option in ("limit", "retrieval_holdout", "name"):
            if _given(ctx, option):
                raise typer.BadParameter(
                    "a reference run is the suite as written: drop this option",
                    param_hint=f"--{option.replace('_', '-')}",
                )
    with handled():
        spec = load_drafting_suite(path)
        if write_reference and (spec.reference is None or len(spec.systems) != 1):
            raise SpecError(
                f"{path}: --write-reference needs a suite of one system with a 'reference' "
                "folder (see eval/suites/kqa-smoke.toml)."
            )
        eval_set = load_card_items(load_card(spec.dataset, suite_eval_dir(path)))
    return spec, eval_set


def _given(ctx: typer.Context, option: str) -> bool:
    """Whether ``option`` was given on the command line (not its default)."""
    source = ctx.get_parameter_source(option)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def suite_archive(
    config: Settings, spec: DraftingSuite, path: Path | None
) -> tuple[Settings, Archive]:
    """The index the suite runs over: its own (``[index]``, built or brought up to date in
    the collection ``eval-{suite}`` under the home), or the home's index."""
    from assistant.evaluation.suites import index_records, index_settings

    if spec.index is None or path is None:
        return config, open_archive(config)
    own = index_settings(config, spec)
    archive = open_archive(own)
    with handled():
        records = index_records(spec, path)
    with console.status(
        f"Indexing the suite's {len(records)} records (collection {own.collection})…"
    ):
        archive.ingest(records, prune=True)
    return own, archive


def _run_ids(
    spec: DraftingSuite, eval_set: EvalSet, name: str | None, from_suite: bool
) -> dict[str, str]:
    """Each system's run id (systems whose limit is 0 have none)."""
    from assistant.evaluation.harness import default_run_id

    systems = [s for s in spec.systems if s.limit != 0]
    if name is not None:
        if len(spec.systems) == 1:
            return {s.name: name for s in systems}
        return {s.name: f"{name}-{s.name}" for s in systems}
    if not from_suite:
        return {s.name: default_run_id(eval_set, _drafter_label(s.drafter)) for s in systems}
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return {s.name: f"{stamp}-{spec.name}-{s.name}" for s in systems}


def smallest_limit(suite: int | None, system: int | None) -> int | None:
    """The smaller of the suite's and the system's limits (None: no limit)."""
    given = [n for n in (suite, system) if n is not None]
    return min(given) if given else None


def _approved(config: Settings) -> frozenset[str]:
    from assistant.review.store import ReviewStore
    from assistant.review.to_archive import approved_ids

    return approved_ids(ReviewStore.open(config))


def _drafter_label(kind: str) -> str:
    return {"composer": "composer", "llm": "llm"}.get(kind, f"baseline-{kind}")


def run_settings(
    config: Settings, archive: Archive, drafter: str, judge: str, **extra: object
) -> dict[str, object]:
    """What the manifest records about the index, retrieval and model settings."""
    from assistant.llm.client import describe

    out: dict[str, object] = {
        "drafter_kind": drafter,
        "judge_kind": judge,
        **extra,
        "index": {"backend": archive.backend, "collection": config.collection},
        "retrieval": {
            "candidates": config.retrieval_candidates,
            "rrf_k": config.rrf_k,
            "mmr_lambda": config.mmr_lambda,
            "max_chunks_per_record": config.max_chunks_per_record,
        },
    }
    if "llm" in (drafter, judge):
        info = describe(config)
        out["llm"] = {
            "model": info.model,
            "note": info.note,
            "endpoint": config.llm_base_url or "local llama.cpp server (started on demand)",
            "temperature": config.llm_temperature,
            "max_tokens": config.llm_max_tokens,
        }
    return out


def _agreement(
    config: Settings, kind: str, judge: StatementJudge, calibrate_first: bool = True
) -> Agreement | None:
    from assistant.evaluation.calibration import (
        CalibrationError,
        calibrate,
        store_calibration,
        stored_agreement,
    )

    try:
        agreement = stored_agreement(config.home, judge.name)
    except CalibrationError as exc:
        errors.print(f"[bold red]Error:[/] {exc}", highlight=False)
        raise typer.Exit(1) from None
    if agreement is None and kind == "offline" and calibrate_first:
        with console.status("Calibrating the offline judge against physicians' labels…"):
            calibration = calibrate(judge, curve=False)
            store_calibration(config.home, calibration)
            agreement = calibration.agreement
    if agreement is None:
        errors.print(
            f"[bold yellow]Warning:[/] the judge {escape(judge.name)} was never calibrated: "
            "its scores have no stated agreement with physicians. Run `assistant eval "
            "calibrate` for this judge first to know how far to trust them.",
            highlight=False,
        )
    else:
        console.print(
            f"Judge: {escape(judge.name)} — agreement with physicians: accuracy "
            f"{agreement.accuracy:.2f}, Cohen's kappa {agreement.kappa:.2f} "
            f"({agreement.pairs} pairs)",
            highlight=False,
        )
    return agreement


def _print_estimate(
    plan: RunPlan, archive: Archive, config: Settings, drafter: str, judge: StatementJudge
) -> None:
    from assistant.drafting.llm import DraftPrompts
    from assistant.evaluation.harness import CHARS_PER_TOKEN, estimate_drafting, estimate_judging
    from assistant.retrieval import HybridRetriever

    items, repeats = len(plan.items), plan.repeats
    table = Table(title=f"Estimated cost: {items} item(s) x {repeats} repeat(s)")
    for column in ("step", "LLM calls", "prompt tokens", "completion tokens", "how"):
        table.add_column(column, justify="left" if column in ("step", "how") else "right")
    if drafter == "llm":
        with console.status("Retrieving sources to size the prompts…"):
            prompts, retriever = DraftPrompts.load(), HybridRetriever(archive)
            cost = estimate_drafting(
                plan,
                lambda request: prompts.prepare(request, retriever, archive).messages,
                config.llm_max_tokens,
            )
        table.add_row(
            "drafting",
            f"{cost.calls:,}",
            f"≈ {cost.prompt_tokens:,}",
            f"≤ {cost.max_completion_tokens:,}",
            f"{cost.calls} call(s): one per item and repeat; prompt tokens ≈ characters / "
            f"{CHARS_PER_TOKEN} of each rendered prompt (question, reply, plan, sources, "
            f"instructions); completion at most {config.llm_max_tokens} tokens a call",
        )
    else:
        table.add_row("drafting", "0", "0", "0", f"the {_drafter_label(drafter)} calls no LLM")
    judged, pairs = estimate_judging(plan, judge)
    table.add_row(
        "judging",
        f"{judged.calls:,}",
        f"≈ {judged.prompt_tokens:,}",
        f"≈ {judged.completion_tokens:,}",
        f"{pairs:,} (answer, statement) pair(s); the judge's own estimate with the reference "
        "standing in for each answer (answers are unknown before drafting): an upper bound, "
        "as judgements of repeated answers come from its cache",
    )
    console.print(table)


def run_with_progress(
    harness: Harness, plan: RunPlan, agreement: Agreement | None, label: str | None = None
) -> RunManifest:
    """The harness's run with a progress bar; leakage exits 3, an existing run 1."""
    from assistant.evaluation.harness import LeakageError, RunExists
    from assistant.evaluation.results import runs_dir

    label = label or f"Drafting with {harness.drafter.name}"
    total = len(plan.items) * plan.repeats
    failed = 0
    item_seconds: list[float] = []
    with progress_bar(eta=True) as progress:
        task = progress.add_task(label, total=total)

        def advance(result: ItemResult) -> None:
            nonlocal failed
            failed += result.error is not None
            item_seconds.append(result.seconds)
            note = f" ({failed} failed)" if failed else ""
            progress.update(task, advance=1, description=f"{label}{note}")

        started = time.perf_counter()
        try:
            manifest = harness.run(
                plan, runs_dir(harness.archive.settings.home) / plan.run_id, agreement, advance
            )
        except LeakageError as exc:
            progress.stop()
            errors.print(f"[bold red]Leakage — the run was stopped:[/] {exc}", highlight=False)
            raise typer.Exit(3) from None
        except RunExists as exc:
            progress.stop()
            errors.print(f"[bold red]Error:[/] {exc}", highlight=False)
            raise typer.Exit(1) from None
    seconds = time.perf_counter() - started
    per_item = sum(item_seconds) / max(len(item_seconds), 1)
    console.print(
        f"{total} draft(s): {per_item:.2f} s per item (drafting, judging, metrics); "
        f"{seconds:.1f} s in all, retrieval quality included"
    )
    return manifest


def _print_summary(manifest: RunManifest) -> None:
    from assistant.evaluation.results import METRICS

    spread = manifest.repeats > 1
    table = Table(title=f"Run {manifest.run_id}")
    columns = ["metric", "better", "mean", "95% CI", "n", *(["spread"] if spread else [])]
    for column in columns:
        table.add_column(column, justify="left" if column in ("metric", "better") else "right")
    for metric in METRICS:
        interval = manifest.summary.get(metric.name)
        if interval is None:
            table.add_row(metric.label, metric.better.replace("_", " "), "n/a", "", "0")
            continue
        row = [
            metric.label,
            metric.better.replace("_", " "),
            f"{interval.mean:.3f}",
            f"{interval.low:.3f} to {interval.high:.3f}",
            str(interval.n),
        ]
        if spread:
            row.append("" if interval.spread is None else f"±{interval.spread:.3f}")
        table.add_row(*row)
    console.print(table)
    notes = [
        f"drafter: {manifest.drafter} · model: {manifest.model} · dataset: {manifest.dataset}",
        f"judge: {manifest.judge}",
        f"{manifest.items} item(s) x {manifest.repeats} repeat(s), {manifest.failed} failed; "
        f"{manifest.excluded_ids} evaluation item(s) found in the index and excluded",
        str(manifest.settings.get("reply_note", "")),
    ]
    for found in manifest.retrieval:
        notes.append(
            f"retrieval on {int(float(found['held_out']))} held-out MedQuAD questions: "
            f"recall@5 {float(found['recall_at_5']):.3f}, "
            f"recall@10 {float(found['recall_at_10']):.3f}, MRR@10 {float(found['mrr_at_10']):.3f}"
        )
    if "retrieval_note" in manifest.settings:
        notes.append(str(manifest.settings["retrieval_note"]))
    for note in notes:
        console.print(note, highlight=False)


def rescore(
    run_id: str = typer.Argument(..., metavar="RUN", help="The run: run id or directory."),
    judge: str = typer.Option("offline", "--judge", help="offline or llm."),
    name: str | None = typer.Option(
        None, "--name", help="The new run's id (default: RUN-rescored-<judge>)."
    ),
) -> None:
    """Judge a finished run's drafts again with another judge, without drafting again."""
    from assistant.cli.eval_reports import _resolve
    from assistant.evaluation.compare import RunError, load_run
    from assistant.evaluation.judges import open_judge
    from assistant.evaluation.report import write_report
    from assistant.evaluation.rescore import RescoreError, legacy
    from assistant.evaluation.rescore import rescore as rescore_run
    from assistant.evaluation.results import runs_dir

    if judge not in ("offline", "llm"):
        raise typer.BadParameter("choose offline or llm", param_hint="--judge")
    config = settings()
    try:
        source = load_run(_resolve(run_id, 1))
    except RunError as exc:
        errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None
    out = runs_dir(config.home) / (name or f"{source.manifest.run_id}-rescored-{judge}")
    if legacy(source):
        errors.print(
            f"[yellow]Warning:[/] {escape(source.manifest.run_id)} was written before runs kept "
            "the text their judge read: its drafts are judged with the composer's connecting "
            "lines too, so a few labels may differ from the run's own for that alone. Run it "
            "again to compare judges exactly.",
            highlight=False,
        )
    with handled(), open_judge(judge, config) as the_judge:  # type: ignore[arg-type]
        agreement = _agreement(config, judge, the_judge)
        with progress_bar() as progress:
            task = progress.add_task("re-judging", total=len(source.items))
            try:
                done = rescore_run(
                    source, the_judge, out, agreement, partial(progress.advance, task)
                )
            except RescoreError as exc:
                errors.print(f"[bold red]Error:[/] {escape(str(exc))}", highlight=False)
                raise typer.Exit(1) from None
    write_report(done)
    console.print(f"Rescored {source.manifest.run_id} with {escape(the_judge.name)}: {done}")
