"""The evaluation run: dataset loading, baselines, leakage, metrics, and the CLI end to end.

The index is real (embedded Chroma, the MiniLM embedder) and holds, besides MedQuAD records,
the first K-QA answered records themselves: exactly what retrieval must keep away from the
drafts that are scored against them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant.checks import DraftChecker, OfflineSupportScorer
from assistant.config import Settings
from assistant.corpus import Record, load
from assistant.drafting import Draft, Drafter, DraftRequest, DraftSentence, Provenance, Section
from assistant.drafting.composer import GroundedComposer
from assistant.embeddings import MiniLMEmbedder
from assistant.evaluation.baselines import ReplyOnlyDrafter, TopSourceDrafter
from assistant.evaluation.compare import load_run
from assistant.evaluation.dataset import KQA_PATH, DatasetError, EvalItem, EvalSet, load_items
from assistant.evaluation.harness import (
    DraftMetrics,
    Harness,
    LeakageError,
    RunExists,
    build_request,
    estimate_judging,
    judge_statements,
    judged_text,
    plain_text,
    plan_run,
    reply_for,
    summarize,
)
from assistant.evaluation.judges import CallEstimate, Label, LearnedJudge, Pair
from assistant.evaluation.rescore import rescore
from assistant.evaluation.results import METRIC_NAMES, ItemResult, read_items, read_manifest
from assistant.index import Archive
from assistant.pipeline import Pipeline
from assistant.retrieval import HybridRetriever, Passage, Source
from tests.conftest import DATA

pytestmark = pytest.mark.embedded_only
INDEXED_KQA = 8  # the first K-QA answered records are in the index too
CLI = Path(sys.executable).with_name("assistant")


class FakeScriptedJudge:
    """Labels by statement, as scripted; the answer must contain ``needle`` for entailment.

    Deterministic on purpose: the metric arithmetic is tested against known labels."""

    name = "fake-scripted"

    def __init__(self, labels: dict[str, Label] | None = None, default: Label = "neutral") -> None:
        self.labels = labels or {}
        self.default = default
        self.calls: list[list[Pair]] = []

    def estimate(self, pairs: Sequence[Pair]) -> CallEstimate:
        return CallEstimate(calls=2 * len(pairs), prompt_tokens=100 * len(pairs))

    def judge(self, pairs: Sequence[Pair]) -> list[Label]:
        self.calls.append(list(pairs))
        return [self.labels.get(p.statement, self.default) for p in pairs]


class FakeIgnoringDrafter:
    """A composer that drops the request's exclusions: the harness must stop it."""

    name = "fake-ignores-exclusions"

    def __init__(self, composer: GroundedComposer) -> None:
        self.composer = composer

    def draft(self, request: DraftRequest) -> Draft:
        return self.composer.draft(request.model_copy(update={"exclude_ids": frozenset()}))


class FakeFailingDrafter:
    """Fails on every question that mentions ``word``; drafts the others with ``inner``."""

    def __init__(self, inner: ReplyOnlyDrafter, word: str) -> None:
        self.inner, self.word = inner, word
        self.name = "fake-failing"

    def draft(self, request: DraftRequest) -> Draft:
        if self.word in request.question.lower():
            raise RuntimeError("the model is down")
        return self.inner.draft(request)


def around(drafter: Drafter, archive: Archive) -> Pipeline:
    """The evaluation's pipeline over an open drafter: the offline checker, no strict grounding."""
    return Pipeline.around(drafter, DraftChecker(OfflineSupportScorer(archive.embedder)))


@pytest.fixture(scope="module")
def kqa_records() -> list[Record]:
    return load(KQA_PATH).records


@pytest.fixture(scope="module")
def eval_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("eval-home")


# MedQuAD topics of the first K-QA questions (Lexapro, scabies, herpes and HPV, cold sores...)
TOPICS = {"scabies", "depression", "genital herpes", "hpv", "cold sores", "canker sores", "flu"}


@pytest.fixture(scope="module")
def eval_archive(
    eval_home: Path,
    embedder: MiniLMEmbedder,
    medquad_sample: list[Record],
    kqa_records: list[Record],
) -> Archive:
    """MedQuAD (80 sampled records and those on the first K-QA questions' topics) plus the
    first K-QA answered records, in the default collection of ``eval_home`` (so the CLI
    finds it there too)."""
    topical = [
        r for r in load(DATA / "medquad.jsonl.gz").records if (r.focus or "").lower() in TOPICS
    ]
    archive = Archive(Settings(home=eval_home), embedder=embedder)
    archive.ingest([*medquad_sample[:80], *topical, *kqa_records[:INDEXED_KQA]])
    return archive


@pytest.fixture(scope="module")
def kqa() -> EvalSet:
    return load_items("kqa")


# --- the dataset ------------------------------------------------------------------------------


def test_kqa_loads_whole_with_its_statements(kqa: EvalSet) -> None:
    assert kqa.name == "kqa" and len(kqa.items) == 201 and len(kqa.ids) == 201
    assert len(kqa.sha256) == 64
    first = kqa.items[0]
    assert first.id == "kqa:0" and first.reply is None and "Escitalopram" in first.reference
    assert first.must_have and len(first.must_have) == 11 and first.nice_to_have
    # statements are trimmed (the file has " Lexapro is not approved ...")
    assert first.must_have[-1].startswith("Lexapro is not approved")


def _jsonl(path: Path, *rows: object) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", "utf-8"
    )
    return path


GOOD_ROW = {
    "id": "x:1",
    "question": "Is ibuprofen safe with a stomach ulcer?",
    "long_explanation": "No. Ibuprofen can make an ulcer bleed.",
    "must_have": ["Ibuprofen can make an ulcer bleed"],
}


def test_a_file_without_statements_is_accepted(tmp_path: Path) -> None:
    row = {k: v for k, v in GOOD_ROW.items() if k != "must_have"}
    loaded = load_items(str(_jsonl(tmp_path / "mine.jsonl", row, "")))
    (item,) = loaded.items
    assert item.must_have is None and item.nice_to_have is None and item.statements == 0
    assert loaded.name == str(tmp_path / "mine.jsonl")


@pytest.mark.parametrize(
    ("row", "where"),
    [
        ("{not json", ":2: invalid JSON"),
        ({"id": "x:2", "question": "Why?"}, ":2: field 'long_explanation': is missing"),
        ({**GOOD_ROW, "id": "x:2", "must_have": "one"}, ":2: field 'must_have': expected a list"),
        ({**GOOD_ROW, "id": "x:2", "nice_to_have": ["ok", 3]}, ":2: field 'nice_to_have[2]'"),
        ({**GOOD_ROW, "id": "x:2", "question": ""}, ":2: field 'question': must not be empty"),
        (GOOD_ROW, ":2: field 'id': 'x:1' repeats line 1"),
    ],
)
def test_bad_dataset_lines_are_named(tmp_path: Path, row: object, where: str) -> None:
    path = _jsonl(tmp_path / "set.jsonl", GOOD_ROW, row)
    with pytest.raises(DatasetError) as failure:
        load_items(str(path))
    message = str(failure.value)
    assert f"{path}{where}" in message, message
    assert "nothing was run" in message


@pytest.mark.parametrize(("content", "message"), [("", "holds no questions"), (None, "no such")])
def test_unusable_dataset_files(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "set.jsonl"
    if content is not None:
        path.write_text(content, "utf-8")
    with pytest.raises(DatasetError, match=message):
        load_items(str(path))


# --- requests, metrics ------------------------------------------------------------------------


def _item(**changes: object) -> EvalItem:
    values: dict[str, object] = {
        "id": "t:1",
        "question": "What is a lipoma?",
        "reply": None,
        "reference": "A lipoma is a harmless lump of fat. It grows slowly under the skin.",
        "must_have": ("A lipoma is a lump of fat", "It is harmless", "It grows slowly"),
        "nice_to_have": ("It can be removed",),
    }
    values.update(changes)
    return EvalItem(**values)  # type: ignore[arg-type]


def test_reply_modes() -> None:
    item = _item(reply="It is fat.")
    assert reply_for(item, "auto") == "It is fat." and reply_for(item, "none") is None
    assert reply_for(_item(), "auto") is None
    assert reply_for(_item(), "lead") == "A lipoma is a harmless lump of fat."
    request = build_request(item, frozenset({"t:1", "t:2"}), "none")
    assert request.reply is None and request.exclude_ids == {"t:1", "t:2"}


def _source(n: int) -> Source:
    return Source(
        rank=n,
        record_id=f"medquad:s{n}",
        score=0.1,
        passages=(
            Passage(chunk_id=f"s{n}::1", text="Lipomas are lumps.", kind="explanation", score=0.1),
        ),
    )


def _draft(sentences: Sequence[DraftSentence], sources: int = 2) -> Draft:
    return Draft(
        request=DraftRequest(question="What is a lipoma?"),
        title="Lipoma",
        sections=[Section(kind="explanation", heading="About", sentences=tuple(sentences))],
        sources=[_source(n) for n in range(1, sources + 1)],
        provenance=Provenance(drafter="hand-made", model="none"),
    )


def test_the_judge_reads_the_content_not_the_connecting_lines() -> None:
    no_answer = "The archive holds no past answer on clobetasol; ask your pharmacist."
    fact = "Corticosteroids reduce swelling and itching."
    call = "Call 911 if your throat swells."
    draft = _draft(
        [
            DraftSentence(text="Your question is about clobetasol.", origin="template"),
            DraftSentence(text=fact, citations=(1,), origin="source"),
            DraftSentence(text=no_answer, origin="template"),
        ]
    )
    escalation = Section(
        kind="escalation",
        heading="Get help now",
        sentences=(DraftSentence(text=call, origin="template"),),
    )
    draft = draft.model_copy(update={"sections": [escalation, *draft.sections]})
    # the connecting lines state no medical fact (offline judge v1 took the second for an
    # answer on "Clobetasol is a corticosteroid"); the red-flag escalation stays
    assert judged_text(draft) == f"{call} {fact}"


def test_metrics_on_a_hand_made_draft(embedder: MiniLMEmbedder) -> None:
    item = _item()
    draft = _draft(
        [
            DraftSentence(
                text="A lipoma is a harmless lump of fat.", citations=(1,), origin="source"
            ),
            DraftSentence(
                text="It grows slowly under the skin.", citations=(2, 3), origin="source"
            ),
        ]
    )
    assert plain_text(draft) == item.reference  # citations and headings stripped
    judge = FakeScriptedJudge(
        {
            "A lipoma is a lump of fat": "entailment",
            "It is harmless": "contradiction",
            "It grows slowly": "entailment",
        }
    )  # "It can be removed" (nice to have): neutral
    statements = judge_statements(judge, plain_text(draft), item)
    assert len(judge.calls) == 1 and len(judge.calls[0]) == 4  # one batched call per item
    assert [s.kind for s in statements] == ["must_have"] * 3 + ["nice_to_have"]
    metrics = DraftMetrics(embedder).measure(draft, item.reference, statements)
    assert tuple(metrics) == METRIC_NAMES
    assert metrics["comprehensiveness"] == pytest.approx(2 / 3, abs=1e-6)
    assert metrics["hallucination"] == pytest.approx(1 / 4)
    assert metrics["citation_validity"] == pytest.approx(2 / 3, abs=1e-6)  # [3] points nowhere
    assert metrics["rouge_l"] == pytest.approx(1.0)
    assert metrics["cosine"] == pytest.approx(1.0, abs=1e-4)
    assert metrics["length_ratio"] == pytest.approx(1.0)
    assert metrics["grade"] is not None and metrics["grade"] < 8
    assert metrics["groundedness"] is not None and 0 <= metrics["groundedness"] <= 1
    # the draft does not say what was asked (as a baseline's): the answer check does not apply
    assert metrics["answers_question"] is None
    asked = draft.model_copy(update={"asks": ("definition",)})  # and no section answers it
    measured = DraftMetrics(embedder).measure(asked, item.reference, statements)
    assert measured["answers_question"] == 0.0


def test_metrics_of_a_short_unrelated_draft(embedder: MiniLMEmbedder) -> None:
    item = _item(must_have=None, nice_to_have=None)
    draft = _draft([DraftSentence(text="Drink more water daily.", origin="model")], sources=0)
    judge = FakeScriptedJudge()
    statements = judge_statements(judge, plain_text(draft), item)
    assert statements == () and judge.calls == []  # nothing to judge: no call at all
    metrics = DraftMetrics(embedder).measure(draft, item.reference, statements)
    assert metrics["comprehensiveness"] is None and metrics["hallucination"] is None
    assert metrics["citation_validity"] is None  # no citations
    assert metrics["groundedness"] == 0.0  # uncited, no reply: not supported
    assert metrics["length_ratio"] == pytest.approx(4 / 14)
    assert metrics["rouge_l"] is not None and metrics["rouge_l"] < 0.2
    assert metrics["cosine"] is not None and metrics["cosine"] < 0.5


def test_summary_averages_repeats_per_item_and_reports_the_spread() -> None:
    def result(item: str, repeat: int, value: float | None, error: str | None = None) -> ItemResult:
        return ItemResult(
            item_id=item,
            repeat=repeat,
            question="?",
            reference="r",
            draft="d",
            drafter="x",
            model="m",
            metrics={"rouge_l": value},
            error=error,
        )

    results = [
        result("a", 0, 0.2),
        result("b", 0, 0.4),
        result("a", 1, 0.4),
        result("b", 1, 0.6),
        result("c", 1, None, error="drafting failed"),
    ]
    summary = summarize(results, repeats=2)
    assert set(summary) == {"rouge_l"}
    rouge = summary["rouge_l"]
    assert rouge.n == 2 and rouge.mean == pytest.approx(0.4)
    assert rouge.spread == pytest.approx(0.1414, abs=1e-3)  # std of the repeat means 0.3, 0.5
    assert summarize(results[:2], repeats=1)["rouge_l"].spread is None


# --- baselines --------------------------------------------------------------------------------


def test_reply_only_baseline(embedder: MiniLMEmbedder) -> None:
    drafter = ReplyOnlyDrafter()
    draft = drafter.draft(DraftRequest(question="Is it bad?", reply="It is benign. Leave it."))
    assert [s.text for _, _, s in draft.sentences()] == ["It is benign.", "Leave it."]
    assert {s.origin for _, _, s in draft.sentences()} == {"reply"}
    assert draft.sources == [] and draft.provenance.drafter == "baseline-reply-only"
    assert "baseline" in (draft.provenance.model_note or "")
    empty = drafter.draft(DraftRequest(question="Is it bad?"))
    assert empty.sections == [] and plain_text(empty) == ""
    metrics = DraftMetrics(embedder).measure(empty, "A reference answer.", ())
    assert metrics["rouge_l"] == 0.0 and metrics["length_ratio"] == 0.0
    assert metrics["grade"] is None and metrics["groundedness"] is None


def test_top_source_baseline_cites_one_source(eval_archive: Archive, kqa: EvalSet) -> None:
    drafter = TopSourceDrafter(HybridRetriever(eval_archive))
    item = kqa.items[0]  # indexed itself: must not come back
    draft = drafter.draft(build_request(item, kqa.ids, "auto"))
    assert len(draft.sources) == 1 and draft.sources[0].record_id not in kqa.ids
    assert draft.provenance.drafter == "baseline-top-source"
    assert draft.provenance.source_ids == (draft.sources[0].record_id,)
    sentences = [s for _, _, s in draft.sentences()]
    assert sentences and all(s.citations == (1,) for s in sentences)
    top = draft.sources[0]
    evidence = " ".join([top.reply or "", *(p.text for p in top.passages)])
    assert all(s.text in evidence for s in sentences)
    # without the exclusion, the item's own record is the top source
    leaked = drafter.draft(DraftRequest(question=item.question))
    assert leaked.sources[0].record_id == item.id


# --- the harness ------------------------------------------------------------------------------


def test_run_keeps_evaluation_items_out_of_every_draft(
    eval_archive: Archive, kqa: EvalSet, tmp_path: Path
) -> None:
    composer = GroundedComposer(HybridRetriever(eval_archive), eval_archive.embedder)
    plan = plan_run(kqa, "composer-run", limit=3, retrieval_holdout=10)
    judge = FakeScriptedJudge(default="entailment")
    seen: list[ItemResult] = []
    manifest = Harness(around(composer, eval_archive), judge, eval_archive).run(
        plan, tmp_path / "run", on_item=seen.append
    )
    results = read_items(tmp_path / "run")
    assert [r.item_id for r in results] == ["kqa:0", "kqa:1", "kqa:2"] == [r.item_id for r in seen]
    cited = {rid for r in results for rid in r.source_ids}
    assert cited and not cited & kqa.ids  # drafts cite sources, none an evaluation item
    for r in results:
        assert r.error is None
        # the judge entails everything a draft with content says; a draft of connecting
        # lines only (no source found) says nothing to judge
        assert r.metrics["comprehensiveness"] == (1.0 if r.source_ids else 0.0)
    assert manifest.excluded_ids == INDEXED_KQA and manifest.items == 3 and manifest.failed == 0
    assert manifest.drafter == "grounded-composer" and manifest.judge == "fake-scripted"
    assert manifest.settings["reply"] == "auto"
    assert set(manifest.summary) >= {"comprehensiveness", "rouge_l", "cosine", "grade"}
    assert manifest.retrieval and manifest.retrieval[0]["held_out"] == 10.0
    assert read_manifest(tmp_path / "run") == manifest
    with pytest.raises(RunExists):
        Harness(around(composer, eval_archive), judge, eval_archive).run(plan, tmp_path / "run")


def test_a_drafter_that_ignores_exclusions_stops_the_run(
    eval_archive: Archive, kqa: EvalSet, tmp_path: Path
) -> None:
    composer = GroundedComposer(HybridRetriever(eval_archive), eval_archive.embedder)
    plan = plan_run(kqa, "leaky", limit=2, retrieval_holdout=0)
    with pytest.raises(LeakageError, match=r"kqa:0.*exclude_ids"):
        Harness(
            around(FakeIgnoringDrafter(composer), eval_archive), FakeScriptedJudge(), eval_archive
        ).run(plan, tmp_path / "leaky")
    assert not (tmp_path / "leaky" / "manifest.json").exists()

    approved = plan_run(kqa, "approved", also_exclude=frozenset({"approved:7"}))
    assert approved.exclude_ids == kqa.ids | {"approved:7"}  # reviewed pages kept out too


def test_failed_drafts_are_recorded_and_the_run_goes_on(
    eval_archive: Archive, tmp_path: Path
) -> None:
    rows = [
        {**GOOD_ROW, "reply": "Avoid it."},
        {**GOOD_ROW, "id": "x:2", "question": "Can aspirin upset the stomach?", "reply": "Yes."},
    ]
    dataset = load_items(str(_jsonl(tmp_path / "set.jsonl", *rows)))
    drafter = FakeFailingDrafter(ReplyOnlyDrafter(), word="aspirin")
    plan = plan_run(dataset, "failing", repeats=2, retrieval_holdout=0)
    manifest = Harness(around(drafter, eval_archive), FakeScriptedJudge(), eval_archive).run(
        plan, tmp_path / "run"
    )
    results = read_items(tmp_path / "run")
    assert [(r.item_id, r.repeat) for r in results] == [
        ("x:1", 0),
        ("x:2", 0),
        ("x:1", 1),
        ("x:2", 1),
    ]
    assert manifest.failed == 2 and manifest.excluded_ids == 0
    failed = [r for r in results if r.error]
    assert all("the model is down" in (r.error or "") and r.draft == "" for r in failed)
    assert manifest.summary["length_ratio"].n == 1
    assert manifest.summary["length_ratio"].spread == 0.0  # deterministic drafter
    assert manifest.retrieval == [] and "skipped" in str(manifest.settings["retrieval_note"])


def test_judge_estimate_counts_every_statement_of_every_repeat(kqa: EvalSet) -> None:
    plan = plan_run(kqa, "estimate", limit=4, repeats=3)
    statements = sum(item.statements for item in kqa.items[:4])
    estimate, pairs = estimate_judging(plan, FakeScriptedJudge())
    assert pairs == 3 * statements
    assert estimate.calls == 2 * 3 * statements and estimate.prompt_tokens == 100 * pairs


# --- the CLI ------------------------------------------------------------------------------------


def cli(home: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "ASSISTANT_HOME": str(home),
        "HOME": str(tmp_path / "home"),
        "COLUMNS": "160",
    }
    return subprocess.run(
        [str(CLI), "eval", "run", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_cli_run_writes_items_and_manifest(
    eval_archive: Archive, eval_home: Path, tmp_path: Path
) -> None:
    done = cli(
        eval_home, tmp_path, "--limit", "3", "--name", "cli-run", "--retrieval-holdout", "10"
    )
    assert done.returncode == 0, done.stderr
    run_dir = eval_home / "eval" / "runs" / "cli-run"
    results = read_items(run_dir)
    assert len(results) == 3 and all(r.drafter == "grounded-composer" for r in results)
    manifest = read_manifest(run_dir)
    assert manifest.items == 3 and manifest.excluded_ids == INDEXED_KQA
    assert manifest.agreement is not None  # the offline judge is calibrated before it runs
    assert "Comprehensiveness" in done.stdout and "95% CI" in done.stdout
    # rescored by the same judge, the run's drafts get the same labels: the judge reads the
    # text the run's judge read, without the composer's connecting lines
    assert all(r.judged is not None and "Your question" not in r.judged for r in results)
    rescored = load_run(
        rescore(load_run(run_dir), LearnedJudge(eval_archive.embedder), tmp_path / "same", None)
    )
    assert [r.statements for r in rescored.items] == [r.statements for r in results]
    again = cli(eval_home, tmp_path, "--limit", "1", "--name", "cli-run")
    assert again.returncode == 1 and "already holds a run" in again.stderr


def test_cli_repeats_give_a_spread_and_baselines_run(
    eval_archive: Archive, eval_home: Path, tmp_path: Path
) -> None:
    args = ("--limit", "2", "--repeats", "2", "--drafter", "top-source", "--name", "twice")
    done = cli(eval_home, tmp_path, *args, "--retrieval-holdout", "0", "--reply", "lead")
    assert done.returncode == 0, done.stderr
    manifest = read_manifest(eval_home / "eval" / "runs" / "twice")
    assert manifest.repeats == 2 and manifest.drafter == "baseline-top-source"
    assert manifest.summary["rouge_l"].spread is not None
    assert "stand-in physician reply" in str(manifest.settings["reply_note"])
    assert len(read_items(eval_home / "eval" / "runs" / "twice")) == 4


def test_cli_estimate_only_runs_nothing(
    eval_archive: Archive, eval_home: Path, tmp_path: Path
) -> None:
    args = ("--drafter", "llm", "--limit", "5", "--repeats", "2", "--estimate-only")
    done = cli(eval_home, tmp_path, *args, "--name", "estimate")
    assert done.returncode == 0, done.stderr
    assert "10 call(s)" in done.stdout and "characters / 4" in done.stdout
    assert not (eval_home / "eval" / "runs" / "estimate").exists()


def test_cli_bad_dataset_is_named(eval_archive: Archive, eval_home: Path, tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "set.jsonl", GOOD_ROW, {"id": "x:2", "question": "Why?"})
    done = cli(eval_home, tmp_path, "--dataset", str(path))
    assert done.returncode == 1
    assert "set.jsonl:2: field 'long_explanation'" in done.stderr
    assert "Traceback" not in done.stderr


def test_data_folder_is_the_repository_one() -> None:
    assert KQA_PATH.parent == DATA
