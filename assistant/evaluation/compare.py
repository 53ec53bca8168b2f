"""Reading finished runs back, and comparing two of them item by item.

``load_run`` reads a run directory and names the file (and line) of anything it cannot read.
``compare(a, b)`` matches the items both runs drafted by id, averages each item's repeats, and
gives, per metric, the means of both runs over the items both measured, the paired difference
B - A with its bootstrap 95% interval, and a verdict that follows the metric's better direction.
``gate`` turns one metric's change into pass/fail for CI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from assistant.evaluation.markdown import md_cell
from assistant.evaluation.results import (
    METRICS,
    Agreement,
    Interval,
    ItemResult,
    Metric,
    RunManifest,
)
from assistant.evaluation.stats import paired_difference
from assistant.text import shorten

Verdict = Literal["better", "worse", "no clear change", "not measured"]
_TOLERANCE = 1e-9  # a drop of exactly max_drop passes despite float rounding


class RunError(ValueError):
    """A run cannot be read or compared; the message names the file (and line) and what to do."""


@dataclass(frozen=True)
class Run:
    path: Path
    manifest: RunManifest
    items: list[ItemResult]


@dataclass(frozen=True)
class ItemMeans:
    """One item's metrics averaged over its repeats; failed repeats, and repeats where a metric
    does not apply, are left out of that metric's mean (as in the run's summary)."""

    item_id: str
    question: str
    repeats: int
    failed: int  # repeats whose drafting or judging failed
    metrics: dict[str, float | None]


@dataclass(frozen=True)
class MetricChange:
    """One metric in both runs, over the items both measured it on."""

    metric: Metric
    n: int
    mean_a: float | None
    mean_b: float | None
    delta: Interval | None  # B - A with its paired bootstrap 95% interval
    worsening: Interval | None  # how much worse B is, in the metric's own direction (> 0: worse)
    noise: float = 0.0  # the judge's measured noise: a change within it is no clear change

    @property
    def verdict(self) -> Verdict:
        if self.worsening is None:
            return "not measured"
        if self.worsening.low > self.noise:
            return "worse"
        if self.worsening.high < -self.noise:
            return "better"
        return "no clear change"

    @property
    def regression(self) -> bool:
        """The 95% interval of the change lies wholly on the worse side."""
        return self.verdict == "worse"


@dataclass(frozen=True)
class ItemChange:
    item_id: str
    question: str
    a: float
    b: float
    worsening: float  # > 0: worse in B, in the metric's direction


@dataclass(frozen=True)
class Comparison:
    a: Run
    b: Run
    shared: tuple[str, ...]  # item ids both runs have, in A's order
    changes: dict[str, MetricChange]  # by metric name, in METRICS order
    warnings: tuple[str, ...]
    means_a: dict[str, ItemMeans]
    means_b: dict[str, ItemMeans]

    def change(self, metric: str) -> MetricChange:
        if metric not in self.changes:
            raise ValueError(f"unknown metric {metric!r}; one of: {', '.join(self.changes)}")
        return self.changes[metric]

    def worsened(self, metric: str, limit: int = 10) -> list[ItemChange]:
        """The shared items whose ``metric`` got worse in B, largest change first."""
        spec = self.change(metric).metric
        found = []
        for item_id in self.shared:
            a = self.means_a[item_id].metrics.get(metric)
            b = self.means_b[item_id].metrics.get(metric)
            if a is None or b is None:
                continue
            worse = _badness(spec, b) - _badness(spec, a)
            if worse > _TOLERANCE:
                found.append(ItemChange(item_id, self.means_b[item_id].question, a, b, worse))
        found.sort(key=lambda c: (-c.worsening, c.item_id))
        return found[:limit]


def load_run(run_dir: Path) -> Run:
    """The manifest and the item results of a finished run; ``RunError`` names what is wrong."""
    if not run_dir.is_dir():
        raise RunError(f"{run_dir} is not a directory: give a run id or a run directory.")
    manifest_path = run_dir / "manifest.json"
    items_path = run_dir / "items.jsonl"
    if not manifest_path.exists():
        raise RunError(
            f"{manifest_path} is missing: {run_dir} is not a finished run "
            "(the run stopped before writing it, or this is another directory)."
        )
    try:
        manifest = RunManifest.model_validate_json(manifest_path.read_bytes())
    except ValidationError as exc:
        raise RunError(f"{manifest_path}: not a run manifest: {_first_error(exc)}") from None
    if not items_path.exists():
        raise RunError(f"{items_path} is missing: the run's item results were not written.")
    items = []
    with items_path.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                items.append(ItemResult.model_validate_json(line))
            except ValidationError as exc:
                raise RunError(f"{items_path}:{number}: {_first_error(exc)}") from None
    return Run(run_dir, manifest, items)


def item_means(items: Sequence[ItemResult]) -> dict[str, ItemMeans]:
    """Each item's metrics averaged over its repeats, in the order items first appear."""
    grouped: dict[str, list[ItemResult]] = {}
    for result in items:
        grouped.setdefault(result.item_id, []).append(result)
    means = {}
    for item_id, repeats in grouped.items():
        metrics: dict[str, float | None] = {}
        for metric in METRICS:
            values = [
                v
                for r in repeats
                if r.error is None and (v := r.metrics.get(metric.name)) is not None
            ]
            metrics[metric.name] = sum(values) / len(values) if values else None
        means[item_id] = ItemMeans(
            item_id=item_id,
            question=repeats[0].question,
            repeats=len(repeats),
            failed=sum(r.error is not None for r in repeats),
            metrics=metrics,
        )
    return means


def compare(a: Path, b: Path) -> Comparison:
    """B against A (the baseline), paired over the items both runs drafted."""
    run_a, run_b = load_run(a), load_run(b)
    means_a, means_b = item_means(run_a.items), item_means(run_b.items)
    shared = tuple(i for i in means_a if i in means_b)
    if not shared:
        raise RunError(
            f"The runs {run_a.manifest.run_id} and {run_b.manifest.run_id} share no item ids: "
            "compare runs over the same dataset."
        )
    noise = judge_noise(run_a.manifest, run_b.manifest)
    changes = {}
    for metric in METRICS:
        pairs = [
            (x, y)
            for i in shared
            if (x := means_a[i].metrics.get(metric.name)) is not None
            and (y := means_b[i].metrics.get(metric.name)) is not None
        ]
        before = [x for x, _ in pairs]
        after = [y for _, y in pairs]
        changes[metric.name] = MetricChange(
            metric=metric,
            n=len(pairs),
            mean_a=sum(before) / len(pairs) if pairs else None,
            mean_b=sum(after) / len(pairs) if pairs else None,
            delta=paired_difference(before, after),
            worsening=paired_difference(
                [_badness(metric, x) for x in before], [_badness(metric, y) for y in after]
            ),
            noise=noise if metric.judged else 0.0,
        )
    warnings = _warnings(run_a, run_b, len(shared), len(means_a), len(means_b))
    return Comparison(run_a, run_b, shared, changes, tuple(warnings), means_a, means_b)


def judge_noise(a: RunManifest, b: RunManifest) -> float:
    """The larger of the two runs' judge noise (:attr:`Agreement.noise`): the "no clear
    change" band of the metrics the judge decides is widened by it on both sides."""
    return max((m.agreement.noise for m in (a, b) if m.agreement is not None), default=0.0)


def movement(comparison: Comparison, metric: str) -> str:
    """How ``metric`` moved, as the gate reports it: "worse by 0.041", "not worse (by 0.010)"."""
    change = comparison.change(metric)
    moved = change.worsening.mean if change.worsening else 0.0
    what = "further from 1" if change.metric.better == "closer_to_1" else "worse"
    return f"{what} by {moved:.3f}" if moved > 0 else f"not worse (by {abs(moved):.3f})"


def gate(comparison: Comparison, metric: str, max_drop: float) -> bool:
    """True when B passes: ``metric`` moved in its worse direction by at most ``max_drop``
    (for a "closer to 1" metric, its distance from 1 grew by at most ``max_drop``)."""
    change = comparison.change(metric)
    if change.worsening is None:
        raise ValueError(f"no item has {metric} in both runs: it cannot gate this comparison")
    return change.worsening.mean <= max_drop + _TOLERANCE


def to_markdown(comparison: Comparison, metric: str, max_drop: float, limit: int = 10) -> str:
    """The comparison as a Markdown page: warnings, per-metric deltas, the gate, worst items."""
    a, b = comparison.a.manifest, comparison.b.manifest
    lines = [
        f"# Comparison: {md_cell(b.run_id)} against {md_cell(a.run_id)}",
        "",
        f"- A (baseline): `{a.run_id}`: {md_cell(a.drafter)} / {md_cell(a.model)}, "
        f"judge {md_cell(a.judge)}, {a.created_at:%Y-%m-%d %H:%M} UTC",
        f"- B: `{b.run_id}`: {md_cell(b.drafter)} / {md_cell(b.model)}, "
        f"judge {md_cell(b.judge)}, {b.created_at:%Y-%m-%d %H:%M} UTC",
        f"- {len(comparison.shared)} items in both runs; repeats averaged per item; "
        "intervals: paired bootstrap 95% over items.",
        *_noise_line(comparison),
        "",
    ]
    lines += [f"> **Warning:** {md_cell(w)}" for w in comparison.warnings]
    if comparison.warnings:
        lines.append("")
    lines += [
        "| metric | better | n | A | B | Δ (B - A) | 95% CI | verdict |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for change in comparison.changes.values():
        m = change.metric
        lines.append(
            f"| {m.label} | {m.better_in_words} | {change.n} | {fmt(change.mean_a, m.name)} | "
            f"{fmt(change.mean_b, m.name)} | {signed(change.delta, m.name)} | "
            f"{interval(change.delta, m.name)} | {change.verdict} |"
        )
    passed = gate(comparison, metric, max_drop)
    lines += ["", f"**Gate on {metric} (max drop {max_drop:g}): {'PASS' if passed else 'FAIL'}**"]
    worse = comparison.worsened(metric, limit)
    lines += ["", f"## Items whose {metric} got worse ({len(worse)} shown)", ""]
    if worse:
        lines += ["| item | question | A | B |", "| --- | --- | ---: | ---: |"]
        lines += [
            f"| {md_cell(c.item_id)} | {md_cell(shorten(c.question, 90))} | "
            f"{fmt(c.a, metric)} | {fmt(c.b, metric)} |"
            for c in worse
        ]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def _noise_line(comparison: Comparison) -> list[str]:
    noise = max((c.noise for c in comparison.changes.values()), default=0.0)
    if noise <= 0:
        return []
    return [
        f"- Judge-decided metrics (comprehensiveness, hallucination) change clearly only beyond "
        f"±{noise:.3f}: the judge's measured noise (half its held-out accuracy interval)."
    ]


def fmt(value: float | None, metric: str) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if metric == "grade" else f"{value:.3f}"


def signed(value: Interval | None, metric: str) -> str:
    if value is None:
        return "—"
    return f"{value.mean:+.1f}" if metric == "grade" else f"{value.mean:+.3f}"


def interval(value: Interval | None, metric: str) -> str:
    if value is None:
        return "—"
    return f"[{fmt(value.low, metric)}, {fmt(value.high, metric)}]"


def _badness(metric: Metric, value: float) -> float:
    if metric.better == "higher":
        return -value
    if metric.better == "lower":
        return value
    return abs(value - 1.0)


def _warnings(run_a: Run, run_b: Run, shared: int, in_a: int, in_b: int) -> list[str]:
    a, b = run_a.manifest, run_b.manifest
    found = []
    if a.dataset_sha256 != b.dataset_sha256:
        found.append(
            f"The runs scored different datasets (A: {a.dataset} sha256 {a.dataset_sha256[:12]}, "
            f"B: {b.dataset} sha256 {b.dataset_sha256[:12]}): questions or references may differ."
        )
    if a.judge != b.judge:
        found.append(
            f"The runs were judged by different judges (A: {a.judge}, B: {b.judge}): "
            "changes in comprehensiveness and hallucination may come from the judge."
        )
    if _agreement(a.agreement) != _agreement(b.agreement):
        found.append(
            "The judge's measured agreement with physicians differs "
            f"(A: {_agreement(a.agreement)}; B: {_agreement(b.agreement)})."
        )
    elif a.agreement is None:
        found.append(
            "The judge is uncalibrated in both runs: statement metrics have unknown accuracy."
        )
    if shared < max(in_a, in_b):
        found.append(
            f"Only {shared} items are in both runs (A has {in_a}, B has {in_b}): "
            "the comparison covers those."
        )
    return found


def _agreement(agreement: Agreement | None) -> str:
    if agreement is None:
        return "uncalibrated"
    return (
        f"{agreement.judge}: {agreement.accuracy:.1%} of {agreement.pairs} statements, "
        f"κ = {agreement.kappa:.2f}"
    )


def _first_error(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"])
    message = f"field '{where}': {first['msg']}" if where else str(first["msg"])
    return message + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else "")
