"""A run's report: ``report.md`` and one self-contained ``report.html`` in the run directory.

Both say what was run (dataset, drafter, model, settings), how far the judge can be trusted
(its agreement with physicians, or a warning that it was never calibrated), every metric with
its bootstrap 95% interval and better direction, a table of items, and the worst drafts with
the must-have statements they missed and the statements they contradicted.

The HTML page has its CSS inline and its plots as inline SVG drawn by matplotlib's SVG backend
(no pyplot, no global backend switch); it loads nothing from anywhere and needs no JavaScript.
Templates are files beside this module; HTML is autoescaped, and Markdown table cells are
escaped, so a question that contains markup or pipes shows as text.
"""

from __future__ import annotations

import html
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from assistant.evaluation.calibration.agreement import HumanCeiling, human_ceiling
from assistant.evaluation.calibration.labels import DEFAULT_LABELS, read_labels
from assistant.evaluation.compare import (
    ItemMeans,
    fmt,
    interval,
    item_means,
    load_run,
)
from assistant.evaluation.markdown import md_cell
from assistant.evaluation.results import (
    METRICS,
    Interval,
    ItemResult,
    Metric,
    RunManifest,
    StatementResult,
)
from assistant.evaluation.stats import bootstrap_interval, repeat_spread
from assistant.files import write_atomically
from assistant.llm.client import LOCAL_MODEL
from assistant.render.templating import template_environment
from assistant.resources import packaged
from assistant.text import shorten

TEMPLATES = packaged("evaluation", "templates")
DEMO_NOTE = "small demo model: fluent, often wrong"
WORST = 5


@cache
def physicians() -> HumanCeiling:
    """How far K-QA's three physicians agree with each other on the entailment label of the
    same (answer, statement) pairs, computed from the labels file the judges are calibrated on."""
    return human_ceiling(read_labels(DEFAULT_LABELS), DEFAULT_LABELS.name)


_SHARES = {
    "comprehensiveness",
    "hallucination",
    "groundedness",
    "answers_question",
    "citation_validity",
    "rouge_l",
}


@dataclass(frozen=True)
class MetricRow:
    metric: Metric
    value: Interval | None


@dataclass(frozen=True)
class WorstItem:
    item_id: str
    question: str
    value: float  # the item's mean over repeats
    repeat: int  # the repeat shown: the worst one
    repeats: int
    draft: str
    reference: str
    missed: tuple[str, ...]  # must-have statements the draft does not entail
    contradicted: tuple[StatementResult, ...]


@dataclass(frozen=True)
class WorstList:
    title: str
    metric: Metric
    items: tuple[WorstItem, ...]


@dataclass(frozen=True)
class Judge:
    """What the report says about the judge: a sentence, and warnings when it is not trusted."""

    calibrated: bool
    sentence: str
    warnings: tuple[str, ...]
    command: str | None  # how to calibrate it


@dataclass(frozen=True)
class ReportData:
    manifest: RunManifest
    model: str
    settings: str
    judge: Judge
    rows: tuple[MetricRow, ...]
    columns: tuple[Metric, ...]  # metrics some item has, for the per-item table
    items: tuple[ItemMeans, ...]
    worst: tuple[WorstList, ...]
    failed: tuple[ItemResult, ...]
    retrieval_columns: tuple[str, ...]
    retrieval_rows: tuple[tuple[str, ...], ...]


def write_report(run_dir: Path) -> tuple[Path, Path]:
    """Writes ``report.md`` and ``report.html`` into ``run_dir`` from its manifest and items."""
    run = load_run(run_dir)
    data = build_report(run.manifest, run.items)
    markdown, page = render_markdown(data), render_html(data)
    return _write(run_dir / "report.md", markdown), _write(run_dir / "report.html", page)


def build_report(manifest: RunManifest, items: Sequence[ItemResult]) -> ReportData:
    means = item_means(items)
    columns = tuple(
        m for m in METRICS if any(i.metrics[m.name] is not None for i in means.values())
    )
    retrieval_columns: list[str] = []
    for row in manifest.retrieval:
        retrieval_columns += [key for key in row if key not in retrieval_columns]
    return ReportData(
        manifest=manifest,
        model=model_line(manifest.model),
        settings="; ".join(_flatten(manifest.settings)) or "defaults",
        judge=judge_statement(manifest),
        rows=tuple(MetricRow(m, _summary(manifest, items, means, m)) for m in METRICS),
        columns=columns,
        items=tuple(means.values()),
        worst=_worst(items, means),
        failed=tuple(r for r in items if r.error is not None),
        retrieval_columns=tuple(RETRIEVAL_LABELS.get(c, c) for c in retrieval_columns),
        retrieval_rows=tuple(
            tuple(_cell(row.get(c)) for c in retrieval_columns) for row in manifest.retrieval
        ),
    )


def model_line(model: str) -> str:
    return f"{model} ({DEMO_NOTE})" if model.startswith(LOCAL_MODEL) else model


def judge_statement(manifest: RunManifest) -> Judge:
    """The judge's agreement with physicians, side by side with theirs with each other."""
    agreement = manifest.agreement
    kind = "llm" if manifest.judge.lower().startswith("llm") else "offline"
    command = f"assistant eval calibrate --judge {kind}"
    if agreement is None:
        return Judge(
            calibrated=False,
            sentence=(
                f"Judge {manifest.judge} is uncalibrated: its agreement with physicians was "
                "never measured, so comprehensiveness and hallucination below have unknown "
                "accuracy."
            ),
            warnings=(),
            command=command,
        )
    ceiling = physicians()
    pairwise = [p.accuracy for p in ceiling.pairwise]
    kappas = [p.kappa for p in ceiling.pairwise]
    interval = (
        f", 95% interval {agreement.kappa_interval[0]:.2f}\u2013{agreement.kappa_interval[1]:.2f}"
        if agreement.kappa_interval is not None
        else ""
    )
    sentence = (
        f"Judge {agreement.judge} agrees with the physicians' majority on "
        f"{agreement.accuracy:.0%} of {agreement.pairs} statements "
        f"(Cohen's κ = {agreement.kappa:.2f}{interval}); physicians agree with each other on "
        f"{min(pairwise) * 100:.0f}\u2013{max(pairwise) * 100:.0f}% pairwise "
        f"(κ {min(kappas):.2f}\u2013{max(kappas):.2f}), {ceiling.all_three:.0%} all three."
    )
    if agreement.calibrated_at is not None:
        sentence += f" Calibrated {agreement.calibrated_at:%Y-%m-%d}."
    warnings = []
    mismatched = agreement.judge != manifest.judge
    if mismatched:
        warnings.append(
            f"That calibration is of judge {agreement.judge}, not of this run's judge "
            f"{manifest.judge}: calibrate this judge before trusting its numbers."
        )
    if agreement.accuracy < min(pairwise):
        warnings.append(
            "The judge agrees with physicians less than physicians agree with each other: "
            "read comprehensiveness and hallucination as rough."
        )
    return Judge(
        calibrated=True,
        sentence=sentence,
        warnings=tuple(warnings),
        command=command if mismatched else None,  # recalibrating helps only then
    )


def render_markdown(data: ReportData) -> str:
    return _env(autoescape=False).get_template("report.md.j2").render(**_context(data))


def render_html(data: ReportData) -> str:
    plots = plot_svgs(data)
    return (
        _env(autoescape=True)
        .get_template("report.html.j2")
        .render(**_context(data), plots={k: Markup(v) for k, v in plots.items()})
    )


def plot_svgs(data: ReportData) -> dict[str, str]:
    """Inline SVG plots: ``distributions`` (a histogram per metric over items) and ``scatter``
    (comprehensiveness against hallucination per item); a plot with no data is left out."""
    import matplotlib
    from matplotlib.figure import Figure

    values = {
        m.name: [v for i in data.items if (v := i.metrics[m.name]) is not None]
        for m in data.columns
    }
    svgs = {}
    # text as text (small, searchable); fixed ids, so the same run gives the same page
    with matplotlib.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "assistant-report", "font.size": 8}
    ):
        if data.columns:
            cols = min(4, len(data.columns))
            rows = math.ceil(len(data.columns) / cols)
            figure = Figure(figsize=(2.5 * cols, 2.0 * rows), layout="constrained")
            axes = figure.subplots(rows, cols, squeeze=False).ravel()
            for ax, metric in zip(axes, data.columns, strict=False):
                shown = values[metric.name]
                bounds = (0.0, 1.0) if metric.name in _SHARES else None
                ax.hist(shown, bins=10 if bounds else 15, range=bounds, color="#4c78a8")
                mean = sum(shown) / len(shown)
                ax.axvline(mean, color="#222222", linestyle="--", linewidth=1)
                ax.set_title(f"{metric.label} ({metric.better_in_words})", fontsize=8)
                ax.set_xlabel(f"mean {fmt(mean, metric.name)}, n = {len(shown)}", fontsize=7)
            for ax in axes[len(data.columns) :]:
                ax.set_visible(False)
            for ax in axes[::cols]:
                ax.set_ylabel("items")
            svgs["distributions"] = _svg(figure)
        pairs = [
            (c, h)
            for i in data.items
            if (c := i.metrics["comprehensiveness"]) is not None
            and (h := i.metrics["hallucination"]) is not None
        ]
        if pairs:
            figure = Figure(figsize=(4.2, 3.4), layout="constrained")
            ax = figure.subplots()
            ax.scatter([c for c, _ in pairs], [h for _, h in pairs], alpha=0.5, s=18)
            ax.set_xlim(-0.03, 1.03)
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlabel("Comprehensiveness (higher is better)")
            ax.set_ylabel("Hallucination rate (lower is better)")
            ax.set_title(f"One dot per item (n = {len(pairs)})")
            svgs["scatter"] = _svg(figure)
    return svgs


def _svg(figure: Any) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None}
    )
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and DOCTYPE: inline in HTML


def _summary(
    manifest: RunManifest, items: Sequence[ItemResult], means: dict[str, ItemMeans], m: Metric
) -> Interval | None:
    """The run's own interval, or (for a run that did not record one) computed the same way."""
    if m.name in manifest.summary:
        return manifest.summary[m.name]
    per_repeat: dict[int, list[float]] = {}
    for r in items:
        if r.error is None and (v := r.metrics.get(m.name)) is not None:
            per_repeat.setdefault(r.repeat, []).append(v)
    spread = repeat_spread([sum(v) / len(v) for _, v in sorted(per_repeat.items())])
    return bootstrap_interval([i.metrics[m.name] for i in means.values()], spread=spread)


def _worst(items: Sequence[ItemResult], means: dict[str, ItemMeans]) -> tuple[WorstList, ...]:
    by_item: dict[str, list[ItemResult]] = {}
    for r in items:
        if r.error is None:
            by_item.setdefault(r.item_id, []).append(r)
    lists = []
    for name, title, lowest in (
        ("comprehensiveness", f"{WORST} lowest comprehensiveness", True),
        ("hallucination", f"{WORST} highest hallucination", False),
    ):
        metric = next(m for m in METRICS if m.name == name)
        scored = [(v, i) for i in means.values() if (v := i.metrics[name]) is not None]
        # a draft that entails every must-have statement, or contradicts none, is not "worst"
        scored = [(v, i) for v, i in scored if (v < 1.0 if lowest else v > 0.0)]
        scored.sort(key=lambda pair: (pair[0] if lowest else -pair[0], pair[1].item_id))
        shown = []
        for value, mean in scored[:WORST]:
            candidates = [r for r in by_item[mean.item_id] if r.metrics.get(name) is not None]
            worst = (min if lowest else max)(candidates, key=lambda r: r.metrics[name] or 0.0)
            shown.append(
                WorstItem(
                    item_id=mean.item_id,
                    question=mean.question,
                    value=value,
                    repeat=worst.repeat,
                    repeats=mean.repeats,
                    draft=worst.draft,
                    reference=worst.reference,
                    missed=tuple(
                        s.text
                        for s in worst.statements
                        if s.kind == "must_have" and s.label != "entailment"
                    ),
                    contradicted=tuple(s for s in worst.statements if s.label == "contradiction"),
                )
            )
        lists.append(WorstList(title, metric, tuple(shown)))
    return tuple(lists)


RETRIEVAL_LABELS = {
    "held_out": "held out",
    "recall_at_5": "recall@5",
    "recall_at_10": "recall@10",
    "mrr_at_10": "MRR@10",
    "hit_at_10": "hit@10",
    "ms_per_query": "ms/query",
}


def _flatten(settings: dict[str, object], prefix: str = "") -> list[str]:
    """``{"retrieval": {"rrf_k": 60}}`` → ``["retrieval.rrf_k: 60"]``."""
    lines: list[str] = []
    for key, value in settings.items():
        if isinstance(value, dict):
            lines += _flatten(value, f"{prefix}{key}.")
        else:
            lines.append(f"{prefix}{key}: {value}")
    return lines


def _cell(value: float | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 1:
        return f"{value:.0f}"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _context(data: ReportData) -> dict[str, Any]:
    return {"r": data, "m": data.manifest, "spread": data.manifest.repeats > 1}


@cache  # built and its templates compiled once, not on every render
def _env(autoescape: bool) -> Environment:
    env = template_environment(TEMPLATES, autoescape)
    env.filters.update(
        fmt=fmt,
        interval=interval,
        shorten=shorten,
        cell=md_cell,
        text=lambda s: html.escape(" ".join(str(s).split()), quote=False),
        quote=_md_quote,
    )
    return env


def _md_quote(text: str) -> str:
    """A block of patient or model text as a Markdown block quote, markup shown as text."""
    lines = html.escape(text, quote=False).splitlines() or [""]
    return "\n".join(f"> {line}".rstrip() for line in lines)


def _write(path: Path, text: str) -> Path:
    return write_atomically(path, text)
