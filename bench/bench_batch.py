"""Batches of explainer articles, measured side by side in one run (``--part``):

  * composer: articles per minute of ``BatchRunner`` with the grounded composer over the K-QA
    patient questions (1,212 rows), into a fresh output folder and a fresh review store, next
    to the bare drafter (the same drafter's ``draft()`` + checks, no runner, queue or files) on
    a sample measured half before and half after the batch: the ratio is the runner's cost;
  * llm: the local llama.cpp server with the small demo model (or ASSISTANT_LLM_BASE_URL): its
    own rate for N sequential raw ``openai`` requests with the very messages the
    explainer-article drafter sends (temperature 0, same max_tokens; half before and half after
    the batches), then the batch of the same N rows at concurrency 1, 2 and 4, each as a ratio
    to that raw rate; beside each batch, the raw requests sent as many at a time, which shows
    what the server itself does with concurrent requests (llama-cpp-python's answers one at a
    time);
  * crash: ``assistant batch`` as a subprocess, SIGKILLed after ``--kill-after`` articles,
    then run again with ``--resume``: no article or queue entry twice, nothing lost, nothing
    done before the kill redone. Exits 1 if a check fails.

Uses an existing index (``--home``, default: the benchmarks' full-corpus index
``$ASSISTANT_HOME/bench``) read-only; review stores and outputs live in a temporary folder.
Run from the repository root:
``python -m bench.bench_batch [--part all] [--home DIR] [--limit N] [--n 8] [--kill-after 300]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openai
from openai.types.chat import (
    ChatCompletionMessageParam,
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
)
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.batch import (
    BatchRow,
    BatchRunner,
    ExplainerDrafter,
    InputReport,
    Outcome,
    open_article_drafter,
    validate,
)
from assistant.batch.article import request_for
from assistant.batch.runner import ORIGIN
from assistant.checks import DISCLAIMER, DraftChecker, OfflineSupportScorer
from assistant.config import Settings
from assistant.drafting import Drafter
from assistant.drafting.common import SOURCES, retrieve
from assistant.index import Archive
from assistant.llm import LLMUnavailable
from assistant.llm.local import ensure_llm
from assistant.review.database import make_engine
from assistant.review.models import Question, Version
from assistant.review.store import ReviewStore
from bench.common import DATA, REPO, bench_settings, pct

PARTS = ("composer", "llm", "crash")
KQA = DATA / "kqa_patient_questions.jsonl"
WARM_UP = 5  # composer drafts before anything is timed
POLL_S = 0.02  # how often the crash part looks at the killed run's state


# -- shared ---------------------------------------------------------------------------------


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

    runner = BatchRunner(out, drafter, checker, store, None, concurrency, record)
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


# -- composer -------------------------------------------------------------------------------


def bare_drafts(drafter: Drafter, checker: DraftChecker, rows: list[BatchRow]) -> list[float]:
    """Seconds per article of the drafter alone: what a runner's worker does, nothing else."""
    seconds = []
    for row in rows:
        started = time.perf_counter()
        draft = drafter.draft(request_for(row))
        checker.check(draft.model_copy(update={"disclaimer": DISCLAIMER}))
        seconds.append(time.perf_counter() - started)
    return seconds


def composer(args: argparse.Namespace, console: Console) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as folder:
        work = Path(folder)
        source = input_file(args.input, args.limit, work)
        settings = index_settings(args.home, work / "review.sqlite3")
        archive = open_index(settings)
        report = validated(source)
        checker = DraftChecker(OfflineSupportScorer(archive.embedder))
        sample = random.Random(args.seed).sample(report.rows, min(args.sample, len(report.rows)))
        half = len(sample) // 2
        console.print(
            f"Composer batch: {len(report.rows):,} rows of {source.name} on {settings.home} "
            f"({archive.vectors.count():,} chunks), {args.concurrency} at a time; bare drafter "
            f"on {len(sample)} of them, half before and half after…"
        )
        store = ReviewStore.open(settings)
        try:
            with open_article_drafter(settings, archive, "composer") as drafter:
                bare_drafts(drafter, checker, report.rows[:WARM_UP])
                bare = bare_drafts(drafter, checker, sample[:half])
                run = run_batch(
                    work / "out", drafter, checker, store, report, report.rows, args.concurrency
                )
                bare += bare_drafts(drafter, checker, sample[half:])
        finally:
            store.close()

    table = Table(title=f"BatchRunner, grounded composer, in-process ({source.name})")
    for column in ("rows read", "skipped", "articles", "failed", "flagged", "wall s"):
        table.add_column(column, justify="right")
    for column in ("articles/min", "p50 s/article", "p95 s/article"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{report.total:,}",
        f"{len(report.skipped_rows):,}",
        f"{run.ok:,}",
        f"{run.failed:,}",
        f"{run.flagged:,}",
        f"{run.wall_s:.1f}",
        f"{run.rate:.1f}",
        f"{pct(run.gaps, 50):.3f}" if run.gaps else "",
        f"{pct(run.gaps, 95):.3f}" if run.gaps else "",
    )
    console.print(table)

    bare_rate = per_minute(len(bare), sum(bare))
    side = Table(title="Runner vs the bare drafter (same drafter, same checks)")
    for column in ("", "articles", "articles/min", "p50 s", "p95 s", "vs bare"):
        side.add_column(column, justify="left" if not column else "right")
    drafting = [o.seconds for o in run.outcomes if o.status == "ok"]
    rows: list[tuple[str, int, float, list[float]]] = [
        ("BatchRunner (+ queue, files, state, log): wall per article", run.ok, run.rate, run.gaps),
        (
            "  of which drafting + checks on the worker",
            len(drafting),
            per_minute(len(drafting), sum(drafting)),
            drafting,
        ),
        ("bare drafter.draft() + checks", len(bare), bare_rate, bare),
    ]
    for name, count, rate, seconds in rows:
        side.add_row(
            name,
            f"{count:,}",
            f"{rate:.1f}",
            f"{pct(seconds, 50):.3f}" if seconds else "",
            f"{pct(seconds, 95):.3f}" if seconds else "",
            f"{rate / bare_rate:.2f}x" if bare_rate else "",
        )
    console.print(side)
    if bare_rate:
        console.print(
            f"runner articles/min ÷ bare drafter articles/min: {run.rate / bare_rate:.2f} "
            f"(runner overhead {100 * (bare_rate / run.rate - 1):+.1f} % time per article)"
            if run.rate
            else "the runner finished no article"
        )


# -- llm ------------------------------------------------------------------------------------


def messages_for(drafter: ExplainerDrafter, row: BatchRow) -> list[ChatCompletionMessageParam]:
    """The chat messages the explainer-article drafter sends for ``row``."""
    request = request_for(row)
    sources = retrieve(drafter.retriever, request)[:SOURCES]
    prompt = drafter.expand if request.reply else drafter.answer
    messages: list[ChatCompletionMessageParam] = []
    for m in prompt.messages(**drafter.variables(prompt, request, sources)):
        if m.type == "system":
            messages.append(ChatCompletionSystemMessageParam(role="system", content=str(m.content)))
        else:
            messages.append(ChatCompletionUserMessageParam(role="user", content=str(m.content)))
    return messages


@dataclass(frozen=True)
class RawRun:
    concurrency: int
    wall_s: float
    seconds: list[float]
    completion_tokens: int
    total_tokens: int

    @property
    def rate(self) -> float:
        return per_minute(len(self.seconds), self.wall_s)

    def __add__(self, other: RawRun) -> RawRun:
        return RawRun(
            self.concurrency,
            self.wall_s + other.wall_s,
            self.seconds + other.seconds,
            self.completion_tokens + other.completion_tokens,
            self.total_tokens + other.total_tokens,
        )


def raw_requests(
    client: openai.OpenAI,
    settings: Settings,
    prompts: list[list[ChatCompletionMessageParam]],
    concurrency: int,
) -> RawRun:
    """The server alone: one chat completion per prompt, ``concurrency`` in flight."""

    def one(messages: list[ChatCompletionMessageParam]) -> tuple[float, int, int]:
        started = time.perf_counter()
        answer = client.chat.completions.create(
            model=settings.llm_model,
            messages=messages,
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
        )
        usage = answer.usage
        done = time.perf_counter() - started
        return done, usage.completion_tokens if usage else 0, usage.total_tokens if usage else 0

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, prompts))
    wall = time.perf_counter() - started
    return RawRun(
        concurrency,
        wall,
        [r[0] for r in results],
        sum(r[1] for r in results),
        sum(r[2] for r in results),
    )


def forget(
    client: openai.OpenAI, settings: Settings, prompt: list[ChatCompletionMessageParam]
) -> None:
    """Leaves the server's cache holding only the system prompt before a timed run.

    llama.cpp keeps the previous request's tokens and evaluates only what differs: a run that
    began with the prompt the run before ended with would skip that prompt's evaluation. After
    this short request, each run's first request shares only the system prompt with the one
    before it, as every other request of a run does.
    """
    client.chat.completions.create(
        model=settings.llm_model,
        messages=[prompt[0], ChatCompletionUserMessageParam(role="user", content="Hello.")],
        temperature=settings.llm_temperature,
        max_tokens=1,
    )


def llm(args: argparse.Namespace, console: Console) -> None:
    levels = sorted({int(c) for c in args.levels.split(",")})
    if levels[0] < 1:
        raise SystemExit(f"--levels {args.levels}: concurrencies are 1 or more")
    with tempfile.TemporaryDirectory(prefix="bench-batch-llm-") as folder:
        work = Path(folder)
        settings = index_settings(args.home, work / "review.sqlite3")
        settings = settings.model_copy(
            update={
                "llm_temperature": 0.0,  # raw requests and the drafter generate the same tokens
                "llm_max_tokens": args.max_tokens or settings.llm_max_tokens,
            }
        )
        archive = open_index(settings)
        report = validated(args.input)
        chosen = report.rows[: args.n + 1]  # the first one warms up, untimed
        if len(chosen) < 2:
            raise SystemExit(f"{args.input}: fewer than 2 valid rows")
        warm, rows = chosen[0], chosen[1:]
        sub = InputReport(report.path, rows, [], len(rows))
        # the server's log goes to the temporary folder, not into the index's home
        base_url, server = ensure_llm(settings.model_copy(update={"home": work}))
        settings = settings.model_copy(update={"llm_base_url": base_url})
        where = (
            f"local llama.cpp server, {settings.llm_threads} thread(s), started in "
            f"{server.startup_s or 0:.1f} s"
            if server
            else base_url
        )
        console.print(
            f"LLM batch: {len(rows)} rows of {args.input.name}, model {settings.llm_model} "
            f"({where}), temperature 0, max_tokens {settings.llm_max_tokens}…"
        )
        client = openai.OpenAI(
            base_url=base_url,
            api_key=settings.llm_api_key.get_secret_value() or "not-needed",
            timeout=settings.llm_timeout_s,
            max_retries=0,
        )
        half = len(rows) // 2
        raws: dict[int, RawRun] = {}
        batches: list[BatchRun] = []
        try:
            checker = DraftChecker(OfflineSupportScorer(archive.embedder))
            with open_article_drafter(settings, archive, "llm") as drafter:
                if not isinstance(drafter, ExplainerDrafter):
                    raise SystemExit("open_article_drafter did not give the LLM drafter")
                prompts = [messages_for(drafter, row) for row in rows]
                raw_requests(client, settings, [messages_for(drafter, warm)], 1)
                bare_drafts(drafter, checker, [warm])

                def raw(part: list[list[ChatCompletionMessageParam]], k: int) -> RawRun:
                    forget(client, settings, prompts[0])
                    return raw_requests(client, settings, part, k)

                # the baseline: half before and half after the batches, so drift hits both alike
                single = raw(prompts[:half], 1)
                for level in levels:
                    if level > 1:  # the server alone, as many at a time as the batch
                        raws[level] = raw(prompts, level)
                    database = work / f"review-{level}.sqlite3"
                    store = ReviewStore.open(with_store(settings, database))
                    try:
                        out = work / f"out-{level}"
                        forget(client, settings, prompts[0])
                        batches.append(run_batch(out, drafter, checker, store, sub, rows, level))
                    finally:
                        store.close()
                single += raw(prompts[half:], 1)
        finally:
            client.close()
            if server is not None:
                server.stop()
    llm_table(console, single, raws, batches)
    if server is not None:
        console.print(
            "llama-cpp-python's server runs one model behind a lock and answers one request at a "
            "time: concurrency can overlap only the batch's own work (retrieval, checks, "
            "writing) with generation (the raw rows with k > 1 show it)."
        )


def llm_table(
    console: Console, single: RawRun, raws: dict[int, RawRun], batches: list[BatchRun]
) -> None:
    n = len(single.seconds)
    table = Table(title=f"LLM batch vs raw openai requests, same server and messages ({n} rows)")
    for column in ("", "k at a time", "wall s", "per min", "vs raw 1 at a time", "tokens"):
        table.add_column(column, justify="left" if not column else "right")

    def add(name: str, k: int, wall_s: float, rate: float, tokens: int) -> None:
        ratio = f"{rate / single.rate:.2f}x" if single.rate else ""
        table.add_row(name, str(k), f"{wall_s:.1f}", f"{rate:.2f}", ratio, f"{tokens:,}")

    add(
        "raw requests (half before, half after)", 1, single.wall_s, single.rate, single.total_tokens
    )
    for run in batches:
        if (raw := raws.get(run.concurrency)) is not None:
            add("raw requests", raw.concurrency, raw.wall_s, raw.rate, raw.total_tokens)
        failed = f", {run.failed} failed" if run.failed else ""
        add(f"BatchRunner articles{failed}", run.concurrency, run.wall_s, run.rate, run.tokens)
    console.print(table)
    console.print(
        f"raw single-request rate: {single.rate:.2f} requests/min (p50 "
        f"{pct(single.seconds, 50):.2f} s, {single.completion_tokens:,} completion tokens). "
        "Tokens are prompt + completion: equal when the drafter sent the same requests; more "
        "when it asked again after an unusable answer."
    )


# -- crash ----------------------------------------------------------------------------------


def states(path: Path) -> dict[str, str]:
    """Each item's status in a (possibly running) batch's state file."""
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return dict(db.execute("SELECT key, status FROM items").fetchall())
    except sqlite3.OperationalError:  # the run is creating its table right now
        return {}


def done_count(path: Path) -> int:
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return int(db.execute("SELECT count(*) FROM items WHERE status = 'done'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def errors_of(path: Path) -> dict[str, str]:
    with sqlite3.connect(path, timeout=5) as db:
        found = db.execute("SELECT key, error FROM items WHERE status = 'failed'").fetchall()
    return {k: e or "" for k, e in found}


def read_log(path: Path) -> list[dict[str, object] | None]:
    """The run log, a line each (None: a line that cannot be read)."""
    lines: list[dict[str, object] | None] = []
    if not path.exists():
        return lines
    for text in path.read_text(encoding="utf-8").splitlines():
        try:
            lines.append(json.loads(text))
        except json.JSONDecodeError:
            lines.append(None)
    return lines


def batch_queue(settings: Settings) -> tuple[list[tuple[int, str]], dict[int, int]]:
    """The review store's questions from batches, and how many versions each has."""
    engine = make_engine(settings.review_url)
    try:
        with Session(engine) as s:
            where = Question.origin == ORIGIN
            questions = [
                (int(q), str(t))
                for q, t in s.execute(select(Question.id, Question.question).where(where))
            ]
            counted = select(Version.question_id, func.count()).group_by(Version.question_id)
            versions = {int(q): int(n) for q, n in s.execute(counted)}
    finally:
        engine.dispose()
    return questions, versions


@dataclass(frozen=True)
class Killed:
    """The output folder right after the SIGKILL."""

    seconds: float
    done: set[str]
    files: dict[str, int]  # article file name: mtime (ns)
    log_lines: int
    queued: int  # batch questions in the review store


def run_and_kill(
    command: list[str], env: dict[str, str], out: Path, settings: Settings, kill_at: int
) -> Killed | str:
    """Runs the batch until ``kill_at`` articles are done, SIGKILLs it, and looks at what it
    left; or, if it ended by itself first, the end of its output."""
    log_path = out.parent / "killed.log"
    started = time.perf_counter()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
        try:
            while done_count(out / "state.sqlite3") < kill_at and proc.poll() is None:
                time.sleep(POLL_S)
            ended = proc.poll()
            proc.send_signal(signal.SIGKILL)
        finally:
            proc.kill()
            proc.wait()
    seconds = time.perf_counter() - started
    if ended is not None:
        tail = log_path.read_text(errors="replace")[-3000:]
        return f"the run ended by itself (exit code {ended}) before the kill:\n{tail}"
    done = {k for k, s in states(out / "state.sqlite3").items() if s == "done"}
    files = {
        p.name: p.stat().st_mtime_ns
        for k in done
        for p in (out / "articles" / f"{k}.md", out / "articles" / f"{k}.json")
        if p.exists()
    }
    queued = len(batch_queue(settings)[0])
    return Killed(seconds, done, files, len(read_log(out / "run.jsonl")), queued)


Check = tuple[str, bool, str]


def crash(args: argparse.Namespace, console: Console) -> bool:
    with tempfile.TemporaryDirectory(prefix="bench-batch-crash-") as folder:
        work = Path(folder)
        source = input_file(args.input, args.limit, work)
        settings = index_settings(args.home, work / "review.sqlite3")
        report = validated(source)
        kill_at = args.kill_after if args.kill_after < len(report.rows) else len(report.rows) // 4
        out = work / "out"
        env = {
            **os.environ,
            "ASSISTANT_HOME": str(settings.home),
            "ASSISTANT_DATABASE_URL": settings.review_url,
            "COLUMNS": "120",
        }
        command = [sys.executable, "-m", "assistant", "batch", str(source), "--out", str(out)]
        command += ["--drafter", "composer"]
        console.print(
            f"Crash and resume: `assistant batch` on {len(report.rows):,} rows of {source.name} "
            f"(index {settings.home}), SIGKILL after {kill_at:,} articles, then --resume…"
        )
        killed = run_and_kill(command, env, out, settings, max(1, kill_at))
        if isinstance(killed, str):
            console.print(f"[bold red]FAILED:[/] {escape(killed)}")
            return False
        started = time.perf_counter()
        resumed = subprocess.run(
            [*command, "--resume"], cwd=REPO, env=env, capture_output=True, text=True
        )
        resume_s = time.perf_counter() - started
        checks = crash_checks(report, resumed, killed, out, settings)
        failed = errors_of(out / "state.sqlite3")
        done = sum(s == "done" for s in states(out / "state.sqlite3").values())
        after = read_log(out / "run.jsonl")[killed.log_lines :]

    redrafted = [e for e in after if e is not None and e["status"] == "ok"]
    from_queue = sum(1 for e in redrafted if e["seconds"] == 0 and e["tokens"] == 0)
    timing = Table(title=f"Crash and resume, grounded composer ({source.name})")
    for column in ("run", "wall s", "articles", "articles/min"):
        timing.add_column(column, justify="left" if column == "run" else "right")
    timing.add_row(
        f"first run, SIGKILLed ({killed.queued:,} in the queue at the kill)",
        f"{killed.seconds:.1f}",
        f"{len(killed.done):,}",
        f"{per_minute(len(killed.done), killed.seconds):.1f}",
    )
    timing.add_row(
        f"--resume ({from_queue} finished from the queue, not redrafted)",
        f"{resume_s:.1f}",
        f"{len(redrafted):,}",
        f"{per_minute(len(redrafted), resume_s):.1f}",
    )
    total = killed.seconds + resume_s
    timing.add_row("both", f"{total:.1f}", f"{done:,}", f"{per_minute(done, total):.1f}")
    console.print(timing)
    console.print(
        f"rows read {report.total:,}, skipped {len(report.skipped_rows):,}, "
        f"valid {len(report.rows):,}: {done:,} done, {len(failed):,} failed"
    )
    for key, error in sorted(failed.items()):
        console.print(f"  failed {key}: {escape(error)}")
    result = Table(title="Checks")
    for column in ("check", "", "detail"):
        result.add_column(column)
    for name, ok, detail in checks:
        result.add_row(name, "[green]ok[/]" if ok else "[bold red]FAILED[/]", escape(detail))
    console.print(result)
    if resumed.returncode != 0:
        console.print(escape(resumed.stderr[-3000:]))
    return all(ok for _, ok, _ in checks)


def crash_checks(
    report: InputReport,
    resumed: subprocess.CompletedProcess[str],
    killed: Killed,
    out: Path,
    settings: Settings,
) -> list[Check]:
    after = states(out / "state.sqlite3")
    done = {k for k, s in after.items() if s == "done"}
    articles = out / "articles"
    md = Counter(p.stem for p in articles.glob("*.md"))
    js = Counter(p.stem for p in articles.glob("*.json"))
    leftovers = [p.name for p in articles.glob(".*.tmp")]
    questions, versions = batch_queue(settings)
    texts = Counter(text for _, text in questions)
    expected = {request_for(row).question for row in report.rows if row.key in done}
    twice = [t for t, n in texts.items() if n > 1]
    asked = {q for q, _ in questions}
    unversioned = asked - set(versions)
    multiple = [q for q in asked if versions.get(q, 1) > 1]
    lines = read_log(out / "run.jsonl")
    log = [line for line in lines if line is not None]
    ok = Counter(str(e["key"]) for e in log if e["status"] == "ok")
    resumed_ok = {str(e["key"]) for e in lines[killed.log_lines :] if e and e["status"] == "ok"}
    redone = resumed_ok & killed.done
    changed = [
        name
        for name, mtime in killed.files.items()
        if not (articles / name).exists() or (articles / name).stat().st_mtime_ns != mtime
    ]
    keys = {row.key for row in report.rows}
    unfinished = Counter(
        status for k in keys if (status := after.get(k, "missing")) not in ("done", "failed")
    )
    skipped = {e["row"] for e in log if e["status"] == "skipped"}
    return [
        ("the --resume run exited 0", resumed.returncode == 0, f"exit code {resumed.returncode}"),
        (
            "one .md and one .json per done row, no others",
            set(md) == set(js) == done,
            f"{sum(md.values()):,} .md, {sum(js.values()):,} .json, {len(done):,} done",
        ),
        ("no half-written article files", not leftovers, ", ".join(leftovers) or "none"),
        (
            "queue: one batch question per done row, none twice",
            len(questions) == len(done) and not twice and set(texts) == expected,
            f"{len(questions):,} questions from the batch, {len(twice)} asked twice",
        ),
        (
            "queue: each batch question has exactly one drafted version",
            not unversioned and not multiple,
            f"{len(unversioned)} without, {len(multiple)} with more",
        ),
        (
            "nothing lost: every valid row done or failed (with its reason)",
            not unfinished,
            ", ".join(f"{n} {s}" for s, n in unfinished.items()) or "none pending or missing",
        ),
        (
            "every invalid row logged as skipped",
            set(report.skipped_rows) <= skipped,
            f"{len(report.skipped_rows)} invalid row(s)",
        ),
        (
            "done before the kill: both files unchanged after --resume",
            not changed and len(killed.files) == 2 * len(killed.done),
            f"{len(killed.files):,} files of {len(killed.done):,} articles, {len(changed)} changed",
        ),
        (
            "done before the kill: not drafted again; no row drafted twice",
            not redone and max([*ok.values(), 1]) == 1,
            f"{len(redone)} redone, {sum(n > 1 for n in ok.values())} logged ok twice",
        ),
        ("run log readable", len(log) == len(lines), f"{len(lines) - len(log)} unreadable line(s)"),
    ]


# -- entry point ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=[*PARTS, "all"], default="all")
    parser.add_argument("--home", type=Path, default=None, help="ASSISTANT_HOME with an index")
    parser.add_argument("--input", type=Path, default=KQA, help="a batch input (.jsonl, .csv)")
    parser.add_argument("--limit", type=int, default=None, help="composer, crash: first N lines")
    parser.add_argument("--sample", type=int, default=60, help="composer: bare drafter sample")
    parser.add_argument("--concurrency", type=int, default=1, help="composer: items at a time")
    parser.add_argument("--n", type=int, default=8, help="llm: rows (and raw requests)")
    parser.add_argument("--levels", default="1,2,4", help="llm: concurrencies, comma-separated")
    parser.add_argument("--max-tokens", type=int, default=None, help="llm (default: settings)")
    parser.add_argument("--kill-after", type=int, default=300, help="crash: articles to kill at")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    console = Console(width=120)
    parts = PARTS if args.part == "all" else (args.part,)
    steps: dict[str, Callable[[argparse.Namespace, Console], object]] = {
        "composer": composer,
        "llm": llm,
        "crash": crash,
    }
    passed = True
    for part in parts:
        try:
            outcome = steps[part](args, console)
        except LLMUnavailable as exc:
            if args.part != "all":
                raise SystemExit(str(exc)) from None
            console.print(f"[yellow]llm part skipped:[/] {escape(str(exc))}")
            continue
        passed = passed and outcome is not False
    if not passed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
