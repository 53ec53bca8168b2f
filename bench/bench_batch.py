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
    what the server itself does with concurrent requests (llama.cpp's server has
    ``ASSISTANT_LLM_PARALLEL`` slots, batched continuously). Every run sends the same prompts,
    so each one must pay for them as the first did: the local server runs without its
    host-memory prompt cache, and before each run every slot is given a short request.

Crash and resume is verified by ``python -m bench.bench_batch_crash``.
Uses an existing index (``--home``, default: the benchmarks' full-corpus index
``$ASSISTANT_HOME/bench``) read-only; review stores and outputs live in a temporary folder.
Run from the repository root:
``python -m bench.bench_batch [--part all] [--home DIR] [--limit N] [--sample 60] [--n 8]``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import openai
from openai.types.chat import (
    ChatCompletionMessageParam,
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
)
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.batch import BatchRow, InputReport
from assistant.batch.article import request_for
from assistant.checks import DraftChecker, OfflineSupportScorer
from assistant.config import Settings
from assistant.drafting import Drafter
from assistant.drafting.factory import open_drafter
from assistant.drafting.llm import LLMDrafter
from assistant.llm import LLMUnavailable
from assistant.llm.local import LocalModelServer
from assistant.pipeline import Pipeline
from assistant.review.store import ReviewStore
from bench.batchkit import (
    BatchRun,
    add_input_arguments,
    index_settings,
    input_file,
    open_index,
    per_minute,
    run_batch,
    validated,
    with_store,
)
from bench.common import pct

WARM_UP = 5  # composer drafts before anything is timed


# -- composer -------------------------------------------------------------------------------


def bare_drafts(drafter: Drafter, checker: DraftChecker, rows: list[BatchRow]) -> list[float]:
    """Seconds per article of the pipeline alone (draft, checks, policy): what a runner's
    worker does, nothing else."""
    pipeline = Pipeline.around(drafter, checker)
    seconds = []
    for row in rows:
        started = time.perf_counter()
        pipeline.draft(request_for(row))
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
            with open_drafter(settings, archive, "composer") as drafter:
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


def messages_for(drafter: LLMDrafter, row: BatchRow) -> list[ChatCompletionMessageParam]:
    """The chat messages the LLM drafter sends for ``row`` (the explainer prompt)."""
    messages: list[ChatCompletionMessageParam] = []
    for m in drafter.messages(request_for(row)):
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
    evaluated: int | None = None  # prompt tokens the server evaluated, not took from a cache

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
            None
            if self.evaluated is None or other.evaluated is None
            else self.evaluated + other.evaluated,
        )


def raw_requests(
    client: openai.OpenAI,
    settings: Settings,
    prompts: list[list[ChatCompletionMessageParam]],
    concurrency: int,
) -> RawRun:
    """The server alone: one chat completion per prompt, ``concurrency`` in flight."""

    def one(messages: list[ChatCompletionMessageParam]) -> tuple[float, int, int, int | None]:
        started = time.perf_counter()
        answer = client.chat.completions.create(
            model=settings.llm_model,
            messages=messages,
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
        )
        usage = answer.usage
        done = time.perf_counter() - started
        return (
            done,
            usage.completion_tokens if usage else 0,
            usage.total_tokens if usage else 0,
            prompt_evaluated(answer.model_extra),
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, prompts))
    wall = time.perf_counter() - started
    evaluated = [r[3] for r in results]
    return RawRun(
        concurrency,
        wall,
        [r[0] for r in results],
        sum(r[1] for r in results),
        sum(r[2] for r in results),
        None if None in evaluated else sum(e or 0 for e in evaluated),
    )


def prompt_evaluated(extra: dict[str, object] | None) -> int | None:
    """The prompt tokens llama.cpp evaluated for an answer (its ``timings.prompt_n``), rather
    than took from a cache; None from a server that does not say."""
    timings = (extra or {}).get("timings")
    count = timings.get("prompt_n") if isinstance(timings, dict) else None
    return count if isinstance(count, int) else None


def forget(
    client: openai.OpenAI,
    settings: Settings,
    prompt: list[ChatCompletionMessageParam],
    slots: int,
) -> None:
    """Leaves every slot of the server holding only the system prompt before a timed run.

    Each of llama.cpp's slots keeps its last request's tokens and evaluates only what differs,
    and a request goes to the slot whose tokens it shares most: a run's request whose prompt a
    slot still held from the run before would skip that prompt's evaluation. ``slots`` short
    requests at once, one per slot, each sharing only the system prompt, overwrite them all;
    each timed request then shares only the system prompt with what the slots hold, as the
    first run's did. (The local server runs without its host-memory prompt cache, which
    would restore any prompt sent before.)
    """

    def hello(slot: int) -> None:
        client.chat.completions.create(
            model=settings.llm_model,
            messages=[
                prompt[0],
                ChatCompletionUserMessageParam(role="user", content=f"Hello, number {slot}."),
            ],
            temperature=settings.llm_temperature,
            max_tokens=8,  # long enough for all of them to hold a slot at once
        )

    with ThreadPoolExecutor(max_workers=slots) as pool:
        list(pool.map(hello, range(slots)))


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
        server: LocalModelServer | None = None
        if settings.llm_base_url:
            base_url = settings.llm_base_url
            slots = max(levels)  # unknown: as many as the most requests a run sends at once
        else:
            # the server's log goes to the temporary folder, not into the index's home
            local = settings.model_copy(update={"home": work})
            server = LocalModelServer(local, prompt_cache_mib=0)
            base_url = server.start().base_url
            slots = settings.llm_parallel
        settings = settings.model_copy(update={"llm_base_url": base_url})
        where = (
            f"local llama.cpp server, {settings.llm_threads} thread(s), {slots} slots, "
            f"started in {server.startup_s or 0:.1f} s"
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
            with open_drafter(settings, archive, "llm") as drafter:
                if not isinstance(drafter, LLMDrafter):
                    raise SystemExit("open_drafter did not give the LLM drafter")
                prompts = [messages_for(drafter, row) for row in rows]
                raw_requests(client, settings, [messages_for(drafter, warm)], 1)
                bare_drafts(drafter, checker, [warm])

                def raw(part: list[list[ChatCompletionMessageParam]], k: int) -> RawRun:
                    forget(client, settings, prompts[0], slots)
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
                        forget(client, settings, prompts[0], slots)
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
            f"llama.cpp's server decodes up to {settings.llm_parallel} requests at once "
            "(ASSISTANT_LLM_PARALLEL slots, continuous batching): the raw rows with k > 1 show "
            "what the server itself gains from concurrency, the batch rows what the batch gains."
        )


def llm_table(
    console: Console, single: RawRun, raws: dict[int, RawRun], batches: list[BatchRun]
) -> None:
    n = len(single.seconds)
    table = Table(title=f"LLM batch vs raw openai requests, same server and messages ({n} rows)")
    columns = ("", "k at a time", "wall s", "per min", "vs raw 1 at a time", "tokens")
    for column in (*columns, "prompt tokens evaluated"):
        table.add_column(column, justify="left" if not column else "right")

    def add(name: str, k: int, wall_s: float, rate: float, tokens: int, evaluated: str) -> None:
        ratio = f"{rate / single.rate:.2f}x" if single.rate else ""
        cells = (f"{wall_s:.1f}", f"{rate:.2f}", ratio, f"{tokens:,}", evaluated)
        table.add_row(name, str(k), *cells)

    def add_raw(name: str, raw: RawRun) -> None:
        prompt = raw.total_tokens - raw.completion_tokens
        evaluated = "" if raw.evaluated is None else f"{raw.evaluated:,} of {prompt:,}"
        add(name, raw.concurrency, raw.wall_s, raw.rate, raw.total_tokens, evaluated)

    add_raw("raw requests (half before, half after)", single)
    for run in batches:
        if (raw := raws.get(run.concurrency)) is not None:
            add_raw("raw requests", raw)
        failed = f", {run.failed} failed" if run.failed else ""
        add(f"BatchRunner articles{failed}", run.concurrency, run.wall_s, run.rate, run.tokens, "")
    console.print(table)
    console.print(
        f"raw single-request rate: {single.rate:.2f} requests/min (p50 "
        f"{pct(single.seconds, 50):.2f} s, {single.completion_tokens:,} completion tokens). "
        "Tokens are prompt + completion: equal when the drafter sent the same requests; more "
        "when it asked again after an unusable answer. Prompt tokens evaluated (llama.cpp's "
        "count, raw requests only): the rest came from the slots' caches, the shared system "
        "prompt; equal in every run when no run reused an earlier run's prompts."
    )


# -- entry point ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=["composer", "llm", "all"], default="all")
    add_input_arguments(parser, "composer: first N lines")
    parser.add_argument("--sample", type=int, default=60, help="composer: bare drafter sample")
    parser.add_argument("--concurrency", type=int, default=1, help="composer: items at a time")
    parser.add_argument("--n", type=int, default=8, help="llm: rows (and raw requests)")
    parser.add_argument("--levels", default="1,2,4", help="llm: concurrencies, comma-separated")
    parser.add_argument("--max-tokens", type=int, default=None, help="llm (default: settings)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    console = Console(width=120)
    if args.part in ("composer", "all"):
        composer(args, console)
    if args.part in ("llm", "all"):
        try:
            llm(args, console)
        except LLMUnavailable as exc:
            if args.part != "all":
                raise SystemExit(str(exc)) from None
            console.print(f"[yellow]llm part skipped:[/] {escape(str(exc))}")


if __name__ == "__main__":
    main()
