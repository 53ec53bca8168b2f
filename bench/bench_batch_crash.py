"""Crash and resume of ``assistant batch``, verified: the CLI as a subprocess with the grounded
composer, SIGKILLed after ``--kill-after`` articles (a quarter of the rows when there are fewer),
then run again with ``--resume``. Checks: no article or queue entry twice, nothing lost, nothing
done before the kill redone, no half-written file; prints the checks and each run's
articles/min. Exits 1 if a check fails.

Uses an existing index (``--home``, default: the benchmarks' full-corpus index
``$ASSISTANT_HOME/bench``) read-only; the review store and the output live in a temporary
folder. Run from the repository root:
``python -m bench.bench_batch_crash [--home DIR] [--input FILE] [--limit N] [--kill-after 300]``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.batch import InputReport
from assistant.batch.article import request_for
from assistant.batch.runner import ORIGIN
from assistant.config import Settings
from assistant.review.database import make_engine
from assistant.review.models import Question, Version
from bench.batchkit import add_input_arguments, index_settings, input_file, per_minute, validated
from bench.common import REPO

POLL_S = 0.02  # how often to look at the running batch's state


def state_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    """``sql``'s rows in a (possibly running) batch's state file; none before it has one."""
    if not path.exists():
        return []
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return db.execute(sql).fetchall()
    except sqlite3.OperationalError:  # the run is creating its table right now
        return []


def states(path: Path) -> dict[str, str]:
    """Each item's status."""
    return dict(state_rows(path, "SELECT key, status FROM items"))


def done_count(path: Path) -> int:
    found = state_rows(path, "SELECT count(*) FROM items WHERE status = 'done'")
    return int(found[0][0]) if found else 0


def errors_of(path: Path) -> dict[str, str]:
    """Each failed item's error."""
    return {
        k: e or ""
        for k, e in state_rows(path, "SELECT key, error FROM items WHERE status = 'failed'")
    }


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_input_arguments(parser, "first N lines of the input")
    parser.add_argument("--kill-after", type=int, default=300, help="articles to kill at")
    args = parser.parse_args()
    if not crash(args, Console(width=120)):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
