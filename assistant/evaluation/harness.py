"""The evaluation run: draft held-out questions with any drafter, judge and measure the drafts.

For each item (and repeat) the drafter gets the patient's question, with every evaluation
item's id excluded from retrieval; a draft that still shows an evaluation item among its
sources stops the run with :class:`LeakageError` (its scores would be inflated). The draft's
body, citations stripped, is judged against the reference's must-have and nice-to-have
statements in one ``judge()`` call per item, and measured against the reference answer (see
``results.METRICS``). A draft that fails is recorded with its error and the run goes on.

Results stream into ``items.jsonl`` as items finish; ``manifest.json`` (with the aggregate
metrics and their bootstrap intervals) is written atomically at the end.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from langchain_core.messages import BaseMessage
from rouge_score.rouge_scorer import RougeScorer

from assistant.checks import CheckReport, DraftChecker, OfflineSupportScorer
from assistant.checks.support import Embedder
from assistant.drafting import Draft, DraftRequest
from assistant.evaluation.dataset import EvalItem, EvalSet
from assistant.evaluation.judges import CallEstimate, Label, Pair, StatementJudge
from assistant.evaluation.results import (
    METRIC_NAMES,
    Agreement,
    Interval,
    ItemResult,
    RunManifest,
    StatementKind,
    StatementResult,
    write_manifest,
)
from assistant.evaluation.retrieval import evaluate, held_out_split
from assistant.evaluation.stats import bootstrap_interval, repeat_spread
from assistant.index import Archive
from assistant.knowledge.readability import measure
from assistant.pipeline import Pipeline
from assistant.retrieval import HybridRetriever
from assistant.text import split_sentences

ReplyMode = Literal["auto", "none", "lead"]
REPLY_NOTES: dict[ReplyMode, str] = {
    "auto": "the drafter gets the item's physician reply where the file has one "
    "(K-QA has none: drafts start from the question alone)",
    "none": "the drafter never gets a physician reply: drafts start from the question alone",
    "lead": "the drafter gets the reference answer's first sentence as a stand-in physician "
    "reply: drafts start from part of the reference, so scores are not comparable with runs "
    "without it",
}
RETRIEVAL_SYSTEM = "focus + ask, hybrid (RRF + MMR, default)"
CHARS_PER_TOKEN = 4
_CITATION = re.compile(r"(?<!\s)\s*+\[\d+(?:\s*+[,;]\s*+\d+)*+\]")  # linear: see drafting.parsing


class LeakageError(RuntimeError):
    """A draft used an evaluation item as a source: the run's scores would be inflated."""


class RunExists(FileExistsError):
    """The run directory already holds a run."""


# --- requests and leakage --------------------------------------------------------------------


def reply_for(item: EvalItem, mode: ReplyMode) -> str | None:
    """What the drafter is given as the physician's reply under ``mode``."""
    if mode == "none":
        return None
    if mode == "lead":
        first = split_sentences(item.reference)
        return first[0].strip() if first else None
    return item.reply


def build_request(item: EvalItem, exclude_ids: frozenset[str], mode: ReplyMode) -> DraftRequest:
    return DraftRequest(
        question=item.question,
        reply=reply_for(item, mode),
        title=item.title,
        exclude_ids=exclude_ids,
    )


def check_leakage(item_id: str, draft: Draft, evaluation_ids: frozenset[str]) -> None:
    """Raises :class:`LeakageError` when any source of ``draft`` is an evaluation item."""
    used = {s.record_id for s in draft.sources}
    used |= set(draft.provenance.source_ids)
    used |= {q.record_id for q in draft.similar_qa if q.record_id}
    leaked = sorted(used & evaluation_ids)
    if leaked:
        raise LeakageError(
            f"item {item_id}: the {draft.provenance.drafter} draft uses evaluation item(s) "
            f"{', '.join(leaked)} as sources although they were excluded: its scores would be "
            "inflated, so the run was stopped. Make the drafter (and its retriever) honour "
            "DraftRequest.exclude_ids"
        )


def indexed_ids(archive: Archive, ids: frozenset[str]) -> frozenset[str]:
    """Those of ``ids`` the index holds (each record's first chunk is ``{id}::0``): the only
    ones retrieval must be told to skip (a long exclusion list slows every query)."""
    wanted = sorted(ids)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        batch = wanted[start : start + 500]
        chunks = set(archive.vectors.fetch([f"{rid}::0" for rid in batch]))
        found.update(rid for rid in batch if f"{rid}::0" in chunks)
    return frozenset(found)


# --- metrics ---------------------------------------------------------------------------------


def plain_text(draft: Draft) -> str:
    """The draft's sentences as one text, citations stripped (what a patient would read)."""
    return " ".join(_CITATION.sub("", s.text).strip() for _, _, s in draft.sentences()).strip()


def judged_text(draft: Draft) -> str:
    """What the statement judge reads: the draft without the composer's connecting lines
    (origin "template": "Your question is about Saxenda", "The archive holds no past answer
    on clobetasol"), which state no medical fact but share the statements' names, so that a
    similarity judge took "The archive holds no past answer on clobetasol" to entail
    "Clobetasol is a corticosteroid". The red-flag escalation (a curated list) stays."""
    return " ".join(
        _CITATION.sub("", s.text).strip()
        for at, _, s in draft.sentences()
        if s.origin != "template" or draft.sections[at].kind == "escalation"
    ).strip()


def comprehensiveness(statements: Sequence[StatementResult]) -> float | None:
    """Share of must-have statements entailed; None when the item has none."""
    must = [s for s in statements if s.kind == "must_have"]
    return sum(s.label == "entailment" for s in must) / len(must) if must else None


def hallucination(statements: Sequence[StatementResult]) -> float | None:
    """Share of all statements contradicted; None when the item has none."""
    if not statements:
        return None
    return sum(s.label == "contradiction" for s in statements) / len(statements)


def citation_validity(draft: Draft) -> float | None:
    """Share of [n] citations naming a listed source; None when the draft cites nothing."""
    cited = [n for _, _, s in draft.sentences() for n in s.citations]
    if not cited:
        return None
    return sum(1 <= n <= len(draft.sources) for n in cited) / len(cited)


class DraftMetrics:
    """Everything in ``results.METRICS`` but the judged ones, for one draft and its reference."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.checker = DraftChecker(OfflineSupportScorer(embedder))
        self.rouge = RougeScorer(["rougeL"], use_stemmer=True)

    @property
    def description(self) -> dict[str, str]:
        return {
            "groundedness": f"DraftChecker with {self.checker.scorer.name}",
            "rouge_l": "rouge_score rougeL F1, Porter stemmer",
            "cosine": "MiniLM (all-MiniLM-L6-v2) cosine of unit vectors",
            "grade": "Flesch-Kincaid grade (textstat) of the draft's sentences",
            "length_ratio": "draft words / reference words (textstat lexicon count)",
        }

    def measure(
        self,
        draft: Draft,
        reference: str,
        statements: Sequence[StatementResult],
        report: CheckReport | None = None,
    ) -> dict[str, float | None]:
        """The metrics; ``report`` is the draft's checks when the pipeline already made them."""
        text = plain_text(draft)
        report = report or self.checker.check(draft)
        checked = [s for s in report.sentences if s.origin != "template"]
        reference_words = measure(reference).words
        values: dict[str, float | None] = {
            "comprehensiveness": comprehensiveness(statements),
            "hallucination": hallucination(statements),
            "groundedness": report.supported_share if checked else None,
            # a draft that does not say what was asked (a baseline) is not checked: n/a
            "answers_question": float(report.answers_question) if draft.asks else None,
            "citation_validity": citation_validity(draft),
            "rouge_l": self.rouge.score(reference, text)["rougeL"].fmeasure if text else 0.0,
            "cosine": self._cosine(text, reference) if text else 0.0,
            "grade": report.grade,
            "length_ratio": report.words / reference_words if reference_words else None,
        }
        assert tuple(values) == METRIC_NAMES
        return {k: None if v is None else round(float(v), 6) for k, v in values.items()}

    def _cosine(self, text: str, reference: str) -> float:
        vectors = self.embedder.embed([text, reference])
        return float(vectors[0] @ vectors[1])


def judge_statements(
    judge: StatementJudge, answer: str, item: EvalItem
) -> tuple[StatementResult, ...]:
    """All of an item's statements judged against ``answer`` in one call."""
    kinds: list[tuple[str, StatementKind]] = [(s, "must_have") for s in item.must_have or ()]
    kinds += [(s, "nice_to_have") for s in item.nice_to_have or ()]
    if not kinds:
        return ()
    labels: list[Label]
    if answer.strip():
        labels = judge.judge([Pair(answer, statement) for statement, _ in kinds])
        if len(labels) != len(kinds):
            raise ValueError(f"the judge gave {len(labels)} labels for {len(kinds)} statements")
    else:  # an empty answer states nothing: it neither entails nor contradicts
        labels = ["neutral"] * len(kinds)
    return tuple(
        StatementResult(text=s, kind=kind, label=label)
        for (s, kind), label in zip(kinds, labels, strict=True)
    )


# --- the run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunPlan:
    """What to run: the items (after ``limit``), and every id of the set to keep out."""

    run_id: str
    dataset: EvalSet
    items: tuple[EvalItem, ...]
    repeats: int = 1
    limit: int | None = None
    reply: ReplyMode = "auto"
    retrieval_holdout: int = 200
    settings: dict[str, object] = field(default_factory=dict)
    also_exclude: frozenset[str] = frozenset()  # e.g. the review store's approved pages

    @property
    def exclude_ids(self) -> frozenset[str]:
        return self.dataset.ids | self.also_exclude  # all of them, not only the items drafted


def plan_run(
    dataset: EvalSet,
    run_id: str,
    *,
    repeats: int = 1,
    limit: int | None = None,
    reply: ReplyMode = "auto",
    retrieval_holdout: int = 200,
    settings: dict[str, object] | None = None,
    also_exclude: frozenset[str] = frozenset(),
) -> RunPlan:
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, not {repeats}")
    items = dataset.items[:limit] if limit is not None else dataset.items
    return RunPlan(
        run_id,
        dataset,
        items,
        repeats,
        limit,
        reply,
        retrieval_holdout,
        dict(settings or {}),
        also_exclude,
    )


def default_run_id(dataset: EvalSet, drafter: str, now: datetime | None = None) -> str:
    """``20250301T091500Z-kqa-grounded-composer``: UTC time, dataset, drafter."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    name = dataset.name if dataset.name == "kqa" else dataset.path.name.split(".")[0]
    return "-".join(re.sub(r"[^A-Za-z0-9_.]+", "_", p).strip("_") for p in (stamp, name, drafter))


OnItem = Callable[[ItemResult], None]


class Harness:
    """Runs a plan with one drafter and one judge over an archive; see the module docstring."""

    def __init__(
        self,
        pipeline: Pipeline,
        judge: StatementJudge,
        archive: Archive,
        metrics: DraftMetrics | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.drafter = pipeline.drafter  # opened now: a model that cannot start stops the run
        self.judge = judge
        self.archive = archive
        self.metrics = metrics or DraftMetrics(archive.embedder)

    def run(
        self,
        plan: RunPlan,
        run_dir: Path,
        agreement: Agreement | None = None,
        on_item: OnItem | None = None,
    ) -> RunManifest:
        if (run_dir / "manifest.json").exists() or (run_dir / "items.jsonl").exists():
            raise RunExists(f"{run_dir} already holds a run: choose another --name")
        started = time.perf_counter()
        indexed = indexed_ids(self.archive, plan.exclude_ids)
        results: list[ItemResult] = []
        run_dir.mkdir(parents=True, exist_ok=True)
        with (run_dir / "items.jsonl").open("w", encoding="utf-8") as out:
            for repeat in range(plan.repeats):
                for item in plan.items:
                    result = self.item(item, repeat, plan, indexed)
                    out.write(result.model_dump_json() + "\n")
                    out.flush()
                    results.append(result)
                    if on_item:
                        on_item(result)
        rows, note = retrieval_quality(self.archive, plan.retrieval_holdout)
        settings: dict[str, object] = {
            "reply": plan.reply,
            "reply_note": REPLY_NOTES[plan.reply],
            "excluded_from_retrieval": len(plan.exclude_ids),
            "dataset_items": len(plan.dataset.items),
            "metrics": self.metrics.description,
            "aggregation": "mean over items (each item's repeats averaged first), "
            "95% percentile bootstrap over items; failed drafts are left out",
            **plan.settings,
        }
        if note:
            settings["retrieval_note"] = note
        models = dict.fromkeys(r.model for r in results if r.error is None)
        manifest = RunManifest(
            run_id=plan.run_id,
            dataset=plan.dataset.name,
            dataset_sha256=plan.dataset.sha256,
            items=len(plan.items),
            repeats=plan.repeats,
            limit=plan.limit,
            drafter=self.drafter.name,
            model=", ".join(models) or "unknown (every draft failed)",
            judge=self.judge.name,
            agreement=agreement,
            excluded_ids=len(indexed),
            settings=settings,
            summary=summarize(results, plan.repeats),
            retrieval=rows,
            failed=sum(r.error is not None for r in results),
            seconds=round(time.perf_counter() - started, 3),
        )
        write_manifest(run_dir, manifest)
        return manifest

    def item(
        self, item: EvalItem, repeat: int, plan: RunPlan, indexed: frozenset[str] | None = None
    ) -> ItemResult:
        """One item, one repeat; drafting and judging failures are recorded, not raised
        (leakage is raised). Retrieval skips ``indexed`` (the evaluation ids the index holds;
        default: all of them); the leakage check covers every evaluation id."""
        started = time.perf_counter()
        result = ItemResult(
            item_id=item.id,
            repeat=repeat,
            question=item.question,
            reply=reply_for(item, plan.reply),
            reference=item.reference,
            draft="",
            drafter=self.drafter.name,
            model="unknown",
        )
        try:
            keep_out = plan.exclude_ids if indexed is None else indexed
            checked = self.pipeline.draft(build_request(item, keep_out, plan.reply))
        except Exception as exc:  # a failed draft is a result, not a stop
            return _failed(result, f"drafting failed: {type(exc).__name__}: {exc}", started)
        draft = checked.draft
        check_leakage(item.id, draft, plan.exclude_ids)
        usage = draft.provenance.usage
        result = result.model_copy(
            update={
                "draft": draft.body_text(),
                "model": draft.provenance.model,
                "source_ids": tuple(s.record_id for s in draft.sources),
                "tokens": usage.total_tokens if usage else 0,
            }
        )
        judged = judged_text(draft)
        result = result.model_copy(update={"judged": judged})
        try:
            statements = judge_statements(self.judge, judged, item)
            metrics = self.metrics.measure(draft, item.reference, statements, checked.report)
        except Exception as exc:  # a failed judgement fails this item only
            return _failed(result, f"judging failed: {type(exc).__name__}: {exc}", started)
        return result.model_copy(
            update={
                "statements": statements,
                "metrics": metrics,
                "seconds": round(time.perf_counter() - started, 3),
            }
        )


def _failed(result: ItemResult, error: str, started: float) -> ItemResult:
    seconds = round(time.perf_counter() - started, 3)
    return result.model_copy(update={"error": error, "seconds": seconds})


def summarize(results: Sequence[ItemResult], repeats: int) -> dict[str, Interval]:
    """Each metric's mean over items with its bootstrap interval, and with repeats the
    standard deviation of the per-repeat means."""
    ok = [r for r in results if r.error is None]
    summary: dict[str, Interval] = {}
    for name in METRIC_NAMES:
        per_item: dict[str, list[float]] = {}
        per_repeat: dict[int, list[float]] = {}
        for r in ok:
            value = r.metrics.get(name)
            if value is not None:
                per_item.setdefault(r.item_id, []).append(value)
                per_repeat.setdefault(r.repeat, []).append(value)
        means = [sum(v) / len(v) for _, v in sorted(per_repeat.items())]
        spread = repeat_spread(means) if repeats > 1 else None
        interval = bootstrap_interval([sum(v) / len(v) for v in per_item.values()], spread=spread)
        if interval is not None:
            summary[name] = interval
    return summary


def retrieval_quality(
    archive: Archive, holdout: int, seed: int = 13
) -> tuple[list[dict[str, float | str]], str | None]:
    """Recall@k and MRR of the default retriever on held-out MedQuAD, or a note why not."""
    if holdout < 1:
        return [], "retrieval quality skipped (--retrieval-holdout 0)"
    items = held_out_split(archive, holdout, seed)
    if not items:
        return [], "retrieval quality skipped: no MedQuAD records with a shared focus are indexed"
    row = evaluate(RETRIEVAL_SYSTEM, HybridRetriever(archive), items)
    return [
        {
            "system": row.system,
            "held_out": float(len(items)),
            "recall_at_5": row.recall_at_5,
            "recall_at_10": row.recall_at_10,
            "mrr_at_10": row.mrr_at_10,
            "hit_at_10": row.hit_at_10,
            "ms_per_query": row.ms_per_query,
        }
    ], None


# --- what a run will cost ---------------------------------------------------------------------


@dataclass(frozen=True)
class DraftingEstimate:
    calls: int
    prompt_tokens: int  # ≈ characters / 4 of the rendered prompts
    max_completion_tokens: int  # the model's token cap per call, times calls


def estimate_drafting(
    plan: RunPlan,
    render: Callable[[DraftRequest], Sequence[BaseMessage]],
    max_tokens: int,
    on_item: Callable[[], None] | None = None,
) -> DraftingEstimate:
    """LLM drafting cost: one call per item and repeat; prompt tokens ≈ characters / 4 of the
    messages the drafter would send (``render``: :meth:`LLMDrafter.messages`: the question,
    the reply, the plan, the sources and the instructions), without calling the model."""
    chars = 0
    for item in plan.items:
        messages = render(build_request(item, plan.exclude_ids, plan.reply))
        chars += sum(len(str(m.content)) for m in messages)
        if on_item:
            on_item()
    calls = len(plan.items) * plan.repeats
    return DraftingEstimate(calls, chars * plan.repeats // CHARS_PER_TOKEN, calls * max_tokens)


def estimate_judging(plan: RunPlan, judge: StatementJudge) -> tuple[CallEstimate, int]:
    """The judge's own estimate for every (item, statement) pair of every repeat. Answers are
    not known before drafting, so each pair stands in the reference answer (about a draft's
    length) for it: the count is for uncached judgements."""
    pairs = [
        Pair(item.reference, statement)
        for item in plan.items
        for statement in (*(item.must_have or ()), *(item.nice_to_have or ()))
    ]
    once = judge.estimate(pairs)
    times = plan.repeats
    scaled = CallEstimate(
        calls=once.calls * times,
        cached=once.cached * times,
        prompt_tokens=once.prompt_tokens * times,
        completion_tokens=once.completion_tokens * times,
    )
    return scaled, len(pairs) * times
