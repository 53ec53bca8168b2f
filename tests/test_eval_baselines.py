"""``assistant eval baselines``: the page builder on hand-made runs, and the CLI end to end.

The builder is tested on synthetic manifests and on calibrations measured for real (against
the physicians' labels file) with deterministic fake judges; the CLI runs on the small real
index of ``tests/test_eval_run.py`` (MedQuAD plus the first K-QA records), without the local
model (``--llm-limit 0``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assistant.evaluation.baseline_table import (
    Produced,
    SystemRun,
    baselines_markdown,
    seconds_per_item,
    stored_llm_calibration,
)
from assistant.evaluation.calibration import (
    DEFAULT_LABELS,
    Calibration,
    HumanCeiling,
    calibrate,
    file_sha256,
    human_ceiling,
    read_labels,
    store_calibration,
)
from assistant.evaluation.harness import REPLY_NOTES
from assistant.evaluation.judges import CallEstimate, Label, Pair
from assistant.evaluation.results import (
    METRIC_NAMES,
    METRICS,
    Interval,
    ItemResult,
    RunManifest,
    read_manifest,
)
from assistant.index import Archive
from tests.test_eval_run import eval_archive, eval_home, kqa_records  # noqa: F401

pytestmark = pytest.mark.embedded_only
CLI = Path(sys.executable).with_name("assistant")
OFFLINE = "fake-offline"
LLM = "llm (fake-model; nli_entailment v1 abc, nli_contradiction v1 def; T=0)"


class FakeConstantJudge:
    """Gives every pair the same label: a calibration with known, deterministic figures."""

    def __init__(self, name: str, label: Label) -> None:
        self.name, self.label = name, label

    def estimate(self, pairs: Sequence[Pair]) -> CallEstimate:
        return CallEstimate(calls=0)

    def judge(self, pairs: Sequence[Pair]) -> list[Label]:
        return [self.label] * len(pairs)


@pytest.fixture(scope="module")
def human() -> HumanCeiling:
    return human_ceiling(read_labels(), "data/kqa_nli_physician_labels.csv")


@pytest.fixture(scope="module")
def offline_calibration() -> Calibration:
    return calibrate(FakeConstantJudge(OFFLINE, "neutral"))


@pytest.fixture(scope="module")
def llm_calibration() -> Calibration:
    return calibrate(FakeConstantJudge(LLM, "entailment"))


def _manifest(run_id: str, drafter: str, model: str, reply: str, **values: float) -> RunManifest:
    """A finished run whose every metric has the interval ``v ± 0.05`` (grade ``v ± 0.5``)."""
    summary = {}
    for name in METRIC_NAMES:
        value = values.get(name, 0.5)
        width = 0.5 if name == "grade" else 0.05
        summary[name] = Interval(mean=value, low=value - width, high=value + width, n=20)
    return RunManifest(
        run_id=run_id,
        dataset="kqa",
        dataset_sha256="0" * 64,
        items=20,
        drafter=drafter,
        model=model,
        judge=OFFLINE,
        settings={"reply": reply, "reply_note": REPLY_NOTES[reply]},  # type: ignore[index]
        summary=summary,
        failed=1 if drafter == "baseline-top-source" else 0,
    )


RETRIEVAL_ROW: dict[str, float | str] = {
    "system": "hybrid (RRF + MMR, default)",
    "held_out": 200.0,
    "recall_at_5": 0.7159,
    "recall_at_10": 0.9112,
    "mrr_at_10": 0.8893,
    "hit_at_10": 0.99,
    "ms_per_query": 21.1,
}


def _systems(llm_ran: bool) -> list[SystemRun]:
    composer = _manifest(
        "baseline-composer-1",
        "grounded-composer",
        "none (no language model)",
        "lead",
        comprehensiveness=0.62,
        grade=8.04,
    )
    composer = composer.model_copy(update={"retrieval": [RETRIEVAL_ROW]})
    none = "none (baseline, no language model)"
    llm = SystemRun(
        "local model",
        _manifest(
            "baseline-llm-1", "llm", "smollm2-135m-instruct", "lead", comprehensiveness=0.3
        ).model_copy(update={"items": 2}),
        31.4,
        "--llm-limit 2",
    )
    return [
        SystemRun("grounded composer", composer, 2.5),
        llm if llm_ran else SystemRun("local model", note="--llm-limit 0"),
        SystemRun(
            "doctor's reply only",
            _manifest(
                "baseline-reply-only-1", "baseline-reply-only", none, "lead", comprehensiveness=0.58
            ),
            0.2,
        ),
        SystemRun(
            "top source only",
            _manifest(
                "baseline-top-source-1", "baseline-top-source", none, "lead", comprehensiveness=0.1
            ),
            1.1,
        ),
        SystemRun(
            "grounded composer (no reply)",
            _manifest(
                "baseline-composer-reply-none-1",
                "grounded-composer",
                "none (no language model)",
                "none",
                comprehensiveness=0.2,
            ),
            1.0,
        ),
    ]


PRODUCED = Produced(
    command="assistant eval baselines --llm-limit 2 --reply lead --out docs/evaluation.md",
    at=datetime(2025, 3, 1, 9, 15, tzinfo=UTC),
    records=16428,
    chunks=51493,
    dataset="K-QA (`data/kqa_answered.jsonl`, 201 questions)",
)


def _rows(markdown: str, first_cell: str) -> list[list[str]]:
    """The cells of every table row that starts with ``first_cell`` (escaped pipes kept)."""
    found = []
    for line in markdown.splitlines():
        if line.startswith(f"| {first_cell} |"):
            found.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return found


def _header(markdown: str) -> list[str]:
    (header,) = _rows(markdown, "system")[:1]
    return header


def test_the_page_has_every_system_metric_and_interval(
    human: HumanCeiling, offline_calibration: Calibration
) -> None:
    page = baselines_markdown(_systems(llm_ran=True), [offline_calibration], human, PRODUCED)
    header = _header(page)
    assert header[:5] == ["system", "drafter", "model", "reply", "items"]
    assert header[-2:] == ["failed", "s/item"]
    assert [h.rsplit(" ", 1)[0] for h in header[5:-2]] == [
        m.label if m.better != "closer_to_1" else f"{m.label} →" for m in METRICS
    ]
    names = [
        "grounded composer",
        "local model",
        "doctor's reply only",
        "top source only",
        "grounded composer (no reply)",
    ]
    for name in names:
        (row,) = _rows(page, name)
        assert len(row) == len(header), name
    (composer,) = _rows(page, "grounded composer")
    cells = dict(zip(header, composer, strict=True))
    assert cells["Comprehensiveness ↑"] == "0.620 [0.570, 0.670]"
    assert cells["Readability grade ↓"] == "8.0 [7.5, 8.5]"  # grades to one decimal
    assert cells["reply"] == "`lead`" and cells["s/item"] == "2.50" and cells["failed"] == "0"
    assert cells["model"] == "none (no language model)" and cells["items"] == "20"
    (llm,) = _rows(page, "local model")
    assert "demo model" in llm[2] and llm[4] == "2 (--llm-limit 2)"
    (top,) = _rows(page, "top source only")
    assert top[-2] == "1"  # its failed draft
    (no_reply,) = _rows(page, "grounded composer (no reply)")
    assert no_reply[3] == "`none`"
    # how it was produced
    assert f"`{PRODUCED.command}`" in page and "2025-03-01 09:15 UTC" in page
    assert "16,428 records, 51,493 chunks" in page
    assert "Items per system: grounded composer: 20; local model: 2;" in page
    # the retrieval table comes from the run that measured it
    (retrieval,) = _rows(page, "hybrid (RRF + MMR, default)")
    assert retrieval == [
        "hybrid (RRF + MMR, default)",
        "200",
        "0.716",
        "0.911",
        "0.889",
        "0.990",
        "21.1",
    ]
    assert "`baseline-composer-1`" in page


def test_the_page_says_what_the_reply_mode_means(
    human: HumanCeiling, offline_calibration: Calibration
) -> None:
    page = baselines_markdown(_systems(llm_ran=True), [offline_calibration], human, PRODUCED)
    assert "## Reply mode" in page and "K-QA gives no physician reply" in page
    assert f"- `--reply lead`: {REPLY_NOTES['lead']}." in page
    assert f"- `--reply none`: {REPLY_NOTES['none']}." in page
    reading = page.split("## What the numbers say", 1)[1].split("## Retrieval", 1)[0]
    assert "starts from the reference's own first sentence" in reading
    # reply modes are ranked apart: the no-reply composer is not in the `lead` ranking
    (lead,) = [
        line for line in reading.splitlines() if "Comprehensiveness with `--reply lead`" in line
    ]
    assert "grounded composer 0.620; doctor's reply only 0.580; top source only" in lead
    assert "(no reply)" not in lead
    assert "overlap" in lead and "clearly ahead of top source only" in lead
    # the local model ran on 20 of the items: not ranked item for item with the others
    assert "Not ranked: local model (run on fewer items: 0.300 on 20)" in lead
    assert "0.620 [0.570, 0.670] with `--reply lead` and 0.200 [0.150, 0.250] with " in reading
    assert "`smollm2-135m-instruct`, a small demo model" in reading
    assert "Failed drafts, left out of the means: top source only (1)" in reading


def test_the_judges_table_and_the_reading_of_the_judge(
    human: HumanCeiling, offline_calibration: Calibration, llm_calibration: Calibration
) -> None:
    page = baselines_markdown(
        _systems(llm_ran=True), [offline_calibration, llm_calibration], human, PRODUCED
    )
    assert "\n## Statement judges against physicians\n" in page  # one level below the title
    assert f"\n### {OFFLINE}\n" in page and f"\n### {LLM}\n" in page
    (ceiling,) = _rows(page, "physicians (mean of pairs)")
    assert ceiling[2:] == ["399", f"{human.mean_pairwise:.1%}", f"{human.mean_kappa:.2f}"]
    assert len(_rows(page, OFFLINE)) == 2 and len(_rows(page, LLM)) == 2
    assert "has no stored calibration on these labels" not in page
    reading = page.split("## What the numbers say", 1)[1]
    # a judge that calls everything neutral agrees with nobody beyond chance
    assert "Cohen's κ 0.00 (measured, accuracy" in reading
    assert f"κ {human.mean_kappa:.2f}" in reading and "indicative" in reading
    marked = sum(offline_calibration.confusion[2])  # the physicians' contradictions
    assert f"recognises only 0 of the {marked} contradictions" in reading
    assert "Hallucination rate with `--reply lead`" in reading
    assert "The intervals of all 3 systems overlap" in reading
    alone = baselines_markdown(_systems(llm_ran=True), [offline_calibration], human, PRODUCED)
    assert "The LLM judge has no stored calibration" in alone


def test_a_system_not_run_is_said_so(human: HumanCeiling, offline_calibration: Calibration) -> None:
    page = baselines_markdown(_systems(llm_ran=False), [offline_calibration], human, PRODUCED)
    (llm,) = _rows(page, "local model")
    assert llm[4] == "not run (--llm-limit 0)"
    assert llm[5 : 5 + len(METRICS)] == ["not run"] * len(METRICS)
    assert "local model: not run" in page and "Local model: not run (--llm-limit 0)." in page
    assert "demo model" not in page


def test_a_run_without_retrieval_or_calibration_says_why(human: HumanCeiling) -> None:
    systems = [
        SystemRun(
            s.system,
            s.manifest.model_copy(
                update={
                    "retrieval": [],
                    "settings": {
                        **s.manifest.settings,
                        "retrieval_note": "retrieval quality skipped (--retrieval-holdout 0)",
                    },
                }
            ),
        )
        for s in _systems(llm_ran=True)
        if s.manifest is not None
    ]
    page = baselines_markdown(systems, [], human, PRODUCED)
    assert "Not measured in these runs: retrieval quality skipped" in page
    assert f"The judge `{OFFLINE}` has no stored calibration" in page
    assert _rows(page, "grounded composer")[0][-1] == "—"  # no timing given


def test_seconds_per_item_and_the_stored_llm_calibration(
    tmp_path: Path, offline_calibration: Calibration, llm_calibration: Calibration
) -> None:
    def item(seconds: float) -> ItemResult:
        return ItemResult(
            item_id="a",
            question="?",
            reference="r",
            draft="d",
            drafter="x",
            model="m",
            seconds=seconds,
        )

    assert seconds_per_item([item(1.0), item(2.0)]) == pytest.approx(1.5)
    assert seconds_per_item([]) is None
    sha = file_sha256(DEFAULT_LABELS)
    assert stored_llm_calibration(tmp_path, sha) is None
    store_calibration(tmp_path, offline_calibration)
    assert stored_llm_calibration(tmp_path, sha) is None  # the offline judge's is not an LLM's
    store_calibration(tmp_path, llm_calibration)
    other = llm_calibration.model_copy(update={"judge": "llm (other)", "labels_sha256": "f" * 64})
    store_calibration(tmp_path, other)  # on another labels file: not comparable
    found = stored_llm_calibration(tmp_path, sha)
    assert found is not None and found.judge == LLM


# --- the CLI ------------------------------------------------------------------------------------


def test_cli_baselines_runs_every_system_and_writes_the_page(
    eval_archive: Archive,  # noqa: F811
    eval_home: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "docs" / "evaluation.md"
    env = {
        **os.environ,
        "ASSISTANT_HOME": str(eval_home),
        "HOME": str(tmp_path / "home"),
        "COLUMNS": "160",
    }
    args = ["--limit", "2", "--llm-limit", "0", "--retrieval-holdout", "10", "--out", str(out)]
    done = subprocess.run(
        [str(CLI), "eval", "baselines", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    runs = sorted((eval_home / "eval" / "runs").glob("baseline-*"))
    names = {re.sub(r"-\d{8}T\d{6}Z$", "", r.name): r for r in runs}
    assert set(names) == {
        "baseline-composer",
        "baseline-reply-only",
        "baseline-top-source",
        "baseline-composer-reply-none",
    }  # no local model run with --llm-limit 0
    manifests = {name: read_manifest(path) for name, path in names.items()}
    for name, path in names.items():
        assert (path / "report.md").exists() and (path / "items.jsonl").exists(), name
    assert {m.items for m in manifests.values()} == {2}
    assert len({m.judge for m in manifests.values()}) == 1  # one judge for all
    assert all(m.agreement is not None for m in manifests.values())  # calibrated first
    assert {n: m.settings["reply"] for n, m in manifests.items()} == {
        "baseline-composer": "lead",
        "baseline-reply-only": "lead",
        "baseline-top-source": "lead",
        "baseline-composer-reply-none": "none",
    }
    assert manifests["baseline-composer"].retrieval  # measured once, in the first run
    assert not manifests["baseline-top-source"].retrieval
    page = out.read_text("utf-8")
    # the systems and the suite's defaults come from eval/suites/baselines.toml
    assert (
        "assistant eval baselines --suite eval/suites/baselines.toml --limit 2 --llm-limit 0"
        in page
    )
    for system in ("grounded composer", "doctor's reply only", "top source only"):
        (row,) = _rows(page, system)
        assert row[4] == "2" and row[3] == "`lead`"
    (llm,) = _rows(page, "local model")
    assert llm[4] == "not run (--llm-limit 0)"
    assert "## Statement judges against physicians" in page and "## Reply mode" in page
    assert "Written to" in done.stdout


def test_cli_baselines_rejects_an_unknown_reply_mode(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(CLI), "eval", "baselines", "--reply", "always", "--out", str(tmp_path / "x.md")],
        env={**os.environ, "ASSISTANT_HOME": str(tmp_path / "home"), "COLUMNS": "160"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "--reply" in done.stderr
    assert not (tmp_path / "x.md").exists()
