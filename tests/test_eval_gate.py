"""CI's evaluation gate, and the files of ``eval/`` it rests on.

The small suite (``eval/suites/kqa-smoke.toml``: a few K-QA questions, the grounded composer
and the offline judge over a small index of its own) is run through the real CLI in a fresh
home and compared with the committed reference run (``eval/reference/kqa-smoke/``) under the
gate of ``eval/gates.toml``; a drafting change that costs more than the gate allows fails
``make test``. ``make reference`` refreshes the reference after a deliberate change.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import EVAL_DIR, Settings
from assistant.evaluation.compare import compare, gate
from assistant.evaluation.dataset import load_items
from assistant.evaluation.results import read_items, read_manifest
from assistant.evaluation.specs import SpecError, file_sha256, load_card, load_gate
from assistant.evaluation.suites import (
    DraftingSuite,
    RetrievalSuite,
    load_drafting_suite,
    load_suite,
    reference_dir,
)
from tests.conftest import REPO

CLI = Path(sys.executable).with_name("assistant")
SMOKE = EVAL_DIR / "suites" / "kqa-smoke.toml"


def cli(home: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), "eval", *args],
        cwd=cwd,
        env={**os.environ, "ASSISTANT_HOME": str(home), "COLUMNS": "160", **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def candidate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smoke suite run now, from scratch (its index built in a fresh home)."""
    home = tmp_path_factory.mktemp("gate-home")
    done = cli(home, REPO, "run", "--suite", str(SMOKE), "--name", "candidate")
    assert done.returncode == 0, done.stderr
    return home / "eval" / "runs" / "candidate"


# --- the gate CI runs --------------------------------------------------------------------------


def test_the_smoke_suite_passes_the_gate_against_its_reference(
    candidate: Path, tmp_path: Path
) -> None:
    reference = reference_dir(load_drafting_suite(SMOKE), SMOKE)
    done = cli(tmp_path / "home", REPO, "compare", str(reference), str(candidate))
    default = load_gate()
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Gate on {default.metric}" in done.stdout
    assert f"allowed {default.max_drop:g}: PASS" in done.stdout
    # the run is the suite as written: the same items, drafter and judge as the reference
    ran, kept = read_manifest(candidate), read_manifest(reference)
    assert (ran.items, ran.drafter, ran.judge) == (kept.items, kept.drafter, kept.judge)
    assert ran.dataset_sha256 == kept.dataset_sha256
    assert [r.item_id for r in read_items(candidate)] == [r.item_id for r in read_items(reference)]


def test_a_regression_beyond_the_gate_fails_it(candidate: Path, tmp_path: Path) -> None:
    """A drafting change that loses must-have statements: every item's comprehensiveness
    halved (the reference's mean is well above the allowed drop)."""
    worse = tmp_path / "worse"
    shutil.copytree(candidate, worse)
    lines = []
    for result in read_items(candidate):
        metrics = dict(result.metrics)
        metrics["comprehensiveness"] = (metrics["comprehensiveness"] or 0.0) / 2
        lines.append(result.model_copy(update={"metrics": metrics}).model_dump_json())
    (worse / "items.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    reference = reference_dir(load_drafting_suite(SMOKE), SMOKE)
    comparison = compare(reference, worse)
    assert comparison.change("comprehensiveness").worsening is not None
    assert comparison.change("comprehensiveness").worsening.mean > load_gate().max_drop
    done = cli(tmp_path / "home", REPO, "compare", str(reference), str(worse))
    assert done.returncode == 1 and "FAIL" in done.stdout
    assert not gate(comparison, load_gate().metric, load_gate().max_drop)


def test_the_gate_file_is_what_compare_defaults_to(candidate: Path, tmp_path: Path) -> None:
    """``ASSISTANT_EVAL_DIR`` names another eval folder: compare takes its gate."""
    other = tmp_path / "eval"
    other.mkdir()
    (other / "gates.toml").write_text('[gate]\nmetric = "rouge_l"\nmax_drop = 0.125\n', "utf-8")
    reference = reference_dir(load_drafting_suite(SMOKE), SMOKE)
    args = ("compare", str(reference), str(candidate))
    done = cli(tmp_path / "home", REPO, *args, ASSISTANT_EVAL_DIR=str(other))
    assert done.returncode == 0, done.stderr
    assert "Gate on rouge_l" in done.stdout and "allowed 0.125" in done.stdout
    (other / "gates.toml").write_text('[gate]\nmetric = "rouge"\nmax_drop = 0.1\n', "utf-8")
    bad = cli(tmp_path / "home", REPO, *args, ASSISTANT_EVAL_DIR=str(other))
    assert bad.returncode == 2 and "gates.toml" in bad.stderr and "gate.metric" in bad.stderr
    assert "Traceback" not in bad.stderr


# --- the eval/ folder ---------------------------------------------------------------------------


def test_every_suite_and_card_of_the_repository_loads() -> None:
    suites = {p.stem: load_suite(p) for p in sorted((EVAL_DIR / "suites").glob("*.toml"))}
    assert {"kqa", "kqa-smoke", "baselines", "retrieval"} <= set(suites)
    assert isinstance(suites["retrieval"], RetrievalSuite)
    baselines = suites["baselines"]
    assert isinstance(baselines, DraftingSuite)
    assert [s.drafter for s in baselines.systems][:4] == [
        "composer",
        "llm",
        "reply-only",
        "top-source",
    ]
    for path in sorted((EVAL_DIR / "datasets").glob("*.toml")):
        card = load_card(path.stem)
        assert card.file.is_relative_to(REPO / "data") and card.card.licence
    assert Settings().eval_dir == EVAL_DIR and load_gate().metric == "comprehensiveness"
    assert (EVAL_DIR / "README.md").is_file()


def test_the_reference_run_is_committed_with_its_scores() -> None:
    reference = reference_dir(load_drafting_suite(SMOKE), SMOKE)
    manifest, items = read_manifest(reference), read_items(reference)
    assert manifest.items == len(items) == load_drafting_suite(SMOKE).limit
    assert manifest.dataset_sha256 == load_card("kqa").card.sha256
    assert all(r.error is None and "comprehensiveness" in r.metrics for r in items)


def _eval_dir(tmp_path: Path, card: str) -> Path:
    root = tmp_path / "eval"
    (root / "datasets").mkdir(parents=True)
    (root / "suites").mkdir()
    (tmp_path / "set.jsonl").write_text('{"id": "x"}\n', encoding="utf-8")
    (root / "datasets" / "mine.toml").write_text(card, encoding="utf-8")
    return root


CARD = """name = "mine"
title = "Mine"
path = "../../set.jsonl"
sha256 = "{sha}"
licence = "MIT"
citation = "Me, 2025"
"""


def test_a_dataset_file_that_differs_from_its_card_is_refused(tmp_path: Path) -> None:
    root = _eval_dir(tmp_path, CARD.format(sha="0" * 64))
    with pytest.raises(SpecError) as raised:
        load_card("mine", root)
    message = str(raised.value)
    assert "mine.toml: key 'sha256'" in message and "set.jsonl differs" in message
    assert "put the new sha256 in the card" in message


def test_the_repository_kqa_file_is_checked_against_its_card(tmp_path: Path) -> None:
    assert load_items("kqa").sha256 == load_card("kqa").card.sha256
    copied = tmp_path / "eval"
    shutil.copytree(EVAL_DIR / "datasets", copied / "datasets")
    card = (copied / "datasets" / "kqa.toml").read_text("utf-8")
    card = card.replace("../../data/", f"{REPO}/data/").replace('sha256 = "5', 'sha256 = "6')
    (copied / "datasets" / "kqa.toml").write_text(card, "utf-8")
    with pytest.raises(SpecError, match=r"kqa_answered\.jsonl differs"):
        load_card("kqa", copied)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kind = 'drafting'\nname = [", "not valid TOML: "),
        ("kind = 'drafting'\nname = 'x'\ndescription = 'd'\ndataset = 'mine'\n", "key 'systems'"),
        (
            "kind = 'drafting'\nname = 'x'\ndescription = 'd'\ndataset = 'mine'\nrepeat = 2\n"
            "[[systems]]\nname = 'a'\nlabel = 'A'\ndrafter = 'composer'\n",
            "key 'repeat': is not a known key — remove it or check its spelling",
        ),
        (
            "kind = 'drafting'\nname = 'x'\ndescription = 'd'\ndataset = 'mine'\n"
            "[[systems]]\nname = 'a'\nlabel = 'A'\ndrafter = 'gpt'\n",
            "key 'systems.0.drafter'",
        ),
        ("kind = 'scoring'\nname = 'x'\n", 'write kind = "drafting" or kind = "retrieval"'),
        (
            "kind = 'drafting'\nname = 'x'\ndescription = 'd'\ndataset = 'theirs'\n"
            "[[systems]]\nname = 'a'\nlabel = 'A'\ndrafter = 'composer'\n",
            "no dataset card 'theirs'. Known cards: mine",
        ),
    ],
)
def test_a_bad_suite_is_named_with_its_key(tmp_path: Path, text: str, expected: str) -> None:
    root = _eval_dir(tmp_path, "")
    (root / "datasets" / "mine.toml").write_text(
        CARD.format(sha=file_sha256(tmp_path / "set.jsonl")), "utf-8"
    )
    path = root / "suites" / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        load_suite(path)
    assert str(path) in str(raised.value) and expected in str(raised.value)


def test_run_refuses_options_the_suite_names(tmp_path: Path) -> None:
    done = cli(tmp_path, REPO, "run", "--suite", str(SMOKE), "--drafter", "llm")
    assert done.returncode == 2 and "--drafter" in done.stderr and "names it" in done.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("kind = 'retrieval'\n", "utf-8")
    done = cli(tmp_path, REPO, "run", "--suite", str(bad))
    assert done.returncode == 1 and "bad.toml" in done.stderr and "key 'name'" in done.stderr
    assert "Traceback" not in done.stderr
