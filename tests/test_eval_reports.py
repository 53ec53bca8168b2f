"""Reading finished evaluation runs: the report, the comparison and its gate, the K-QA export.

Run directories are written with the real schema (``results.write_manifest`` and ItemResult
lines), with a patient question that contains ``<script>`` and text with ``|`` in it.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.evaluation import report as report_module
from assistant.evaluation.compare import (
    MetricChange,
    RunError,
    compare,
    gate,
    item_means,
    load_run,
    to_markdown,
)
from assistant.evaluation.export import export_kqa, kqa_results
from assistant.evaluation.report import write_report
from assistant.evaluation.results import (
    METRIC_NAMES,
    METRICS,
    Agreement,
    Interval,
    ItemResult,
    RunManifest,
    StatementResult,
    runs_dir,
    write_manifest,
)
from assistant.evaluation.stats import bootstrap_interval, repeat_spread
from tests.conftest import DATA

CLI = Path(sys.executable).with_name("assistant")

SCRIPT_QUESTION = "Is <script>alert('x')</script> in my blood test | normal?"
AGREEMENT = Agreement(
    judge="offline-nli v1",
    pairs=399,
    accuracy=0.8521,
    kappa=0.6134,
    calibrated_at=datetime(2025, 1, 2, tzinfo=UTC),
)


def item(
    item_id: str,
    question: str,
    comprehensiveness: float | None,
    hallucination: float | None,
    repeat: int = 0,
    length_ratio: float = 1.0,
    error: str | None = None,
) -> ItemResult:
    """A judged draft whose statements agree with its two K-QA metrics (4 must-haves, 2 nice)."""
    statements: list[StatementResult] = []
    if comprehensiveness is not None and hallucination is not None:
        entailed = round(comprehensiveness * 4)
        contradicted = round(hallucination * 6)
        for n in range(6):
            kind = "must_have" if n < 4 else "nice_to_have"
            label = "contradiction" if n >= 6 - contradicted else "neutral"
            if kind == "must_have" and n < entailed:
                label = "entailment"
            statements.append(
                StatementResult(text=f"{item_id} statement {n} | {kind}", kind=kind, label=label)
            )
    metrics: dict[str, float | None] = {
        "comprehensiveness": comprehensiveness,
        "hallucination": hallucination,
        "groundedness": 0.9,
        "answers_question": 1.0,
        "citation_validity": 1.0,
        "rouge_l": 0.21,
        "cosine": 0.74,
        "grade": 8.4,
        "length_ratio": length_ratio,
    }
    return ItemResult(
        item_id=item_id,
        repeat=repeat,
        question=question,
        reference=f"The physician's answer to {item_id}.\nSecond line | with a pipe.",
        draft="" if error else f"Draft for {item_id} [1].\nIt says <b>bold</b> things | here.",
        drafter="composer",
        model="none (no language model)",
        statements=tuple(statements),
        metrics={} if error else metrics,
        error=error,
    )


def summary(items: Sequence[ItemResult], repeats: int) -> dict[str, Interval]:
    """Each metric's interval over per-item means, as a run computes it."""
    means = item_means(items)
    found = {}
    for name in METRIC_NAMES:
        per_repeat = [
            [v for r in items if r.repeat == k and r.error is None and (v := r.metrics.get(name))]
            for k in range(repeats)
        ]
        spread = repeat_spread([sum(v) / len(v) for v in per_repeat if v]) if repeats > 1 else None
        interval = bootstrap_interval([m.metrics[name] for m in means.values()], spread=spread)
        if interval is not None:
            found[name] = interval
    return found


def write_run(
    run_dir: Path,
    items: Sequence[ItemResult],
    *,
    agreement: Agreement | None = AGREEMENT,
    judge: str = "offline-nli v1",
    sha: str = "a" * 64,
    model: str = "smollm2-135m-instruct",
    repeats: int = 1,
) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    lines = "".join(r.model_dump_json() + "\n" for r in items)
    (run_dir / "items.jsonl").write_text(lines, encoding="utf-8")
    write_manifest(
        run_dir,
        RunManifest(
            run_id=run_dir.name,
            dataset="kqa",
            dataset_sha256=sha,
            items=len({r.item_id for r in items}),
            repeats=repeats,
            drafter="llm",
            model=model,
            judge=judge,
            agreement=agreement,
            settings={"reply_mode": "lead", "k": 5},
            summary=summary(items, repeats),
            retrieval=[{"system": "hybrid", "recall@5": 0.61, "MRR@10": 0.52}],
            failed=sum(r.error is not None for r in items),
            seconds=42.0,
        ),
    )
    return run_dir


def baseline_items() -> list[ItemResult]:
    return [
        item("kqa:0", "Tell me more about Lexapro?", 0.75, 0.0),
        item("kqa:1", SCRIPT_QUESTION, 0.25, 0.5),
        item("kqa:2", "Can I take Zyrtec and Benadryl | together?", 1.0, 0.0),
        item("kqa:3", "What is the oral option for scabies?", 0.5, 1 / 6),
        item("kqa:4", "Why does my back hurt?", None, None, error="LLMUnavailable: timed out"),
    ]


# --- the report ------------------------------------------------------------------------------


def test_markdown_report_says_what_ran_how_far_the_judge_agrees_and_what_went_worst(
    tmp_path: Path,
) -> None:
    run_dir = write_run(tmp_path / "run-1", baseline_items())
    md_path, html_path = write_report(run_dir)
    assert (md_path, html_path) == (run_dir / "report.md", run_dir / "report.html")
    md = md_path.read_text("utf-8")

    assert "smollm2-135m-instruct (small demo model: fluent, often wrong)" in md
    assert "reply_mode: lead; k: 5" in md and "| Failed items | 1 |" in md
    assert "Calibrate it with" not in md  # calibrated: recalibrating would change nothing
    assert "| Repeats | 1 |" in md and "| Dataset | kqa (sha256 `aaaaaaaaaaaa`) |" in md
    assert (
        "Judge offline-nli v1 agrees with the physicians' majority on 85% of 399 statements "
        "(Cohen's κ = 0.61); physicians agree with each other on 82\u201388% pairwise "
        "(κ 0.67\u20130.76), 78% all three."
    ) in md
    assert "uncalibrated" not in md

    # every metric with its mean and interval, as the manifest has them
    manifest = load_run(run_dir).manifest
    comp = manifest.summary["comprehensiveness"]
    assert comp.mean == pytest.approx((0.75 + 0.25 + 1.0 + 0.5) / 4)
    assert (
        f"| Comprehensiveness | higher ↑ | {comp.mean:.3f} | [{comp.low:.3f}, {comp.high:.3f}] "
        f"| 4 |" in md
    )
    assert "| Hallucination rate | lower ↓ |" in md and "| Length ratio | closer to 1 |" in md
    assert "| Readability grade | lower ↓ | 8.4 |" in md
    assert "recall@5" in md and "0.610" in md

    # worst comprehensiveness first: kqa:1 (0.25), then kqa:3 (0.5), kqa:0 (0.75); not kqa:2 (1.0)
    worst = md.split("### 5 lowest comprehensiveness")[1].split("### 5 highest hallucination")[0]
    headings = re.findall(r"^#### (\S+):", worst, flags=re.M)
    assert headings == ["kqa:1", "kqa:3", "kqa:0"]
    first = worst.split("#### kqa:3")[0]
    assert "Missed must-have statements (3):" in first
    for n in (1, 2, 3):  # one of four entailed
        assert f"- kqa:1 statement {n} | must_have\n" in first
    assert "kqa:1 statement 0" not in first
    assert "Contradicted statements (3):" in first and "(nice-to-have)" in first
    assert "> Draft for kqa:1 [1]." in first and "> The physician's answer to kqa:1." in first
    hallucinating = md.split("### 5 highest hallucination")[1].split("\n## ")[0]
    assert re.findall(r"^#### (\S+):", hallucinating, flags=re.M) == ["kqa:1", "kqa:3"]

    # the failed item is named with its error
    assert "| kqa:4 | 0 | LLMUnavailable: timed out |" in md

    # patient text is shown as text: no live markup, no pipe that breaks a table row
    assert "<script>" not in md and "&lt;script&gt;" in md
    items_table = md.split("## Items")[1].strip().splitlines()
    assert len(items_table) == 2 + 5
    widths = {len(re.findall(r"(?<!\\)\|", line)) for line in items_table}
    assert widths == {2 + 1 + 9}, items_table
    assert "Zyrtec and Benadryl \\| together?" in md


def test_an_uncalibrated_judge_is_a_warning_with_the_command_to_calibrate(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run-u", baseline_items(), agreement=None, model="gpt-4o")
    md = write_report(run_dir)[0].read_text("utf-8")
    page = (run_dir / "report.html").read_text("utf-8")
    assert "agrees with the physicians' majority" not in md
    assert "**Warning: uncalibrated judge.** Judge offline-nli v1 is uncalibrated" in md
    assert "`assistant eval calibrate --judge offline`" in md
    assert "Warning: uncalibrated judge." in page and "assistant eval calibrate" in page
    assert "| Model | gpt-4o |" in md and "demo model" not in md


def test_a_calibration_of_another_judge_is_flagged(tmp_path: Path) -> None:
    weak = AGREEMENT.model_copy(update={"judge": "llm:gpt-4o-mini", "accuracy": 0.7})
    run_dir = write_run(tmp_path / "run-w", baseline_items(), agreement=weak)
    md = write_report(run_dir)[0].read_text("utf-8")
    assert "Judge llm:gpt-4o-mini agrees with the physicians' majority on 70%" in md
    assert "not of this run's judge offline-nli v1" in md
    assert "less than physicians agree with each other" in md


def test_html_report_is_one_self_contained_escaped_page_with_svg_plots(tmp_path: Path) -> None:
    run_dir = write_run(tmp_path / "run-h", baseline_items())
    page = write_report(run_dir)[1].read_text("utf-8")

    assert page.startswith("<!doctype html>") and "<style>" in page
    # nothing loaded from elsewhere: the only URLs are SVG's XML namespace names
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)
    assert "<link" not in page and "@import" not in page and "<?xml" not in page
    # plots: a histogram per metric and the comprehensiveness-hallucination scatter
    assert page.count("<svg") == page.count("</svg>") == 2
    assert "Comprehensiveness (higher is better)" in page
    # patient and model text escaped
    assert "<script" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page
    assert "Cohen&#39;s κ = 0.61" in page and "82\u201388% pairwise" in page
    # the same run gives the same page
    assert write_report(run_dir)[1].read_text("utf-8") == page


def test_repeats_show_spread_and_the_worst_repeat(tmp_path: Path) -> None:
    items = [
        item("kqa:0", "Q0?", 0.75, 0.0, repeat=0),
        item("kqa:0", "Q0?", 0.25, 0.0, repeat=1),
        item("kqa:1", "Q1?", 1.0, 0.0, repeat=0),
        item("kqa:1", "Q1?", 0.5, 0.0, repeat=1),
    ]
    run_dir = write_run(tmp_path / "run-r", items, repeats=2)
    md = write_report(run_dir)[0].read_text("utf-8")
    spread = load_run(run_dir).manifest.summary["comprehensiveness"].spread
    assert spread == pytest.approx(0.3535, abs=1e-3)  # per-repeat means 0.875 and 0.375
    assert "Run-to-run spread (sd)" in md and f"| {spread:.3f} |" in md
    assert "#### kqa:0: comprehensiveness 0.500" in md
    assert "Draft (repeat 1, the worst of 2):" in md


def test_physicians_agreement_quoted_by_the_report_is_that_of_the_labels_file() -> None:
    with (DATA / "kqa_nli_physician_labels.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ceiling = report_module.physicians()
    assert ceiling.pairs == len(rows) == 399
    pairwise = sorted(
        sum(r[f"label_{i}"] == r[f"label_{j}"] for r in rows) / len(rows)
        for i, j in itertools.combinations(range(3), 2)
    )
    assert sorted(p.accuracy for p in ceiling.pairwise) == pytest.approx(pairwise)
    all_three = sum(r["label_0"] == r["label_1"] == r["label_2"] for r in rows) / len(rows)
    assert ceiling.all_three == pytest.approx(all_three)
    assert [round(p * 399) for p in pairwise] == [329, 343, 351]  # the figures quoted in docs


def test_a_full_size_run_renders_every_item(tmp_path: Path) -> None:
    items = [
        item(f"kqa:{n}", f"Question {n} about <b>dose</b> | timing?", (n % 5) / 4, (n % 7) / 6)
        for n in range(201)
    ]
    run_dir = write_run(tmp_path / "run-201", items)
    md_path, html_path = write_report(run_dir)
    rows = md_path.read_text("utf-8").split("## Items")[1].strip().splitlines()[2:]
    assert len(rows) == 201
    page = html_path.read_text("utf-8")
    assert page.count("<tr><td>kqa:") == 201
    assert "<b>dose</b>" not in page


# --- reading runs -----------------------------------------------------------------------------


def test_unreadable_runs_name_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(RunError, match=r"manifest.json is missing"):
        load_run(tmp_path)
    run_dir = write_run(tmp_path / "run-c", baseline_items())
    with (run_dir / "items.jsonl").open("a", encoding="utf-8") as f:
        f.write("\n" + '{"item_id": "kqa:9", "question": "Q?"}' + "\n")
    with pytest.raises(RunError, match=r"items\.jsonl:7: field 'reference': Field required"):
        load_run(run_dir)
    (run_dir / "manifest.json").write_text('{"run_id": "x"', encoding="utf-8")
    with pytest.raises(RunError, match=r"manifest\.json: not a run manifest: .*EOF"):
        load_run(run_dir)


# --- comparing two runs -------------------------------------------------------------------------


def changed_items() -> list[ItemResult]:
    """Against ``baseline_items``: kqa:0 and kqa:2 lose a must-have statement (kqa:0 averaged
    over two repeats), kqa:2 starts contradicting, kqa:2 and kqa:3 drift away from the
    reference's length in opposite directions, kqa:4 no longer fails, kqa:9 is new."""
    return [
        item("kqa:0", "Tell me more about Lexapro?", 0.25, 0.0, repeat=0),
        item("kqa:0", "Tell me more about Lexapro?", 0.75, 0.0, repeat=1),
        item("kqa:1", SCRIPT_QUESTION, 0.25, 0.5),
        item("kqa:2", "Can I take Zyrtec and Benadryl | together?", 0.75, 0.5, length_ratio=1.3),
        item("kqa:3", "What is the oral option for scabies?", 0.5, 1 / 6, length_ratio=0.7),
        item("kqa:4", "Why does my back hurt?", 0.5, 0.0),
        item("kqa:9", "A question only the new run has?", 1.0, 0.0),
    ]


def test_compare_pairs_items_by_id_and_follows_each_metrics_direction(tmp_path: Path) -> None:
    a = write_run(tmp_path / "base", baseline_items())
    b = write_run(
        tmp_path / "new", changed_items(), judge="llm:gpt-4o-mini", sha="b" * 64, agreement=None
    )
    comparison = compare(a, b)
    assert comparison.shared == ("kqa:0", "kqa:1", "kqa:2", "kqa:3", "kqa:4")

    comp = comparison.change("comprehensiveness")  # kqa:4 failed in A: not paired
    assert comp.n == 4
    assert comp.mean_a == pytest.approx(0.625) and comp.mean_b == pytest.approx(0.5)
    assert comp.delta is not None and comp.worsening is not None
    assert comp.delta.mean == pytest.approx(-0.125) and comp.worsening.mean == pytest.approx(0.125)
    assert comp.delta.low <= comp.delta.mean <= comp.delta.high <= 0.0

    hallucination = comparison.change("hallucination")
    assert hallucination.delta is not None and hallucination.worsening is not None
    assert hallucination.delta.mean == pytest.approx(0.125)  # up: worse for a "lower" metric
    assert hallucination.worsening.mean == pytest.approx(0.125)

    length = comparison.change("length_ratio")  # 1.0 -> 1.3 and 1.0 -> 0.7: mean unchanged
    assert length.delta is not None and length.worsening is not None
    assert length.delta.mean == pytest.approx(0.0, abs=1e-12)
    assert length.worsening.mean == pytest.approx(0.15)  # but 0.3 further from 1 on two of four

    grounded = comparison.change("groundedness")
    assert grounded.delta is not None and grounded.delta.mean == pytest.approx(0.0, abs=1e-12)
    assert grounded.verdict == "no clear change" and not grounded.regression

    assert gate(comparison, "comprehensiveness", 0.02) is False
    assert gate(comparison, "comprehensiveness", 0.125) is True  # exactly the allowed drop
    assert gate(comparison, "comprehensiveness", 0.12) is False
    assert gate(comparison, "groundedness", 0.0) is True
    assert gate(comparison, "length_ratio", 0.1) is False
    with pytest.raises(ValueError, match="unknown metric 'bogus'"):
        gate(comparison, "bogus", 0.02)

    worse = comparison.worsened("comprehensiveness")
    assert [(c.item_id, c.a, c.b) for c in worse] == [("kqa:0", 0.75, 0.5), ("kqa:2", 1.0, 0.75)]
    assert worse[1].question == "Can I take Zyrtec and Benadryl | together?"
    assert [c.item_id for c in comparison.worsened("hallucination")] == ["kqa:2"]

    warnings = " ".join(comparison.warnings)
    assert "different datasets" in warnings and "different judges" in warnings
    assert "agreement with physicians differs" in warnings and "B: uncalibrated" in warnings
    assert "Only 5 items are in both runs (A has 5, B has 6)" in warnings

    md = to_markdown(comparison, "comprehensiveness", 0.02)
    assert "**Gate on comprehensiveness (max drop 0.02): FAIL**" in md
    assert "| Comprehensiveness | higher ↑ | 4 | 0.625 | 0.500 | -0.125 |" in md
    assert "| kqa:2 | Can I take Zyrtec and Benadryl \\| together? | 1.000 | 0.750 |" in md


def test_the_same_run_compared_with_itself_passes_without_warnings(tmp_path: Path) -> None:
    a = write_run(tmp_path / "base", baseline_items())
    comparison = compare(a, a)
    assert comparison.warnings == ()
    assert all(gate(comparison, m.name, 0.0) for m in METRICS)
    assert all(c.verdict == "no clear change" for c in comparison.changes.values())
    assert comparison.worsened("comprehensiveness") == []


def test_verdict_needs_the_whole_interval_on_one_side() -> None:
    metric = METRICS[0]

    def change(low: float, high: float) -> MetricChange:
        moved = Interval(mean=(low + high) / 2, low=low, high=high, n=10)
        return MetricChange(metric, 10, 0.5, 0.5, moved, moved)

    assert change(0.01, 0.05).verdict == "worse" and change(0.01, 0.05).regression
    assert change(-0.05, -0.01).verdict == "better"
    assert change(-0.01, 0.05).verdict == "no clear change"


def test_runs_without_shared_items_cannot_be_compared(tmp_path: Path) -> None:
    a = write_run(tmp_path / "base", baseline_items())
    b = write_run(tmp_path / "other", [item("x:1", "Q?", 0.5, 0.0)])
    with pytest.raises(RunError, match="share no item ids"):
        compare(a, b)


# --- exporting ---------------------------------------------------------------------------------


def test_export_is_kqas_results_format_one_entry_per_item(tmp_path: Path) -> None:
    items = [
        item("kqa:0", "Tell me more about Lexapro?", 0.25, 0.0, repeat=1),
        item("kqa:0", "Tell me more about Lexapro?", 0.75, 0.0, repeat=0),
        item("kqa:4", "Why does my back hurt?", None, None, error="timed out"),
        item("kqa:1", SCRIPT_QUESTION, 0.25, 0.5),
    ]
    entries = kqa_results(items)
    assert entries == [
        {"Question": "Tell me more about Lexapro?", "result": items[1].draft},
        {"Question": "Why does my back hurt?", "result": ""},
        {"Question": SCRIPT_QUESTION, "result": items[3].draft},
    ]
    run_dir = write_run(tmp_path / "run-e", items, repeats=2)
    out = tmp_path / "elsewhere" / "answers.json"
    path, written = export_kqa(run_dir, out)
    assert path == out and written == entries
    assert json.loads(out.read_text("utf-8")) == entries


# --- the command line --------------------------------------------------------------------------


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ASSISTANT_HOME": str(tmp_path / "state"),
        "HOME": str(tmp_path / "home"),
        "COLUMNS": "200",
    }
    return subprocess.run(
        [str(CLI), "eval", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def two_runs(tmp_path: Path) -> Path:
    runs = runs_dir(tmp_path / "state")
    write_run(runs / "2025-01-01-base", baseline_items())
    write_run(runs / "2025-01-02-new", changed_items(), judge="llm:gpt-4o-mini", agreement=None)
    return runs


def test_cli_compare_fails_the_gate_on_a_regression_beyond_max_drop(
    tmp_path: Path, two_runs: Path
) -> None:
    out = tmp_path / "cmp" / "comparison.md"
    base, new = "2025-01-01-base", "2025-01-02-new"
    failed = cli(tmp_path, "compare", base, new, "--max-drop", "0.02", "--out", str(out))
    assert failed.returncode == 1, failed.stderr
    assert "Gate on comprehensiveness: worse by 0.125, allowed 0.02: FAIL" in failed.stdout
    assert "Comprehensiveness" in failed.stdout and "-0.125" in failed.stdout
    assert "kqa:0" in failed.stdout and "Tell me more about Lexapro?" in failed.stdout
    assert "different judges" in failed.stderr
    assert "FAIL" in out.read_text("utf-8")

    passed = cli(tmp_path, "compare", base, str(two_runs / new), "--max-drop", "0.2")
    assert passed.returncode == 0, passed.stderr
    assert "allowed 0.2: PASS" in passed.stdout


def test_cli_compare_bad_input_exits_2_and_lists_the_runs(tmp_path: Path, two_runs: Path) -> None:
    unknown = cli(tmp_path, "compare", "2025-01-01-base", "no-such-run")
    assert unknown.returncode == 2
    message = " ".join(unknown.stderr.split())
    assert "No run 'no-such-run'" in message
    assert "Available runs (newest first): 2025-01-02-new, 2025-01-01-base" in message
    assert "Traceback" not in unknown.stderr

    metric = cli(tmp_path, "compare", "2025-01-01-base", "2025-01-02-new", "--metric", "bleu")
    assert metric.returncode == 2 and "Unknown metric 'bleu'" in metric.stderr


def test_cli_report_and_export(tmp_path: Path, two_runs: Path) -> None:
    report = cli(tmp_path, "report", "2025-01-01-base")
    assert report.returncode == 0, report.stderr
    run_dir = two_runs / "2025-01-01-base"
    assert str(run_dir / "report.md") in report.stdout.replace("\n", "")
    assert (run_dir / "report.html").read_text("utf-8").count("<svg") == 2

    exported = cli(tmp_path, "export", "2025-01-01-base")
    assert exported.returncode == 0, exported.stderr
    assert "5 answers" in exported.stdout and "1 empty" in exported.stdout
    entries = json.loads((run_dir / "kqa_results.json").read_text("utf-8"))
    assert [sorted(e) for e in entries] == [["Question", "result"]] * 5

    with (run_dir / "items.jsonl").open("a", encoding="utf-8") as f:
        f.write("{not json\n")
    broken = cli(tmp_path, "report", str(run_dir))
    assert broken.returncode == 1
    assert "items.jsonl:6" in " ".join(broken.stderr.split()) and "Traceback" not in broken.stderr


def test_compare_widens_the_no_change_band_of_judged_metrics_by_the_judge_noise(
    tmp_path: Path,
) -> None:
    """Every item gains the same must-have: a clear improvement to a noiseless judge, within
    the noise of a judge whose held-out accuracy interval is 0.62 to 0.74."""
    before = [item(f"kqa:{n}", f"Question {n}?", 0.25, 0.0) for n in range(8)]
    after = [item(f"kqa:{n}", f"Question {n}?", 0.5, 0.0) for n in range(8)]
    a = write_run(tmp_path / "a", before)
    b = write_run(tmp_path / "b", after)
    assert compare(a, b).change("comprehensiveness").verdict == "better"
    noisy = AGREEMENT.model_copy(update={"accuracy_interval": (0.62, 0.74)})
    assert noisy.noise == pytest.approx(0.06)
    a2 = write_run(tmp_path / "a2", before, agreement=noisy)
    b2 = write_run(tmp_path / "b2", [item(f"kqa:{n}", f"Question {n}?", 0.25 + 0.05 * (n % 2),
                                          0.0) for n in range(8)], agreement=noisy)  # fmt: skip
    comparison = compare(a2, b2)
    change = comparison.change("comprehensiveness")
    assert change.noise == pytest.approx(0.06) and change.worsening is not None
    assert change.worsening.high < 0  # the interval alone says better...
    assert change.verdict == "no clear change"  # ...but not beyond the judge's noise
    assert comparison.change("rouge_l").noise == 0.0  # not decided by the judge
    md = to_markdown(comparison, "comprehensiveness", 0.02)
    assert "change clearly only beyond ±0.060" in md
