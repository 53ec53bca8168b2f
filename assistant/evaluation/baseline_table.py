"""The baselines page (``docs/evaluation.md``): every system's run side by side, with its judge.

:func:`baselines_markdown` turns finished runs (one :class:`SystemRun` per row, a system that
was not run included) into one Markdown page: how it was produced (command, date, index size,
items per system), what the reply mode means, a table of every metric of ``results.METRICS``
with its mean and bootstrap 95% interval per system, a short reading of the numbers derived
from them, the retrieval quality measured in one of the runs, and the judges' agreement with
physicians beside the physicians' agreement with each other. It reads and runs nothing.
:func:`stored_llm_calibration` finds the LLM judge's stored calibration, if any, without
starting the judge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from assistant.evaluation.calibration import (
    Calibration,
    HumanCeiling,
    calibrations_dir,
    kappa_text,
    to_markdown,
)
from assistant.evaluation.compare import fmt, interval
from assistant.evaluation.markdown import md_cell
from assistant.evaluation.report import model_line
from assistant.evaluation.results import METRICS, Interval, ItemResult, Metric, RunManifest

BY_NAME = {m.name: m for m in METRICS}
FEW_ITEMS = 30  # below this many items per system, the page says the intervals are wide
_REASON = (
    "K-QA gives no physician reply, while the product always drafts from one (the physician's "
    "short reply on the page); so that every system gets the input the product gets, the "
    "reference answer's first sentence stands in for it."
)


@dataclass(frozen=True)
class SystemRun:
    """One row of the baselines table: a system and its finished run, or why it was not run."""

    system: str  # what a reader calls it: "grounded composer", "doctor's reply only"
    manifest: RunManifest | None = None  # None: not run (``note`` says why)
    seconds_per_item: float | None = None  # mean over its items: drafting, judging, metrics
    note: str = ""  # e.g. "first 40 items only (--llm-limit 40)", or why it was not run

    @property
    def items(self) -> int:
        return self.manifest.items if self.manifest is not None else 0

    @property
    def reply(self) -> str | None:
        if self.manifest is None:
            return None
        return str(self.manifest.settings.get("reply", "auto"))


@dataclass(frozen=True)
class Produced:
    """How the page was produced: the command, when, and on which index and dataset."""

    command: str
    at: datetime
    records: int
    chunks: int
    dataset: str  # e.g. "K-QA (`data/kqa_answered.jsonl`, 201 physician-answered questions)"


def seconds_per_item(items: Sequence[ItemResult]) -> float | None:
    """Mean seconds per drafted item (drafting, judging and metrics); None without items."""
    return sum(r.seconds for r in items) / len(items) if items else None


def stored_llm_calibration(home: Path, labels_sha256: str) -> Calibration | None:
    """The newest stored calibration of an LLM judge on the labels file with this digest, or
    None; unreadable files are skipped (``assistant eval calibrate`` names them)."""
    found: list[Calibration] = []
    for path in sorted(calibrations_dir(home).glob("*.json")):
        try:
            calibration = Calibration.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError):
            continue
        if calibration.judge.lower().startswith("llm") and (
            calibration.labels_sha256 == labels_sha256
        ):
            found.append(calibration)
    return max(found, key=lambda c: c.calibrated_at, default=None)


def baselines_markdown(
    systems: Sequence[SystemRun],
    calibrations: Sequence[Calibration],
    human: HumanCeiling,
    produced: Produced,
) -> str:
    """The whole page; see the module docstring."""
    ran = [s for s in systems if s.manifest is not None]
    lines = ["# Evaluation: drafts against physicians' answers", ""]
    lines += _produced(produced, systems)
    lines += _reply_modes(ran)
    lines += ["## Baselines", "", *_table(systems), "", *_legend()]
    lines += ["", "## What the numbers say", "", *_reading(systems, calibrations, human)]
    lines += ["", "## Retrieval", "", *_retrieval(ran)]
    lines += ["", *_demoted(to_markdown(calibrations, human))]
    if not any(c.judge.lower().startswith("llm") for c in calibrations):
        lines += [
            "",
            "The LLM judge has no stored calibration on these labels (`assistant eval "
            "calibrate --judge llm` measures it; this page never runs it).",
        ]
    return "\n".join(lines).rstrip() + "\n"


# --- the parts ----------------------------------------------------------------------------


def _produced(produced: Produced, systems: Sequence[SystemRun]) -> list[str]:
    counts = []
    for s in systems:
        if s.manifest is None:
            counts.append(f"{s.system}: not run")
        else:
            counts.append(f"{s.system}: {_items(s.manifest)}")
    judges = list(dict.fromkeys(s.manifest.judge for s in systems if s.manifest is not None))
    lines = [
        "## How this was produced",
        "",
        f"- Command: `{produced.command}`",
        f"- Date: {produced.at.strftime('%Y-%m-%d %H:%M %Z').strip()}",
        f"- Index: {produced.records:,} records, {produced.chunks:,} chunks; every evaluation "
        "question the index holds is kept out of retrieval (a draft that cites one stops the "
        "run).",
        f"- Dataset: {produced.dataset}",
        f"- Items per system: {'; '.join(counts)}.",
    ]
    if judges:
        lines.append(
            f"- Judge: `{md_cell(', '.join(judges))}` — one instance for every system, so "
            "differences between rows are not differences between judges."
        )
    runs = [f"`{s.manifest.run_id}`" for s in systems if s.manifest is not None]
    if runs:
        lines.append(
            f"- Runs (each with its own `report.md`, under `{{home}}/eval/runs/`): "
            f"{', '.join(runs)}."
        )
    return [*lines, ""]


def _reply_modes(ran: Sequence[SystemRun]) -> list[str]:
    notes: dict[str, str] = {}
    for s in ran:
        if s.manifest is not None and s.reply is not None:
            notes.setdefault(s.reply, str(s.manifest.settings.get("reply_note", "")))
    if not notes:
        return []
    lines = ["## Reply mode", ""]
    if "lead" in notes:
        lines += [_REASON, ""]
    lines += [f"- `--reply {mode}`: {note}." for mode, note in notes.items()]
    return [*lines, ""]


def _table(systems: Sequence[SystemRun]) -> list[str]:
    header = ["system", "drafter", "model", "reply", "items"]
    header += [f"{m.label} {m.arrow}" for m in METRICS]
    header += ["failed", "s/item"]
    align = ["---"] * 4 + ["---:"] * (len(header) - 4)
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    for s in systems:
        m = s.manifest
        if m is None:
            why = f"not run{f' ({s.note})' if s.note else ''}"
            cells = [md_cell(s.system), "—", "—", "—", md_cell(why)]
            cells += ["not run"] * len(METRICS) + ["—", "—"]
        else:
            items = _items(m) + (f" ({s.note})" if s.note else "")
            cells = [
                md_cell(s.system),
                md_cell(m.drafter),
                md_cell(model_line(m.model)),
                f"`{s.reply}`",
                md_cell(items),
            ]
            cells += [_cell(m.summary.get(metric.name), metric) for metric in METRICS]
            spi = "—" if s.seconds_per_item is None else f"{s.seconds_per_item:.2f}"
            cells += [str(m.failed), spi]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _cell(value: Interval | None, metric: Metric) -> str:
    if value is None:
        return "n/a"
    return f"{fmt(value.mean, metric.name)} {interval(value, metric.name)}"


def _items(m: RunManifest) -> str:
    return f"{m.items}" if m.repeats == 1 else f"{m.items} x {m.repeats} repeats"


def _legend() -> list[str]:
    lines = [
        "Each cell: mean over items [bootstrap 95% interval over items]; n/a: the metric "
        "applies to none of the system's drafts (e.g. citation validity of a draft that cites "
        "nothing). Failed drafts are left out of the means and counted under *failed*; "
        "*s/item* is the mean time per item for drafting, judging and metrics.",
        "",
    ]
    for m in METRICS:
        better = {"higher": "higher is better", "lower": "lower is better"}.get(
            m.better, "closer to 1 is better"
        )
        lines.append(f"- **{m.label}** ({better}): {m.description}.")
    return lines


def _reading(
    systems: Sequence[SystemRun], calibrations: Sequence[Calibration], human: HumanCeiling
) -> list[str]:
    ran = [s for s in systems if s.manifest is not None]
    points = [_trust(ran, calibrations, human), _contradictions(ran, calibrations)]
    points += _ranking(ran, "comprehensiveness")
    points += _ranking(ran, "hallucination")
    points += _reply_effect(ran)
    if any(s.reply == "lead" for s in ran):
        points.append(
            "With `--reply lead` every draft starts from the reference's own first sentence, "
            "which lifts overlap with the reference (comprehensiveness, ROUGE-L, cosine) for "
            "every such row alike; the *doctor's reply only* row measures that head start "
            "alone, so a drafter adds what it scores above that row."
        )
    for s in ran:
        assert s.manifest is not None
        if "demo model" in model_line(s.manifest.model):
            points.append(
                f"The {s.system} row uses `{s.manifest.model}`, a small demo model standing in "
                "for a capable one: it shows the LLM path works end to end, on "
                f"{s.manifest.items} item(s) only, not what a production model would score."
            )
    few = [s.manifest.items for s in ran if s.manifest and s.manifest.items < FEW_ITEMS]
    if few:
        points.append(
            f"With as few as {min(few)} item(s) per system, intervals are wide: an order between "
            "systems whose intervals overlap is not established by these numbers."
        )
    failed = [s for s in ran if s.manifest and s.manifest.failed]
    if failed:
        names = ", ".join(f"{s.system} ({s.manifest.failed})" for s in failed if s.manifest)
        points.append(f"Failed drafts, left out of the means: {names}; see each run's report.")
    for s in systems:
        if s.manifest is None:
            points.append(f"{s.system.capitalize()}: not run{f' ({s.note})' if s.note else ''}.")
    return [f"- {p}" for p in points if p]


def _trust(
    ran: Sequence[SystemRun], calibrations: Sequence[Calibration], human: HumanCeiling
) -> str:
    judge = next((s.manifest.judge for s in ran if s.manifest is not None), None)
    if judge is None:
        return "No system was run: there are no scores to read."
    mine = next((c for c in calibrations if c.judge == judge), None)
    if mine is None:
        return (
            f"The judge `{md_cell(judge)}` has no stored calibration: its scores have no stated "
            "agreement with physicians (run `assistant eval calibrate`)."
        )
    agreement = mine.agreement
    if mine.in_sample:
        how = "held out" if mine.held_out is not None else "in-sample: tuned on these labels"
    else:
        how = "measured"
    return (
        f"The judge agrees with the physicians' majority at Cohen's κ "
        f"{kappa_text(agreement.kappa)} ({how}, accuracy {agreement.accuracy:.1%} on "
        f"{agreement.pairs} pairs), while physicians agree with each other at κ "
        f"{kappa_text(human.mean_kappa)} (accuracy {human.mean_pairwise:.1%}): "
        "comprehensiveness and hallucination are indicative — fit for comparing systems on the "
        "same items with the same judge, not as a physician's verdict."
    )


def _contradictions(ran: Sequence[SystemRun], calibrations: Sequence[Calibration]) -> str:
    """How much a low hallucination rate means: how many of the physicians' contradictions the
    runs' judge recognises."""
    judges = {s.manifest.judge for s in ran if s.manifest is not None}
    mine = next((c for c in calibrations if c.judge in judges), None)
    if mine is None:
        return ""
    scores = next((c for c in mine.classes if c.label == "contradiction"), None)
    if scores is None or scores.recall is None or scores.recall >= 0.5:
        return ""
    found = round(scores.recall * scores.reference)
    return (
        f"The judge recognises only {found} of the {scores.reference} contradictions the "
        f"physicians marked (recall {scores.recall:.0%}): a low hallucination rate here is weak "
        "evidence that drafts contradict the reference rarely."
    )


def _ranking(ran: Sequence[SystemRun], name: str) -> list[str]:
    """Per reply mode (rows with different modes are not comparable), the systems ordered by
    ``name``, and which of them the best one is clearly apart from."""
    metric = BY_NAME[name]
    groups: dict[str, list[tuple[SystemRun, Interval]]] = {}
    for s in ran:
        if s.manifest is not None and s.reply is not None and name in s.manifest.summary:
            groups.setdefault(s.reply, []).append((s, s.manifest.summary[name]))
    points = []
    for mode, group in groups.items():
        # rank only systems measured on the same items; a subset (e.g. --llm-limit) is not
        # comparable item for item with the rest
        most = max(s.items for s, _ in group)
        scored = [(s, v) for s, v in group if s.items == most]
        subset = [(s, v) for s, v in group if s.items < most]
        if len(scored) < 2:
            continue
        scored.sort(key=lambda pair: pair[1].mean, reverse=metric.better == "higher")
        (best, top), rest = scored[0], scored[1:]
        apart = [s.system for s, v in rest if _separated(top, v)]
        close = [s.system for s, v in rest if not _separated(top, v)]
        order = "; ".join(f"{s.system} {fmt(v.mean, name)}" for s, v in scored)
        direction = "higher" if metric.better == "higher" else "lower"
        text = f"{metric.label} with `--reply {mode}` ({direction} is better): {order}. "
        if not apart:
            text += f"The intervals of all {len(scored)} systems overlap: no clear difference."
        elif close:
            text += (
                f"The intervals of {best.system} and {_and(close)} overlap (no clear difference "
                f"at this sample size); {best.system} is clearly ahead of {_and(apart)}."
            )
        else:
            text += f"The {best.system}'s interval lies clear of every other system's."
        if subset:
            text += (
                f" Not ranked: {_and([s.system for s, _ in subset])} (run on fewer items: "
                f"{_and([f'{fmt(v.mean, name)} on {v.n}' for _, v in subset])})."
            )
        points.append(text)
    return points


def _reply_effect(ran: Sequence[SystemRun]) -> list[str]:
    """For a drafter run in several reply modes: what the reply changes in comprehensiveness."""
    by_drafter: dict[str, list[SystemRun]] = {}
    for s in ran:
        if s.manifest is not None and "comprehensiveness" in s.manifest.summary:
            by_drafter.setdefault(s.manifest.drafter, []).append(s)
    points = []
    for drafter, rows in by_drafter.items():
        if len({s.reply for s in rows}) < 2:
            continue
        shown = " and ".join(
            f"{_cell(s.manifest.summary['comprehensiveness'], BY_NAME['comprehensiveness'])} with "
            f"`--reply {s.reply}`"
            for s in rows
            if s.manifest is not None
        )
        points.append(
            f"`{md_cell(drafter)}` comprehensiveness: {shown}; the difference is what the "
            "physician's reply (with `lead`, its stand-in) gives the drafter to build on."
        )
    return points


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _separated(a: Interval, b: Interval) -> bool:
    return a.low > b.high or b.low > a.high


def _retrieval(ran: Sequence[SystemRun]) -> list[str]:
    for s in ran:
        m = s.manifest
        if m is not None and m.retrieval:
            lines = [
                f"Measured in the {s.system} run (`{m.run_id}`): held-out MedQuAD questions, "
                "each searched with its own record excluded; relevant = the other records on "
                "the same focus.",
                "",
                "| system | held out | recall@5 | recall@10 | MRR@10 | hit@10 | ms/query |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            ]
            for row in m.retrieval:
                lines.append(
                    f"| {md_cell(str(row['system']))} | {int(float(row['held_out']))} | "
                    + " | ".join(
                        f"{float(row[k]):.3f}"
                        for k in ("recall_at_5", "recall_at_10", "mrr_at_10", "hit_at_10")
                    )
                    + f" | {float(row['ms_per_query']):.1f} |"
                )
            return lines
    found = [s.manifest.settings.get("retrieval_note") for s in ran if s.manifest]
    notes = [str(n) for n in found if n]
    return [f"Not measured in these runs{f': {notes[0]}' if notes else ''}."]


def _demoted(markdown: str) -> list[str]:
    """The calibration report's headings one level down, to sit inside this page."""
    return [f"#{line}" if line.startswith("#") else line for line in markdown.splitlines()]
