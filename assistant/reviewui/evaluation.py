"""The Evaluation page: the runs under the home as table rows, a run's report and its files,
and two runs compared, with the gate of one metric.

A run is a directory ``{home}/eval/runs/{id}/`` (see :mod:`assistant.evaluation.results`);
``assistant eval run`` makes one. Runs are read, never changed, except that a run without
its report gets one written (``report.md`` and ``report.html``, as ``assistant eval report``
writes them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from assistant.evaluation.compare import (
    Comparison,
    RunError,
    fmt,
    gate,
    interval,
    movement,
    signed,
)
from assistant.evaluation.report import (
    model_line,
    physicians,
    write_report,
)
from assistant.evaluation.results import METRICS, Agreement, RunManifest, read_manifest, runs_dir
from assistant.text import shorten

CREATE_COMMAND = "assistant eval run --dataset kqa"
HEADLINE = ("comprehensiveness", "hallucination", "groundedness")
REPORT_FILES = (  # file in the run directory, MIME type
    ("report.html", "text/html"),
    ("report.md", "text/markdown"),
    ("items.jsonl", "application/jsonl"),
)
_METRICS = {m.name: m for m in METRICS}


@dataclass(frozen=True)
class RunEntry:
    """A finished run: its directory and its manifest."""

    path: Path
    manifest: RunManifest

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        m = self.manifest
        return f"{self.id} · {m.created_at:%Y-%m-%d %H:%M} · {m.drafter} / {m.model}"


@dataclass(frozen=True)
class Found:
    runs: tuple[RunEntry, ...]  # newest first
    problems: tuple[str, ...]  # run directories whose manifest cannot be read, and why


def find_runs(home: Path) -> Found:
    """The finished runs under ``home``, newest first. A directory without a manifest is a run
    still going (or one that stopped early) and is left out; an unreadable manifest is a
    problem that names the file, and the other runs are still listed."""
    root = runs_dir(home)
    runs: list[RunEntry] = []
    problems: list[str] = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        path = folder / "manifest.json"
        if not path.is_file():
            continue
        try:
            runs.append(RunEntry(folder, read_manifest(folder)))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            problems.append(
                f"{path}: not a run manifest ({f'field {where!r}: ' if where else ''}"
                f"{first['msg']}): the run is not listed; run it again or remove the directory."
            )
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot be read ({exc}): the run is not listed.")
    runs.sort(key=lambda r: (r.manifest.created_at, r.id), reverse=True)
    return Found(tuple(runs), tuple(problems))


# the runs table ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    help: str


# what a physician-editor asks first, in their words: metric, label, what it means
HEADLINES = (
    (
        "comprehensiveness",
        "Key points covered",
        "Of the points physicians said an answer must make, the share the drafts make.",
    ),
    (
        "hallucination",
        "Points contradicted",
        "The share of physicians' points that a draft contradicts (lower is better).",
    ),
    (
        "groundedness",
        "Sentences traced to a source",
        "The share of draft sentences that a cited past answer supports.",
    ),
    (
        "answers_question",
        "Answers what was asked",
        "The share of drafts with a supported section on what the patient asked.",
    ),
)


def headline(manifest: RunManifest) -> list[Headline]:
    """A run's answer to "how often are drafts right, complete and safe", as percentages."""
    found = []
    for metric, label, meaning in HEADLINES:
        interval = manifest.summary.get(metric)
        if interval is not None:
            value = f"{interval.mean:.0%}"
            span = f" (95% interval {interval.low:.0%} to {interval.high:.0%}, {interval.n} items)"
            found.append(Headline(label, value, meaning + span))
    return found


def column(metric: str) -> str:
    """A metric's column name: its label and which way is better."""
    m = _METRICS[metric]
    return f"{m.label} {m.arrow}"


def summary_cell(manifest: RunManifest, metric: str) -> str:
    """``mean [low, high]`` (the run's bootstrap 95% interval), or ``—`` when not measured."""
    value = manifest.summary.get(metric)
    if value is None:
        return "—"
    return f"{fmt(value.mean, metric)} {interval(value, metric)}"


def agreement_cell(manifest: RunManifest) -> str:
    """How far this run's judge agrees with physicians, in a few words."""
    agreement = manifest.agreement
    if agreement is None:
        return "uncalibrated"
    measured = _measured(agreement)
    if agreement.judge != manifest.judge:
        return f"uncalibrated ({measured} is of judge {agreement.judge})"
    if agreement.accuracy < min(p.accuracy for p in physicians().pairwise):
        return f"{measured}, below physicians"
    return measured


def _measured(agreement: Agreement) -> str:
    return f"{agreement.accuracy:.0%} of {agreement.pairs} statements, κ = {agreement.kappa:.2f}"


def run_rows(runs: Sequence[RunEntry]) -> list[dict[str, object]]:
    """One row per run, in the order given: what ran, the judge and how far it can be trusted,
    the headline metrics with their 95% intervals, and how many items failed."""
    rows: list[dict[str, object]] = []
    for run in runs:
        m = run.manifest
        row: dict[str, object] = {
            "run": run.id,
            "date": f"{m.created_at:%Y-%m-%d %H:%M}",
            "dataset": m.dataset,
            "items": m.items,
            "repeats": m.repeats,
            "drafter": m.drafter,
            "model": model_line(m.model),
            "judge": m.judge,
            "judge vs physicians": agreement_cell(m),
        }
        row.update({column(name): summary_cell(m, name) for name in HEADLINE})
        row["failed"] = m.failed
        rows.append(row)
    return rows


def metric_rows() -> list[dict[str, str]]:
    """What every metric measures and which way is better."""
    return [
        {"metric": m.label, "better": m.better_in_words, "what it measures": m.description}
        for m in METRICS
    ]


def judge_guide() -> str:
    """How far a judge can be trusted, against how far physicians agree with each other."""
    ceiling = physicians()
    pairwise = [p.accuracy for p in ceiling.pairwise]
    return (
        "Comprehensiveness and hallucination are decided statement by statement by a judge: "
        "does the draft entail, or contradict, each statement of a physician's answer (K-QA)? "
        f"Three physicians labelling the same {ceiling.pairs} statements agree with each "
        f"other on {min(pairwise) * 100:.0f}\u2013{max(pairwise) * 100:.0f}% of them pairwise, "
        f"and all three on {ceiling.all_three:.0%}. A judge whose "
        "agreement with the physicians' majority comes near that is about as reliable as "
        "another physician; below it, read those two metrics as rough; an *uncalibrated* "
        "judge's numbers have unknown accuracy (measure it with `assistant eval calibrate`). "
        "The other metrics need no judge. Every number is a mean over items with a bootstrap "
        "95% interval: two runs differ only where the interval of the change excludes 0."
    )


# a run's report --------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunFile:
    label: str
    filename: str  # the name a download gets: the run id, then the file's name
    data: bytes
    mime: str


def ensure_report(run_dir: Path) -> None:
    """Writes the run's report (Markdown and HTML) when either file is missing, or older
    than the manifest or the item results; ``RunError`` says what is wrong."""
    reports = [run_dir / name for name in ("report.html", "report.md")]
    sources = [run_dir / name for name in ("manifest.json", "items.jsonl")]
    if all(p.is_file() for p in reports):
        newest = max((p.stat().st_mtime for p in sources if p.is_file()), default=0.0)
        if min(p.stat().st_mtime for p in reports) >= newest:
            return
    try:
        write_report(run_dir)
    except OSError as exc:
        raise RunError(
            f"{run_dir}: the report could not be written ({exc.strerror or exc}): make the "
            f"directory writable, or run `assistant eval report {run_dir.name}` as its owner."
        ) from None


def report_html(run_dir: Path) -> str:
    """The run's self-contained HTML report (written first when missing or out of date)."""
    ensure_report(run_dir)
    return (run_dir / "report.html").read_text(encoding="utf-8")


def run_files(run_dir: Path) -> list[RunFile]:
    """The report (HTML, Markdown) and the item results, for download."""
    ensure_report(run_dir)
    return [
        RunFile(name, f"{run_dir.name}-{name}", (run_dir / name).read_bytes(), mime)
        for name, mime in REPORT_FILES
    ]


# two runs compared ---------------------------------------------------------------------------
@dataclass(frozen=True)
class GateResult:
    metric: str
    max_drop: float
    passed: bool | None  # None: the metric was not measured in both runs
    message: str


def comparison_rows(comparison: Comparison) -> list[dict[str, object]]:
    """Per metric: both runs' means over the items both measured, the paired change B - A with
    its 95% interval, and the verdict in the metric's better direction."""
    rows: list[dict[str, object]] = []
    for change in comparison.changes.values():
        m = change.metric
        rows.append(
            {
                "metric": m.label,
                "better": m.better_in_words,
                "n": change.n,
                "A": fmt(change.mean_a, m.name),
                "B": fmt(change.mean_b, m.name),
                "Δ B - A": signed(change.delta, m.name),
                "95% CI of Δ": interval(change.delta, m.name),
                "verdict": change.verdict,
            }
        )
    return rows


def worsened_rows(comparison: Comparison, metric: str, limit: int = 10) -> list[dict[str, str]]:
    """The items both runs drafted whose ``metric`` got worse in B, largest change first."""
    return [
        {
            "item": c.item_id,
            "question": shorten(c.question, 120),
            "A": fmt(c.a, metric),
            "B": fmt(c.b, metric),
            "worse by": fmt(c.worsening, metric),
        }
        for c in comparison.worsened(metric, limit)
    ]


def gate_result(comparison: Comparison, metric: str, max_drop: float) -> GateResult:
    """Does B pass against A: did ``metric`` move in its worse direction by at most
    ``max_drop``? Worded as ``assistant eval compare`` prints it."""
    change = comparison.change(metric)
    if change.worsening is None:
        return GateResult(
            metric,
            max_drop,
            None,
            f"No item has {metric} in both runs: it cannot gate this comparison; choose "
            "another metric.",
        )
    passed = gate(comparison, metric, max_drop)
    direction = movement(comparison, metric)
    verdict = "PASS" if passed else "FAIL"
    return GateResult(
        metric,
        max_drop,
        passed,
        f"Gate on {metric}: {direction}, allowed {max_drop:g}: {verdict}",
    )
