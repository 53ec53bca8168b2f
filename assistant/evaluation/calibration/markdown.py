"""The calibration report in Markdown: the judges beside the physicians, then each judge's
confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.evaluation.calibration.agreement import HumanCeiling
from assistant.evaluation.calibration.measure import Calibration
from assistant.evaluation.calibration.training import Rate
from assistant.evaluation.judges import LABELS
from assistant.evaluation.markdown import md_cell


def kappa_text(kappa: float) -> str:
    """Kappa to two places, without a minus sign on a value that rounds to zero."""
    return f"{round(kappa, 2) + 0.0:.2f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def to_markdown(calibrations: Sequence[Calibration], human: HumanCeiling) -> str:
    """One table of the judges beside the physicians, then each judge's confusion matrix."""
    lines = [
        "# Statement judges against physicians",
        "",
        f"Labels: `{human.labels_file}` ({human.pairs} answer-statement pairs, three "
        "physicians each; K-QA, Manes et al., BioNLP 2024). A judge is compared with the "
        "physicians' majority, and with each single physician beside how physicians agree "
        "with each other.",
        "",
        "| rater | against | pairs | accuracy | Cohen's κ |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for c in calibrations:
        note = " (in-sample: tuned on these labels)" if c.in_sample else ""
        name = md_cell(c.judge)
        lines.append(
            f"| {name} | physicians' majority{note} | {c.pairs} | {_pct(c.accuracy)} | "
            f"{kappa_text(c.kappa)} |"
        )
        if c.held_out is not None:
            h = c.held_out
            lines.append(
                f"| {name} | physicians' majority, held out ({md_cell(h.method)}) | {h.pairs} | "
                f"{_pct(h.accuracy)} | {kappa_text(h.kappa)} |"
            )
        lines.append(
            f"| {name} | one physician (mean of 3) | {c.pairs} | "
            f"{_pct(c.mean_physician_accuracy)} | {kappa_text(c.mean_physician_kappa)} |"
        )
    for p in human.pairwise:
        lines.append(
            f"| {p.rater} | {p.other} | {p.pairs} | {_pct(p.accuracy)} | {kappa_text(p.kappa)} |"
        )
    lines.append(
        f"| physicians (mean of pairs) | one physician | {human.pairs} | "
        f"{_pct(human.mean_pairwise)} | {kappa_text(human.mean_kappa)} |"
    )
    lines.append(
        f"| all three physicians | each other | {human.pairs} | {_pct(human.all_three)} | - |"
    )
    for c in calibrations:
        lines += ["", f"## {md_cell(c.judge)}", ""]
        lines += [
            "Confusion (rows: physicians' majority; columns: judge):",
            "",
            "| majority \\ judge | " + " | ".join(LABELS) + " | precision | recall |",
            "| --- | " + " | ".join("---:" for _ in LABELS) + " | ---: | ---: |",
        ]
        for label, row, scores in zip(LABELS, c.confusion, c.classes, strict=True):
            cells = " | ".join(str(v) for v in row)
            lines.append(
                f"| {label} | {cells} | {_pct(scores.precision)} | {_pct(scores.recall)} |"
            )
        lines.append("")
        lines.append(
            "Against each physician: "
            + "; ".join(
                f"{p.other} {_pct(p.accuracy)} (κ {kappa_text(p.kappa)})" for p in c.physicians
            )
            + "."
        )
        notes = _notes(c)
        if notes:
            lines += ["", *(f"- {n}" for n in notes)]
        lines += _training(c)
    return "\n".join(lines) + "\n"


def _interval(r: Rate) -> str:
    if r.interval is None:
        return "-"
    return f"[{r.interval.low:.1%}, {r.interval.high:.1%}]"


def _training(c: Calibration) -> list[str]:
    """The learned judge's held-out intervals, learning curve, contradictions and weights."""
    t = c.training
    if t is None:
        return []
    a, k = t.accuracy_interval, t.kappa_interval
    lines = [
        "",
        f"Held out ({t.method}): accuracy {t.accuracy:.1%} (95% interval {a.low:.1%} to "
        f"{a.high:.1%}), Cohen's κ {kappa_text(t.kappa)} ({kappa_text(k.low)} to "
        f"{kappa_text(k.high)}); bootstrap over questions.",
        "",
        "Learning curve (held out):",
        "",
        "| share of training questions | training pairs | accuracy | Cohen's κ |",
        "| ---: | ---: | ---: | ---: |",
        *(
            f"| {p.share:.0%} | {p.pairs} | {p.accuracy:.1%} | {kappa_text(p.kappa)} |"
            for p in t.curve
        ),
        "",
        "Contradictions (held out; exact binomial 95% intervals):",
        "",
        "| measure | hits | of | value | interval |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, r in (("precision", t.contradiction_precision), ("recall", t.contradiction_recall)):
        lines.append(f"| {name} | {r.hits} | {r.of} | {_pct(r.value)} | {_interval(r)} |")
    if c.weights:
        labels = list(c.weights)
        lines += [
            "",
            "Weights of the shipped model (per standardised signal):",
            "",
            "| signal | " + " | ".join(labels) + " |",
            "| --- | " + " | ".join("---:" for _ in labels) + " |",
        ]
        for signal in next(iter(c.weights.values())):
            cells = " | ".join(f"{c.weights[lb][signal]:+.2f}" for lb in labels)
            lines.append(f"| {signal} | {cells} |")
    return lines


def _notes(c: Calibration) -> list[str]:
    notes = []
    if c.in_sample:
        notes.append(
            "In-sample: this judge's thresholds were tuned on these labels; the held-out row "
            "is the figure to expect on new data."
        )
    if c.held_out is not None:
        picked = "; ".join(c.held_out.thresholds)
        notes.append(f"Picked per fold (thresholds, or the model's settings): {picked}.")
    if c.limit is not None:
        notes.append(f"A sample: {c.pairs} pairs spread evenly over the file (--limit {c.limit}).")
    if c.calls or c.cached:
        notes.append(f"{c.calls} model calls made, {c.cached} answers from the cache.")
    if c.unparseable:
        notes.append(f"{c.unparseable} model answers named no verdict (counted as neutral).")
    if c.conflicting:
        notes.append(
            f"{c.conflicting} pairs were judged both entailed and contradicted (counted as "
            "neutral)."
        )
    return notes
