"""Batches in the background: a batch is a folder ``{home}/batches/{id}/`` holding the
upload (``input.csv`` or ``input.jsonl``), ``batch.json`` (its name, and each run: who
started it, how, when, with which process id), the run's own files (``state.sqlite3``,
``run.jsonl``, ``articles/``, see :mod:`assistant.batch.runner`) and ``run.log``, the
command's output. ``start`` runs ``assistant batch`` on it as a process of its own, which
outlives the page that started it; ``stop``, resume and retry act on that process; and
``progress`` reads how far it got.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import SecretStr

from assistant.batch.runner import LOG_FILE, last_lines
from assistant.batch.state import ItemState, RunState
from assistant.config import Settings
from assistant.files import write_atomically
from assistant.review.errors import PermissionDenied
from assistant.review.views import Role, UserView

META = "batch.json"
STAGING = ".new-"  # a batch being built (hidden, never listed)
STALE_S = 3600.0  # an upload takes seconds: a staging folder older than this was abandoned
LOG = "run.log"
DRAFTERS = ("composer", "llm")
Mode = Literal["new", "resume", "retry"]
_FLAGS: dict[Mode, list[str]] = {"new": [], "resume": ["--resume"], "retry": ["--retry-failed"]}
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}  # the runs this process started


class BatchError(ValueError):
    """An upload or a run refused, with a message an editor can act on."""


def may_start(role: Role) -> bool:
    """Editors start, stop, resume and retry batches; everyone signed in may follow them."""
    return role == Role.EDITOR


@dataclass(frozen=True)
class Run:
    mode: Mode
    pid: int
    started_at: datetime
    editor: str
    drafter: str
    concurrency: int
    todo: int  # items this run set out to finish
    attempts_before: int  # item attempts (done or failed) before it started


@dataclass(frozen=True)
class Batch:
    folder: Path
    name: str  # the uploaded file's name
    input: str  # the upload's file name in the folder
    created_at: datetime
    rows: int  # valid rows
    topics: dict[str, str]  # item key → what it is about, shortened
    runs: tuple[Run, ...] = ()

    @property
    def id(self) -> str:
        return self.folder.name


def batches_dir(settings: Settings) -> Path:
    return settings.home.resolve() / "batches"


def discard(batch: Batch) -> None:
    """Removes a checked upload that was never started (a started batch stays)."""
    if batch.runs:
        raise BatchError(f"batch {batch.id} was started: it is kept")
    shutil.rmtree(batch.folder, ignore_errors=True)


@contextmanager
def staging(root: Path) -> Iterator[Path]:
    """A hidden folder in ``root`` to build a new batch in; whatever is still there when the
    block ends (an error, a refused upload, a crash before ``publish``) is removed."""
    root.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=STAGING, dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # gone already once published


def publish(batch: Batch, stem: str) -> Batch:
    """Writes ``batch.json`` into the staging folder, then renames the folder to the batch's
    name (``20250301-090000-my-topics``, ``…-2`` when taken): a batch folder appears whole,
    with its upload and ``batch.json``, or not at all."""
    save(batch)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "batch"
    base = f"{batch.created_at:%Y%m%d-%H%M%S}-{slug}"
    root = batch.folder.parent
    for attempt in range(1, 1000):
        folder = root / (base if attempt == 1 else f"{base}-{attempt}")
        if folder.exists():
            continue
        try:  # onto a batch folder (never empty) a rename fails; a racing one's name is taken
            batch.folder.rename(folder)
        except OSError:
            continue
        return replace(batch, folder=folder)
    raise BatchError(f"too many batches named {base} in {root}")


def _leftover(folder: Path, now: float) -> bool:
    """A folder no batch lives in: the staging folder of an upload that died over an hour ago,
    or what a failed upload left before batches were published whole (only the upload)."""
    if folder.name.startswith(STAGING):
        return now - folder.stat().st_mtime > STALE_S
    names = {p.name for p in folder.iterdir()}
    return names <= {"input.csv", "input.jsonl"}


# the batches on disk ------------------------------------------------------------------------
def load(folder: Path) -> Batch:
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    runs = tuple(
        Run(**{**run, "started_at": datetime.fromisoformat(run["started_at"])})
        for run in meta["runs"]
    )
    created = datetime.fromisoformat(meta["created_at"])
    return Batch(folder, meta["name"], meta["input"], created, meta["rows"], meta["topics"], runs)


def batches(settings: Settings) -> list[Batch]:
    """The batches started so far, newest first (a checked upload never started is not one).
    A folder without ``batch.json`` is not listed; one that only a failed upload could have
    left is removed (see ``_leftover``), anything else in it is kept for a person to look at."""
    root = batches_dir(settings)
    folders = [f for f in root.iterdir() if f.is_dir()] if root.is_dir() else []
    now = time.time()
    for folder in folders:
        if not (folder / META).is_file() and _leftover(folder, now):
            shutil.rmtree(folder, ignore_errors=True)
    found = [load(f) for f in folders if (f / META).is_file()]
    return sorted((b for b in found if b.runs), key=lambda b: (b.created_at, b.id), reverse=True)


def save(batch: Batch) -> None:
    """``batch.json`` via a sibling file and a rename: never half-written."""
    meta: dict[str, Any] = {
        "name": batch.name,
        "input": batch.input,
        "created_at": batch.created_at.isoformat(),
        "rows": batch.rows,
        "topics": batch.topics,
        "runs": [{**vars(r), "started_at": r.started_at.isoformat()} for r in batch.runs],
    }
    write_atomically(batch.folder / META, json.dumps(meta, indent=1, ensure_ascii=False))


# running ------------------------------------------------------------------------------------
def start(
    settings: Settings,
    batch: Batch,
    user: UserView,
    mode: Mode = "new",
    drafter: str | None = None,
    concurrency: int | None = None,
) -> Batch:
    """Starts ``assistant batch`` on ``batch`` in the background (its own process group, so it
    outlives the page; its output in ``run.log``) with the page's settings, and records it.
    ``resume`` finishes a stopped run, ``retry`` drafts the failed items again; drafter and
    concurrency default to the last run's."""
    if not may_start(user.role):
        raise PermissionDenied(f"only an editor can start batches; {user.name} is {user.role}")
    last = batch.runs[-1] if batch.runs else None
    if last is not None and mode == "new":
        raise BatchError(f"batch {batch.id} was started before: resume it or retry its failures")
    if last is not None and _alive(last.pid, batch.folder):
        raise BatchError(f"batch {batch.id} is running already")
    kind = drafter or (last.drafter if last else "composer")
    if kind not in DRAFTERS:
        raise BatchError(f"unknown drafter {kind!r}: choose composer or llm")
    workers = concurrency or (last.concurrency if last else 1)
    items = _items(batch)
    counts = Counter(i.status for i in items)
    todo = counts["failed"] if mode == "retry" else batch.rows - counts["done"] - counts["failed"]
    command = [sys.executable, "-m", "assistant", "batch", str(batch.folder / batch.input)]
    command += ["--out", str(batch.folder), "--editor", user.name, "--drafter", kind]
    command += ["--concurrency", str(workers), *_FLAGS[mode]]
    with (batch.folder / LOG).open("ab") as log:
        log.write(f"\n[{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC] {shlex.join(command)}\n".encode())
        log.flush()
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=run_environment(settings),
            start_new_session=True,
        )
    _CHILDREN[child.pid] = child
    attempts = sum(i.attempts for i in items)
    run = Run(mode, child.pid, datetime.now(UTC), user.name, kind, workers, todo, attempts)
    started = replace(batch, runs=(*batch.runs, run))
    save(started)
    return started


def stop(batch: Batch, wait_s: float = 10.0) -> bool:
    """Ends the running run (SIGTERM to its process group: the run and, for the demo model,
    its llama.cpp server). The run's state stays consistent, so it can be resumed. False if
    it was not running."""
    if not batch.runs or not _alive(batch.runs[-1].pid, batch.folder):
        return False
    pid = batch.runs[-1].pid
    os.killpg(pid, signal.SIGTERM)
    child = _CHILDREN.get(pid)
    if child is not None:
        # still ending after wait_s: the page shows it running until it has
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=wait_s)
    return True


def run_environment(settings: Settings) -> dict[str, str]:
    """This process's environment with every setting as its ``ASSISTANT_*`` variable, so the
    run uses the page's home, index, review store and model."""
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        key = f"ASSISTANT_{name.upper()}"
        if value is None:
            env.pop(key, None)
        elif isinstance(value, SecretStr):
            env[key] = value.get_secret_value()
        elif isinstance(value, Path):
            env[key] = str(value.resolve())
        else:
            env[key] = str(value)
    return env


def _alive(pid: int, folder: Path) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None  # also reaps it once it has ended
    try:  # a run started by an earlier server process
        os.kill(pid, 0)
        cmdline = Path(f"/proc/{pid}/cmdline")
        # after a reboot the pid may be another program's: where Linux says, check it is ours
        return not cmdline.exists() or str(folder).encode() in cmdline.read_bytes()
    except OSError:
        return False


State = Literal["running", "finished", "stopped"]


@dataclass(frozen=True)
class Progress:
    state: State  # stopped: ended (stopped, or crashed) with items pending: resume it
    total: int
    done: int
    failed: int
    flagged: int
    pending: int
    elapsed_s: float
    eta_s: float | None  # while running, once an item has finished

    @property
    def fraction(self) -> float:
        return (self.done + self.failed) / self.total if self.total else 1.0


@dataclass(frozen=True)
class Item:
    """A finished item: drafted into the queue as ``question_id``, or failed with ``error``."""

    key: str
    row: int
    status: str  # done | failed
    question_id: int | None
    text: str
    flags: int
    error: str | None


def progress(batch: Batch, now: datetime | None = None) -> Progress:
    """Counts from the run's state, flags from its log, and whether its process still runs."""
    if not batch.runs:
        raise BatchError(f"batch {batch.id} was never started")
    run = batch.runs[-1]
    items = _items(batch)
    counts = Counter(i.status for i in items)
    total = max(batch.rows, len(items))
    done, failed = counts["done"], counts["failed"]
    pending = total - done - failed
    running = _alive(run.pid, batch.folder)
    state: State = "running" if running else "stopped" if pending else "finished"
    end = (now or datetime.now(UTC)) if running else _last_activity(batch, run.started_at)
    elapsed = max(0.0, (end - run.started_at).total_seconds())
    finished = sum(i.attempts for i in items) - run.attempts_before
    eta = elapsed / finished * max(run.todo - finished, 0) if running and finished > 0 else None
    outcomes = _outcomes(batch)
    flagged = sum(1 for i in items if i.status == "done" and outcomes.get(i.key, {}).get("flags"))
    return Progress(state, total, done, failed, flagged, pending, elapsed, eta)


def finished_items(batch: Batch) -> list[Item]:
    """The finished items (done or failed), in the order of the input's rows."""
    outcomes = _outcomes(batch)
    finished = [i for i in _items(batch) if i.status in ("done", "failed")]
    return [
        Item(
            i.key,
            i.row,
            i.status,
            i.question_id if i.status == "done" else None,
            batch.topics.get(i.key, ""),
            int(outcomes.get(i.key, {}).get("flags") or 0),
            i.error,
        )
        for i in sorted(finished, key=lambda i: i.row)
    ]


def log_tail(batch: Batch, lines: int = 15) -> str:
    path = batch.folder / LOG
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace")
    return "\n".join(text.rstrip().splitlines()[-lines:])


def _items(batch: Batch) -> list[ItemState]:
    path = batch.folder / "state.sqlite3"
    if not path.exists():  # not created yet; opening it here would create it
        return []
    state = RunState(path)
    try:
        return [state.get(key) for key in state.statuses()]
    finally:
        state.close()


def _outcomes(batch: Batch) -> dict[str, dict[str, Any]]:
    """The last line of ``run.jsonl`` about each item."""
    return last_lines(batch.folder / LOG_FILE)


def _last_activity(batch: Batch, since: datetime) -> datetime:
    times = [since]
    for name in ("run.jsonl", LOG):
        path = batch.folder / name
        if path.exists():
            times.append(datetime.fromtimestamp(path.stat().st_mtime, UTC))
    return max(times)
