"""The Evaluation page: its functions on run directories written with the real run schema (a
baseline and a newer run over the same K-QA items that is worse, judged by another, uncalibrated
judge), and the page itself through Streamlit's AppTest with a signed-in user.

The page is driven as its own script, with ``ui/`` on ``sys.path`` as ``streamlit run
ui/app.py`` puts it, and the signed-in user in the session as the sign-in form leaves it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.config import Settings
from assistant.evaluation.compare import RunError, compare
from assistant.evaluation.results import read_manifest, runs_dir, write_manifest
from assistant.review.store import ReviewStore
from assistant.review.views import Role, UserView
from assistant.reviewui.evaluation import (
    agreement_cell,
    comparison_rows,
    find_runs,
    gate_result,
    judge_guide,
    report_html,
    run_files,
    run_rows,
    summary_cell,
    worsened_rows,
)
from tests.conftest import TEST_HASHER
from tests.test_eval_reports import AGREEMENT, baseline_items, changed_items, write_run
from tests.test_ui_apptest import PASSWORD, texts

UI = Path(__file__).resolve().parents[1] / "ui"
PAGE = UI / "screens" / "evaluation.py"  # registered in ui/app.py as "screens/evaluation.py"
BASE, NEW = "2025-01-01-base", "2025-01-02-new"
COMPREHENSIVENESS, HALLUCINATION = "Comprehensiveness ↑", "Hallucination rate ↓"


def dated(run_dir: Path, at: datetime) -> Path:
    manifest = read_manifest(run_dir)
    write_manifest(run_dir, manifest.model_copy(update={"created_at": at}))
    return run_dir


def make_runs(home: Path) -> tuple[Path, Path]:
    """The baseline, and a newer run that lost must-have statements and gained a
    contradiction, over another copy of the dataset, by an uncalibrated judge."""
    runs = runs_dir(home)
    base = write_run(runs / BASE, baseline_items())
    new = write_run(
        runs / NEW, changed_items(), judge="llm:gpt-4o-mini", agreement=None, sha="b" * 64
    )
    return (
        dated(base, datetime(2025, 1, 1, 9, 30, tzinfo=UTC)),
        dated(new, datetime(2025, 1, 2, 10, 0, tzinfo=UTC)),
    )


# the functions ---------------------------------------------------------------------------------
def test_runs_are_rows_newest_first_with_the_judges_agreement_and_headline_metrics(
    tmp_path: Path,
) -> None:
    base, new = make_runs(tmp_path)
    going = runs_dir(tmp_path) / "2025-01-03-still-running"
    going.mkdir()
    (going / "items.jsonl").write_text("", encoding="utf-8")
    broken = runs_dir(tmp_path) / "2025-01-04-broken"
    broken.mkdir()
    (broken / "manifest.json").write_text('{"run_id": "x"', encoding="utf-8")

    found = find_runs(tmp_path)
    assert [r.id for r in found.runs] == [NEW, BASE]
    (problem,) = found.problems
    assert problem.startswith(f"{broken / 'manifest.json'}: not a run manifest")

    new_row, base_row = run_rows(found.runs)
    assert {k: base_row[k] for k in ("run", "date", "dataset", "items", "repeats", "failed")} == {
        "run": BASE,
        "date": "2025-01-01 09:30",
        "dataset": "kqa",
        "items": 5,
        "repeats": 1,
        "failed": 1,
    }
    assert (base_row["drafter"], base_row["judge"]) == ("llm", "offline-nli v1")
    assert base_row["model"] == "smollm2-135m-instruct (small demo model: fluent, often wrong)"
    assert base_row["judge vs physicians"] == "85% of 399 statements, κ = 0.61"
    assert (new_row["run"], new_row["date"], new_row["failed"]) == (NEW, "2025-01-02 10:00", 0)
    assert (new_row["judge"], new_row["judge vs physicians"]) == ("llm:gpt-4o-mini", "uncalibrated")

    summary = read_manifest(base).summary
    comprehensiveness, hallucination = summary["comprehensiveness"], summary["hallucination"]
    assert comprehensiveness.mean == pytest.approx(0.625)  # 0.75, 0.25, 1.0, 0.5; one failed
    assert base_row[COMPREHENSIVENESS] == (
        f"0.625 [{comprehensiveness.low:.3f}, {comprehensiveness.high:.3f}]"
    )
    assert base_row[HALLUCINATION] == f"0.167 [{hallucination.low:.3f}, {hallucination.high:.3f}]"
    # item means 0.5 (two repeats), 0.25, 0.75, 0.5, 0.5, 1.0
    assert str(new_row[COMPREHENSIVENESS]).startswith("0.583 [")
    assert summary_cell(read_manifest(new).model_copy(update={"summary": {}}), "cosine") == "—"


def test_a_judge_calibrated_as_another_or_below_physicians_says_so(tmp_path: Path) -> None:
    manifest = read_manifest(write_run(tmp_path / "run", baseline_items()))
    other = AGREEMENT.model_copy(update={"judge": "llm:gpt-4o"})
    weak = AGREEMENT.model_copy(update={"accuracy": 0.7})
    assert agreement_cell(manifest.model_copy(update={"agreement": other})) == (
        "uncalibrated (85% of 399 statements, κ = 0.61 is of judge llm:gpt-4o)"
    )
    assert agreement_cell(manifest.model_copy(update={"agreement": weak})) == (
        "70% of 399 statements, κ = 0.61, below physicians"
    )
    guide = judge_guide()
    assert "agree with each other on 82\u201388% of them pairwise, and all three on 78%" in guide
    assert "`assistant eval calibrate`" in guide


def test_a_runs_report_is_written_when_missing_or_out_of_date_and_read_otherwise(
    tmp_path: Path,
) -> None:
    run_dir = write_run(tmp_path / BASE, baseline_items())
    assert not (run_dir / "report.html").exists()
    page = report_html(run_dir)
    assert page == (run_dir / "report.html").read_text("utf-8")
    assert page.startswith("<!doctype html>") and f"Evaluation report: {BASE}" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page

    files = run_files(run_dir)
    assert [(f.label, f.filename, f.mime) for f in files] == [
        ("report.html", f"{BASE}-report.html", "text/html"),
        ("report.md", f"{BASE}-report.md", "text/markdown"),
        ("items.jsonl", f"{BASE}-items.jsonl", "application/jsonl"),
    ]
    assert all(f.data == (run_dir / f.label).read_bytes() for f in files)

    kept = "<!doctype html><p>the report as it was written</p>"
    (run_dir / "report.html").write_text(kept, encoding="utf-8")
    assert report_html(run_dir) == kept  # up to date: read, not written again
    later = (run_dir / "report.html").stat().st_mtime + 60
    os.utime(run_dir / "items.jsonl", (later, later))
    assert f"Evaluation report: {BASE}" in report_html(run_dir)  # the items changed since

    (run_dir / "report.md").unlink()
    with (run_dir / "items.jsonl").open("a", encoding="utf-8") as f:
        f.write("{not json\n")
    with pytest.raises(RunError, match=r"items\.jsonl:6"):
        run_files(run_dir)


def test_two_runs_compared_metric_by_metric_with_the_worsened_items_and_the_gate(
    tmp_path: Path,
) -> None:
    base, new = make_runs(tmp_path)
    comparison = compare(base, new)
    rows = {row["metric"]: row for row in comparison_rows(comparison)}
    assert list(rows)[:2] == ["Comprehensiveness", "Hallucination rate"]
    delta = comparison.change("comprehensiveness").delta
    assert delta is not None
    assert rows["Comprehensiveness"] == {
        "metric": "Comprehensiveness",
        "better": "higher ↑",
        "n": 4,  # kqa:4 failed in A, kqa:9 is only in B
        "A": "0.625",
        "B": "0.500",
        "Δ B - A": "-0.125",
        "95% CI of Δ": f"[{delta.low:.3f}, {delta.high:.3f}]",
        "verdict": "no clear change",  # two items of four: the interval still reaches 0
    }
    hallucination = rows["Hallucination rate"]
    assert (hallucination["better"], hallucination["Δ B - A"]) == ("lower ↓", "+0.125")
    assert (rows["Readability grade"]["A"], rows["Readability grade"]["Δ B - A"]) == ("8.4", "+0.0")

    assert worsened_rows(comparison, "comprehensiveness") == [
        {
            "item": "kqa:0",
            "question": "Tell me more about Lexapro?",
            "A": "0.750",
            "B": "0.500",
            "worse by": "0.250",
        },
        {
            "item": "kqa:2",
            "question": "Can I take Zyrtec and Benadryl | together?",
            "A": "1.000",
            "B": "0.750",
            "worse by": "0.250",
        },
    ]
    assert [r["item"] for r in worsened_rows(comparison, "hallucination")] == ["kqa:2"]
    assert worsened_rows(comparison, "comprehensiveness", limit=1)[0]["item"] == "kqa:0"

    failed = gate_result(comparison, "comprehensiveness", 0.02)
    assert failed.passed is False
    assert failed.message == "Gate on comprehensiveness: worse by 0.125, allowed 0.02: FAIL"
    assert gate_result(comparison, "comprehensiveness", 0.125).passed is True
    grounded = gate_result(comparison, "groundedness", 0.0)
    assert grounded.passed is True and "not worse (by 0.000), allowed 0: PASS" in grounded.message
    length = gate_result(comparison, "length_ratio", 0.1)
    assert length.message == "Gate on length_ratio: further from 1 by 0.150, allowed 0.1: FAIL"

    unmeasured = write_run(
        tmp_path / "no-cosine",
        [
            i.model_copy(update={"metrics": {k: v for k, v in i.metrics.items() if k != "cosine"}})
            for i in changed_items()
        ],
    )
    cosine = gate_result(compare(base, unmeasured), "cosine", 0.02)
    assert cosine.passed is None and "No item has cosine in both runs" in cosine.message


# the page --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def users(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, UserView]]:
    """A home with the two runs, a physician (ana) and an editor (ed); the page reads it."""
    home = tmp_path_factory.mktemp("evaluation-ui-home")
    make_runs(home)
    store = ReviewStore.open(Settings(home=home), hasher=TEST_HASHER)
    people = {
        "ana": store.add_user("ana", PASSWORD, Role.PHYSICIAN, "Ana Lee"),
        "ed": store.add_user("ed", PASSWORD, Role.EDITOR, "Ed Miller"),
    }
    store.close()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_HOME", str(home))
        patch.syspath_prepend(str(UI))
        yield people
        st.cache_resource.clear()


def evaluation_page(name: str | None) -> AppTest:
    """The page as the user called ``name`` sees it: signed in, a session in the store of
    ``$ASSISTANT_HOME`` and its token in the tab's state."""
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    if name is not None:
        store = ReviewStore.open(Settings(), hasher=TEST_HASHER)
        at.session_state["token"] = store.start_session(store.user(name))
        store.close()
    return at.run()


def table(at: AppTest, column: str) -> Any:
    """The table (a pandas DataFrame) on the page that has ``column``."""
    (found,) = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def report_frame(at: AppTest) -> str:
    (frame,) = at.get("iframe")
    return str(frame.proto.srcdoc)


def test_the_page_shows_nothing_without_a_signed_in_user(users: dict[str, UserView]) -> None:
    at = evaluation_page(None)
    assert not at.exception
    assert not at.title and not at.dataframe and not at.get("iframe")


@pytest.mark.parametrize("name", ["ana", "ed"])
def test_any_signed_in_role_sees_the_runs_newest_first_and_what_they_mean(
    users: dict[str, UserView], name: str
) -> None:
    at = evaluation_page(name)
    assert not at.exception
    assert [t.value for t in at.title] == ["Evaluation"]
    runs = table(at, "judge vs physicians")
    assert list(runs["run"]) == [NEW, BASE]
    assert list(runs["judge vs physicians"]) == ["uncalibrated", "85% of 399 statements, κ = 0.61"]
    assert list(runs["failed"]) == [0, 1]
    assert runs[COMPREHENSIVENESS][1].startswith("0.625 [")
    assert "82\u201388% of them pairwise" in texts(at.markdown)
    guide = table(at, "what it measures")
    assert "Hallucination rate" in list(guide["metric"])
    lead = {m.label: m.value for m in at.metric}  # the newest run first, in plain words
    assert list(lead)[:2] == ["Key points covered", "Points contradicted"]
    assert all(v.endswith("%") for v in lead.values())


def test_opening_a_run_shows_its_report_and_offers_its_files(users: dict[str, UserView]) -> None:
    at = evaluation_page("ana")
    assert at.selectbox(key="eval_run").value == NEW  # the newest first
    assert f"Evaluation report: {NEW}" in report_frame(at)
    assert "Judge llm:gpt-4o-mini is uncalibrated" in texts(at.warning)

    at.selectbox(key="eval_run").select(BASE).run()
    page = report_frame(at)
    assert f"Evaluation report: {BASE}" in page and f"Evaluation report: {NEW}" not in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page  # escaped, self-contained
    assert page.count("<svg") == 2 and "<link" not in page
    assert [b.key for b in at.download_button] == [
        "eval-download-report.html",
        "eval-download-report.md",
        "eval-download-items.jsonl",
    ]
    assert "Judge llm:gpt-4o-mini is uncalibrated" not in texts(at.warning)


def test_comparing_two_runs_shows_the_deltas_the_warnings_and_a_failing_gate(
    users: dict[str, UserView],
) -> None:
    at = evaluation_page("ana")
    assert (at.selectbox(key="eval_a").value, at.selectbox(key="eval_b").value) == (BASE, NEW)
    changes = table(at, "verdict").set_index("metric")
    assert list(changes.loc["Comprehensiveness", ["A", "B", "Δ B - A"]]) == [
        "0.625",
        "0.500",
        "-0.125",
    ]
    assert changes.loc["Hallucination rate", "Δ B - A"] == "+0.125"
    warnings = texts(at.warning)
    assert "different datasets" in warnings and "different judges" in warnings
    assert "Gate on comprehensiveness: worse by 0.125, allowed 0.02: FAIL" in texts(at.error)
    assert list(table(at, "worse by")["item"]) == ["kqa:0", "kqa:2"]

    at.number_input(key="eval_max_drop").set_value(0.2).run()
    assert "Gate on comprehensiveness: worse by 0.125, allowed 0.2: PASS" in texts(at.success)
    assert not texts(at.error)
    at.selectbox(key="eval_metric").select("hallucination").run()
    assert "Gate on hallucination: worse by 0.125, allowed 0.2: PASS" in texts(at.success)
    assert list(table(at, "worse by")["item"]) == ["kqa:2"]

    at.selectbox(key="eval_a").select(NEW).run()
    assert "Choose two different runs" in texts(at.info)
    assert not [d for d in at.dataframe if "verdict" in d.value.columns]


def test_the_gate_starts_from_the_eval_folders_gates_file(
    users: dict[str, UserView], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's gate is ``gates.toml``'s, as ``assistant eval compare``'s is; a broken
    file is named, and nothing is gated on a made-up default."""
    monkeypatch.setenv("ASSISTANT_EVAL_DIR", str(tmp_path))
    gates = tmp_path / "gates.toml"
    gates.write_text('[gate]\nmetric = "hallucination"\nmax_drop = 0.15\n', encoding="utf-8")
    at = evaluation_page("ana")
    assert at.selectbox(key="eval_metric").value == "hallucination"
    assert at.number_input(key="eval_max_drop").value == 0.15
    assert "Gate on hallucination: worse by 0.125, allowed 0.15: PASS" in texts(at.success)

    gates.write_text('[gate]\nmetric = "comprehensiveness"\n', encoding="utf-8")
    at = evaluation_page("ana")
    assert not at.exception
    assert "gates.toml" in texts(at.error) and "key 'gate.max_drop'" in texts(at.error)
    assert not [d for d in at.dataframe if "verdict" in d.value.columns]


def test_without_runs_the_page_says_how_to_make_one(
    users: dict[str, UserView], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path))
    broken = runs_dir(tmp_path) / "2025-01-05-broken"
    broken.mkdir(parents=True)
    (broken / "manifest.json").write_text("{", encoding="utf-8")
    store = ReviewStore.open(Settings(home=tmp_path), hasher=TEST_HASHER)
    store.add_user("ed", PASSWORD, Role.EDITOR, "Ed Miller")
    store.close()
    at = evaluation_page("ed")
    assert not at.exception
    assert "No evaluation run yet" in texts(at.info)
    assert [c.value for c in at.code] == ["assistant eval run --dataset kqa"]
    assert f"{broken / 'manifest.json'}: not a run manifest" in texts(at.warning)
    assert not at.dataframe and not at.get("iframe")

    write_run(runs_dir(tmp_path) / BASE, baseline_items())
    at.run()
    assert list(table(at, "judge vs physicians")["run"]) == [BASE]
    assert f"Evaluation report: {BASE}" in report_frame(at)
    assert "Comparing needs two runs" in texts(at.info)
