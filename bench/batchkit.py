"""What the batch benchmarks (``bench_batch``, ``bench_batch_crash``) share: the index they read
and the review store they write, the batch input and its validation, and one in-process
``BatchRunner`` run, timed. Not a benchmark itself.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.batch import BatchRow, BatchRunner, InputReport, Outcome, validate
from assistant.checks import DraftChecker
from assistant.config import Settings
from assistant.drafting import Drafter
from assistant.index import Archive
from assistant.pipeline import Pipeline
from assistant.review.store import ReviewStore
from bench.common import DATA, bench_settings

KQA = DATA / "kqa_patient_questions.jsonl"


def add_input_arguments(parser: argparse.ArgumentParser, limit_help: str) -> None:
    """``--home``, ``--input`` and ``--limit``: which index, which batch input, how much of it."""
    parser.add_argument("--home", type=Path, default=None, help="ASSISTANT_HOME with an index")
    parser.add_argument("--input", type=Path, default=KQA, help="a batch input (.jsonl, .csv)")
    parser.add_argument("--limit", type=int, default=None, help=limit_help)


def index_settings(home: Path | None, database: Path) -> Settings:
    """The index at ``home`` (default: the benchmarks' one), with a review store of its own."""
    base = bench_settings() if home is None else Settings().model_copy(update={"home": home})
    return with_store(base.model_copy(update={"home": base.home.resolve()}), database)


def with_store(settings: Settings, database: Path) -> Settings:
    """The same settings with a review store (SQLite) at ``database``."""
    return settings.model_copy(update={"database_url": f"sqlite:///{database.resolve()}"})


def open_index(settings: Settings) -> Archive:
    archive = Archive(settings)
    if archive.vectors.count() == 0:
        raise SystemExit(
            f"{settings.home} has no index: run `python -m bench.bench_ingest` (the benchmarks' "
            "full corpus), or point --home at an ASSISTANT_HOME with an index."
        )
    return archive


def input_file(source: Path, limit: int | None, folder: Path) -> Path:
    """``source``, or a copy of its first ``limit`` lines."""
    if limit is None:
        return source
    lines = source.read_text(encoding="utf-8").splitlines()[:limit]
    copy = folder / f"first-{limit}{source.suffix}"
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy


def validated(path: Path) -> InputReport:
    report = validate(path)
    if report.fatal:
        problems = "; ".join(i.message for i in report.issues if i.fatal)
        raise SystemExit(f"{path}: {problems}")
    return report


def per_minute(count: int, seconds: float) -> float:
    return 60 * count / seconds if seconds else 0.0


@dataclass
class BatchRun:
    """One ``BatchRunner.run``: its outcomes (skipped rows aside) and when each one came."""

    concurrency: int
    wall_s: float = 0.0
    outcomes: list[Outcome] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)  # seconds between finished items

    @property
    def ok(self) -> int:
        return sum(o.status == "ok" for o in self.outcomes)

    @property
    def failed(self) -> int:
        return sum(o.status == "failed" for o in self.outcomes)

    @property
    def flagged(self) -> int:
        return sum(o.flags > 0 for o in self.outcomes)

    @property
    def tokens(self) -> int:
        return sum(o.tokens for o in self.outcomes)

    @property
    def rate(self) -> float:
        return per_minute(self.ok, self.wall_s)


def run_batch(
    out: Path,
    drafter: Drafter,
    checker: DraftChecker,
    store: ReviewStore,
    report: InputReport,
    rows: list[BatchRow],
    concurrency: int,
) -> BatchRun:
    """What ``assistant batch`` does, in-process: plan, log the skipped rows, run."""
    result = BatchRun(concurrency)
    marks: list[float] = []

    def record(outcome: Outcome) -> None:  # called on this thread, one item at a time
        if outcome.status != "skipped":
            result.outcomes.append(outcome)
            marks.append(time.perf_counter())

    pipeline = Pipeline.around(drafter, checker)
    runner = BatchRunner(out, pipeline, store, None, concurrency, record)
    started = time.perf_counter()
    try:
        todo = runner.plan(rows, resume=False, retry_failed=False)
        for issue in report.issues:
            if issue.row is not None:
                runner.skip(issue.row, issue.message)
        runner.run(todo)
    finally:
        runner.close()
    result.wall_s = time.perf_counter() - started
    result.gaps = np.diff([started, *marks]).tolist()
    return result
