"""Retrieval quality measurement: the held-out split, the metrics, and the leak guard."""

from __future__ import annotations

import pytest

from assistant.corpus import Record
from assistant.evaluation.dataset import EvalItem
from assistant.evaluation.judges.offline import OfflineJudge
from assistant.evaluation.patient_retrieval import PooledJudge, evaluate_patients
from assistant.evaluation.patient_retrieval import to_markdown as patient_to_markdown
from assistant.evaluation.retrieval import HeldOut, evaluate, held_out_split, systems, to_markdown
from assistant.index import Archive
from assistant.retrieval import Filters, HybridRetriever, Source
from assistant.text import split_sentences


def test_held_out_split_is_reproducible_and_never_relevant_to_itself(archive: Archive) -> None:
    items = held_out_split(archive, size=30, seed=1)
    assert len(items) == 30
    assert items == held_out_split(archive, size=30, seed=1)
    assert items != held_out_split(archive, size=30, seed=2)
    for item in items:
        assert item.relevant and item.record_id not in item.relevant
        assert all(rid.startswith("medquad:") for rid in item.relevant)


def test_metrics_on_the_sample(archive: Archive) -> None:
    items = held_out_split(archive, size=25, seed=3)
    rows = [evaluate(name, r, items) for name, r in systems(archive).items()]
    for row in rows:
        for value in (row.recall_at_5, row.recall_at_10, row.mrr_at_10, row.hit_at_10):
            assert 0.0 <= value <= 1.0
        assert row.recall_at_5 <= row.recall_at_10
        assert row.hit_at_10 >= row.mrr_at_10
    # on a small index every system finds a same-focus record for most questions
    assert all(row.hit_at_10 > 0.6 for row in rows)
    table = to_markdown(rows, len(items), 100, 400)
    assert table.count("\n| ") == 2 + len(rows) and "recall@10" in table


class FakeLeakyRetriever:
    """Ignores exclude_ids: the harness must refuse its results."""

    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Source]:
        return [Source(rank=1, record_id="medquad:x", score=1.0, passages=())]


def test_a_leak_is_refused() -> None:
    item = HeldOut("medquad:x", "What is X?", frozenset({"medquad:y"}))
    with pytest.raises(AssertionError, match="leaked"):
        evaluate("leaky", FakeLeakyRetriever(), [item])


class FakePerfectRetriever:
    def search(self, query: str, k: int = 5, filters: Filters | None = None) -> list[Source]:
        return [Source(rank=i + 1, record_id=f"r{i}", score=1.0, passages=()) for i in range(k)]


def test_metric_arithmetic() -> None:
    # relevant r1 (rank 2) and r7 (rank 8), plus one never retrieved
    item = HeldOut("q", "?", frozenset({"r1", "r7", "zz"}))
    row = evaluate("perfect-ish", FakePerfectRetriever(), [item])
    assert row.recall_at_5 == pytest.approx(1 / 3)
    assert row.recall_at_10 == pytest.approx(2 / 3)
    assert row.mrr_at_10 == pytest.approx(1 / 2)
    assert row.hit_at_10 == 1.0


def test_patient_questions_are_judged_against_the_physicians_statements(
    archive: Archive, medquad_sample: list[Record]
) -> None:
    treatment = next(
        r for r in medquad_sample if r.focus == "Proctitis" and r.question_type == "treatment"
    )
    stated = split_sentences(treatment.long_explanation or "")[0]
    answerable = EvalItem(
        id="p:1",
        question="My GP thinks I have proctitis. What can be done about it, is there medicine?",
        reply=None,
        reference=stated,
        must_have=(stated, "Proctitis is caused by eating too much chocolate on Tuesdays."),
    )
    unanswerable = EvalItem(
        id="p:2",
        question="Can I take my grandmother's hearing aid on a plane to Lisbon?",
        reply=None,
        reference="Yes.",
        must_have=("Hearing aids are allowed in cabin luggage on flights to Portugal.",),
    )
    judge = PooledJudge(archive, OfflineJudge(archive.embedder))
    steps: list[int] = []
    compared = {
        "focused": HybridRetriever(archive),
        "dense": HybridRetriever(archive, mode="dense"),
    }
    rows = evaluate_patients(compared, [answerable, unanswerable], judge, lambda: steps.append(1))
    assert len(steps) == 2 * (len(compared) + 1)
    for row in rows:
        assert row.hit_at_10 == 0.5  # the first question's treatment answer, not the second's
        assert 0 < row.mrr_at_10 <= 0.5
        assert row.statement_recall_at_10 == 0.25  # one of two statements, then none of one
    assert judge.entailed(answerable, [treatment.id]) == {treatment.id: frozenset({0})}
    table = patient_to_markdown(rows, 2, 241)
    assert table.count("\n| ") == 2 + len(rows) and "statement recall@10" in table
