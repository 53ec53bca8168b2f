"""Re-judging a finished run's drafts with another judge, without drafting again.

A run keeps each draft's text (``ItemResult.draft``: headings on their own lines, sentences
with ``[n]`` citations), the text its judge read (``ItemResult.judged``) and its K-QA
statements. :func:`rescore` judges the statements again against that same text,
recomputes the two judge-decided metrics (comprehensiveness, hallucination) and writes a new
run beside the old one: the other metrics, the drafts and the retrieval figures are copied.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from assistant.evaluation.compare import Run
from assistant.evaluation.harness import comprehensiveness, hallucination, summarize
from assistant.evaluation.judges import Pair, StatementJudge
from assistant.evaluation.results import Agreement, ItemResult, StatementResult, write_manifest

_CITATION = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")
_SENTENCE_END = re.compile(r"[.!?:;\"')\]]\s*$")


class RescoreError(ValueError):
    """The run cannot be rescored; the message names it and what to do."""


def judged_text(draft: str) -> str:
    """The draft's sentences as the harness judged them: heading lines (no closing
    punctuation) and ``[n]`` citations left out."""
    lines = [line.strip() for line in draft.splitlines() if line.strip()]
    kept = [line for line in lines if _SENTENCE_END.search(line)]
    return " ".join(_CITATION.sub("", line) for line in kept).strip()


def rescore_item(judge: StatementJudge, result: ItemResult) -> ItemResult:
    """One item's statements judged again against the text the run's judge read (in a run
    written before that was kept, the draft without headings: see :func:`legacy`), and its
    two judge-decided metrics."""
    if result.error is not None or not result.statements:
        return result
    answer = result.judged if result.judged is not None else judged_text(result.draft)
    if answer:
        labels = judge.judge([Pair(answer, s.text) for s in result.statements])
    else:
        labels = ["neutral"] * len(result.statements)
    statements = tuple(
        StatementResult(text=s.text, kind=s.kind, label=label)
        for s, label in zip(result.statements, labels, strict=True)
    )
    judged = {"comprehensiveness": comprehensiveness(statements),
              "hallucination": hallucination(statements)}  # fmt: skip
    metrics = {
        **result.metrics,
        **{k: None if v is None else round(v, 6) for k, v in judged.items()},  # as the harness
    }
    return result.model_copy(update={"statements": statements, "metrics": metrics})


def legacy(run: Run) -> bool:
    """Whether ``run`` was written before its items kept the text the judge read: its drafts
    are then judged with the composer's connecting lines ("Your question is about …"), which
    the run's own judge did not read, so a few labels differ from the run's for that alone."""
    return any(r.judged is None and r.error is None and r.statements for r in run.items)


def rescore(
    run: Run,
    judge: StatementJudge,
    out: Path,
    agreement: Agreement | None,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Writes ``out`` (a new run directory): ``run`` re-judged by ``judge``."""
    if out.exists():
        raise RescoreError(f"{out} exists already: name another run with --name")
    items = []
    for result in run.items:
        items.append(rescore_item(judge, result))
        if progress is not None:
            progress(1)
    manifest = run.manifest.model_copy(
        update={
            "run_id": out.name,
            "created_at": datetime.now(UTC),
            "judge": judge.name,
            "agreement": agreement,
            "summary": summarize(items, run.manifest.repeats),
            "settings": {**run.manifest.settings, "rescored_from": run.manifest.run_id},
        }
    )
    partial = out.with_name(f".{out.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    lines = "".join(r.model_dump_json() + "\n" for r in items)
    (partial / "items.jsonl").write_text(lines, encoding="utf-8")
    write_manifest(partial, manifest)
    partial.rename(out)
    return out
