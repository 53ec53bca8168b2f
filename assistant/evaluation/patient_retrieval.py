"""Retrieval quality on real patient questions, judged against the physicians' answers.

MedQuAD's own questions are easy to search for ("What are the treatments for Gout?" finds
the other gout records by its words alone). Real patient questions are long and personal
and ask several things at once. This table uses K-QA's answered questions: a record is
**relevant** to a question when the judge finds that its answer entails at least one of
the physician's must-have statements, i.e. it says something the physician's answer had
to say.

Judging every record for every question is too slow, so relevance is judged over the
*pool* (the union of every compared system's top 10), as TREC does; a record no system
returns is not judged and counts as not relevant. Only the sentences of a record that share
a content word with the statements (and their neighbours) are judged.

Reported per system: MRR@10 (reciprocal rank of the first relevant record), hit@10,
precision@5, statement recall@10 (the share of must-have statements that some top-10 record
entails: how much of the physician's answer the sources hold) and ms/query.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant.corpus.record import Record
from assistant.evaluation.dataset import EvalItem
from assistant.evaluation.judges.protocol import Pair, StatementJudge
from assistant.index import Archive
from assistant.retrieval import Retriever
from assistant.text import split_sentences
from assistant.understanding import key_of

K = 10


@dataclass(frozen=True)
class PatientRow:
    system: str
    mrr_at_10: float
    hit_at_10: float
    precision_at_5: float
    statement_recall_at_10: float
    ms_per_query: float


class PooledJudge:
    """Which must-have statements a record's answer entails, judged once per pair."""

    def __init__(self, archive: Archive, judge: StatementJudge) -> None:
        self.archive = archive
        self.judge = judge
        self._entailed: dict[tuple[str, str], frozenset[int]] = {}

    def entailed(self, item: EvalItem, record_ids: Sequence[str]) -> dict[str, frozenset[int]]:
        """For each record, the indices of ``item``'s must-have statements its answer entails."""
        todo = [r for r in dict.fromkeys(record_ids) if (item.id, r) not in self._entailed]
        statements = item.must_have or ()
        records = self.archive.records(todo)
        wanted = set().union(*(_words(s) for s in statements))
        pairs = [
            (rid, i, Pair(_answer(records[rid], wanted), s))
            for rid in todo
            if rid in records
            for i, s in enumerate(statements)
        ]
        labels = self.judge.judge([p for _, _, p in pairs])
        found: dict[str, set[int]] = {rid: set() for rid in todo}
        for (rid, i, _), label in zip(pairs, labels, strict=True):
            if label == "entailment":
                found[rid].add(i)
        for rid, entailed in found.items():
            self._entailed[(item.id, rid)] = frozenset(entailed)
        return {rid: self._entailed[(item.id, rid)] for rid in record_ids}


def evaluate_patients(
    systems: Mapping[str, Retriever],
    items: Sequence[EvalItem],
    judge: PooledJudge,
    on_step: Callable[[], None] | None = None,
) -> list[PatientRow]:
    """Every system searches every item; then the pool is judged and each system scored.
    ``on_step`` is called (len(systems) + 1) times per item with must-have statements."""
    items = [item for item in items if item.must_have]
    ranked: dict[str, dict[str, tuple[str, ...]]] = {}
    seconds: dict[str, float] = {}
    step = on_step or (lambda: None)
    for name, retriever in systems.items():
        ranked[name] = {}
        started = time.perf_counter()
        for item in items:
            ranked[name][item.id] = tuple(s.record_id for s in retriever.search(item.question, K))
            step()
        seconds[name] = time.perf_counter() - started
    judged = {}
    for item in items:
        judged[item.id] = judge.entailed(item, [r for run in ranked.values() for r in run[item.id]])
        step()
    rows = []
    for name, runs in ranked.items():
        mrr = hits = precision = recall = 0.0
        for item in items:
            entailed = [judged[item.id][rid] for rid in runs[item.id]]
            first = next((i for i, found in enumerate(entailed) if found), None)
            mrr += 0.0 if first is None else 1.0 / (first + 1)
            hits += first is not None
            precision += sum(bool(found) for found in entailed[:5]) / 5
            recall += len(set().union(*entailed)) / len(item.must_have or ())
        n = max(len(items), 1)
        rows.append(
            PatientRow(name, mrr / n, hits / n, precision / n, recall / n, 1000 * seconds[name] / n)
        )
    return rows


def to_markdown(rows: Sequence[PatientRow], items: int, records: int) -> str:
    lines = [
        f"Real patient questions: {items} K-QA questions answered by physicians. Relevant = a "
        "record whose answer the offline judge finds entails at least one of the physician's "
        "must-have statements, judged over the pool of every system's top 10. "
        f"Index: {records:,} records.",
        "",
        "| system | MRR@10 | hit@10 | precision@5 | statement recall@10 | ms/query |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r.system} | {r.mrr_at_10:.3f} | {r.hit_at_10:.3f} | {r.precision_at_5:.3f} "
        f"| {r.statement_recall_at_10:.3f} | {r.ms_per_query:.1f} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def _answer(record: Record, wanted: set[str]) -> str:
    """The record's answer, cut to the sentences that share a word with the statements and
    their neighbours: a sentence with no word in common does not reach the judge's
    similarity, and embedding every sentence of long pages makes judging the pool slow."""
    text = "\n".join(t for t in (record.reply, record.long_explanation) if t)
    sentences = split_sentences(text)
    near = {i for i, s in enumerate(sentences) if _words(s) & wanted}
    kept = sorted({j for i in near for j in (i - 1, i, i + 1) if 0 <= j < len(sentences)})
    return " ".join(sentences[j] for j in kept)


def _words(text: str) -> set[str]:
    """Stemmed words of five letters or more (the content words, roughly)."""
    return {w for w in key_of(text).split() if len(w) >= 5}
