"""Re-judging a finished run's drafts without drafting again (real MiniLM, real judge)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.embeddings import MiniLMEmbedder
from assistant.evaluation.compare import load_run
from assistant.evaluation.judges import OfflineJudge
from assistant.evaluation.rescore import RescoreError, judged_text, legacy, rescore
from assistant.evaluation.results import ItemResult, StatementResult
from tests.test_eval_reports import AGREEMENT, write_run

DRAFT = (
    "Here is more about your question.\n"
    "What it is\n"
    "Lexapro is an antidepressant of the SSRI class [1]. It treats depression [1, 2].\n"
    "When to seek care\n"
    "Contact your doctor if you feel worse [2]."
)


def result(draft: str, statements: tuple[StatementResult, ...], **more: object) -> ItemResult:
    return ItemResult.model_validate(
        {"item_id": "kqa:0", "question": "?", "reference": "r", "draft": draft,
         "drafter": "composer", "model": "none", "statements": statements, **more}
    )  # fmt: skip


def test_judged_text_drops_headings_and_citations() -> None:
    assert judged_text(DRAFT) == (
        "Here is more about your question. Lexapro is an antidepressant of the SSRI class. "
        "It treats depression. Contact your doctor if you feel worse."
    )


def test_rescore_rejudges_the_stored_drafts_into_a_new_run(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    stale = (
        StatementResult(text="Lexapro is an SSRI antidepressant", kind="must_have",
                        label="neutral"),
        StatementResult(text="Lexapro cures broken bones", kind="must_have", label="entailment"),
    )  # fmt: skip
    metrics: dict[str, float | None] = {"comprehensiveness": 0.5, "hallucination": 0.0}
    metrics["rouge_l"] = 0.2
    item = result(DRAFT, stale, metrics=metrics)
    run = load_run(write_run(tmp_path / "runs" / "old", [item]))
    assert legacy(run)  # written before runs kept the text their judge read
    judge = OfflineJudge(embedder)
    out = rescore(run, judge, tmp_path / "runs" / "new", AGREEMENT)
    new = load_run(out)
    (again,) = new.items
    assert [s.label for s in again.statements] == ["entailment", "neutral"]
    assert again.metrics["comprehensiveness"] == 0.5 and again.metrics["rouge_l"] == 0.2
    assert again.draft == DRAFT
    assert new.manifest.judge == judge.name
    assert new.manifest.settings["rescored_from"] == "old"
    assert sorted(p.name for p in out.parent.iterdir()) == ["new", "old"]
    assert not list(out.parent.glob(".*partial"))
    with pytest.raises(RescoreError, match="exists already"):
        rescore(run, judge, out, AGREEMENT)


def test_rescore_reads_the_text_the_run_judged(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    """Not the connecting line the run's judge never read ("The archive holds no past answer
    on clobetasol" once made a similarity judge entail "Clobetasol is a corticosteroid")."""
    statement = StatementResult(text="Clobetasol is a corticosteroid", kind="must_have",
                                label="neutral")  # fmt: skip
    # a connecting line that reads like a fact: the run's judge did not read it
    draft = "Your question is about clobetasol. Clobetasol is a corticosteroid."
    item = result(draft, (statement,), judged="")
    run = load_run(write_run(tmp_path / "runs" / "old", [item]))
    assert not legacy(run)
    out = rescore(run, OfflineJudge(embedder), tmp_path / "runs" / "new", AGREEMENT)
    assert [s.label for s in load_run(out).items[0].statements] == ["neutral"]
