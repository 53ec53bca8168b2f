"""Running a batch: draft the items on a pool of threads, and, one at a time on the calling
thread, enter each in the review queue, write its article files and mark it done.

A failed item is recorded with its reason and never stops the batch. The order of writes
makes a killed run safe to resume (see :mod:`assistant.batch.state`): an item is done only
after its queue entry and both files exist, and its question is found again, not duplicated.
Retries, backoff on 429 / 5xx (honouring Retry-After) and timeouts of the LLM endpoint are
the OpenAI client's (``llm_max_retries``, ``llm_timeout_s``); see ``assistant.llm.client``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from assistant.batch.article import request_for
from assistant.batch.rows import BatchRow
from assistant.batch.state import RunState
from assistant.checks import CheckReport
from assistant.drafting import Draft
from assistant.files import write_atomically
from assistant.pipeline import Pipeline
from assistant.render import render_markdown
from assistant.review.store import ReviewStore
from assistant.review.views import QueueFilter, UserView

ORIGIN = "batch"


@dataclass(frozen=True)
class Outcome:
    """One line of the run log."""

    key: str | None
    row: int | None
    status: Literal["ok", "failed", "skipped"]
    seconds: float = 0.0
    tokens: int = 0
    flags: int = 0
    error: str | None = None
    question_id: int | None = None
    text: str | None = None  # the row's question or topic, only with ASSISTANT_LOG_PATIENT_TEXT


@dataclass(frozen=True)
class _Drafted:
    draft: Draft
    checks: CheckReport
    seconds: float


@dataclass(frozen=True)
class _Failed:
    error: str
    seconds: float


class BatchRunner:
    """Drafts rows into ``out/articles`` and the review queue, with state in ``out``."""

    def __init__(
        self,
        out: Path,
        pipeline: Pipeline,
        store: ReviewStore,
        by: UserView | None = None,
        concurrency: int = 1,
        on_outcome: Callable[[Outcome], None] = lambda _: None,
        log_patient_text: bool = False,
    ) -> None:
        self.out = out
        self.articles = out / "articles"
        self.state = RunState(out / "state.sqlite3")
        self.pipeline = pipeline
        self.store = store
        self.by = by
        self.concurrency = concurrency
        self.on_outcome = on_outcome
        self.log_patient_text = log_patient_text

    def close(self) -> None:
        self.state.close()

    def plan(self, rows: list[BatchRow], resume: bool, retry_failed: bool) -> list[BatchRow]:
        """The rows to work on: new and unfinished ones (unless only ``retry_failed``), and
        failed ones with ``retry_failed``; done ones never."""
        self.state.add(rows)
        self._log_unlogged(rows)
        statuses = self.state.statuses()
        wanted = {"failed"} if retry_failed else set()
        if resume or not retry_failed:
            wanted.add("pending")
        return [row for row in rows if statuses[row.key] in wanted]

    def skip(self, row: int | None, reason: str) -> None:
        self._emit(Outcome(None, row, "skipped", error=reason))

    def run(self, rows: list[BatchRow]) -> None:
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = {
                pool.submit(self._draft, row): row for row in rows if not self._finish_found(row)
            }
            for future in as_completed(futures):
                self._persist(futures[future], future.result())

    # on the worker threads -------------------------------------------------------------
    def _draft(self, row: BatchRow) -> _Drafted | _Failed:
        started = time.perf_counter()
        try:
            checked = self.pipeline.draft(request_for(row))
            return _Drafted(checked.draft, checked.report, time.perf_counter() - started)
        except Exception as exc:  # one failed item never stops the batch
            return _Failed(_reason(exc), time.perf_counter() - started)

    # on the calling thread -------------------------------------------------------------
    def _persist(self, row: BatchRow, result: _Drafted | _Failed) -> None:
        if isinstance(result, _Failed):
            self._fail(row, result.error, result.seconds)
            return
        try:
            question_id = self._question(row)
            if not self.store.detail(question_id).versions:
                self.store.add_machine_version(question_id, result.draft, result.checks, self.by)
            draft = result.draft.model_dump(mode="json")
            checks = result.checks.model_dump(mode="json")
            self._write(row, question_id, result.draft, draft, checks)
        except Exception as exc:
            self._fail(row, _reason(exc), result.seconds)
            return
        usage = result.draft.provenance.usage
        self._done(row, question_id, result.seconds, usage.total_tokens if usage else 0, checks)

    def _finish_found(self, row: BatchRow) -> bool:
        """Finishes, from the queue, an item whose version was stored before a crash."""
        item = self.state.get(row.key)
        question_id = item.question_id
        if question_id is None and item.intent_at is not None:
            question_id = self._recover(row, item.intent_at)
        if question_id is None:
            return False
        versions = self.store.detail(question_id).versions
        if not versions:
            return False
        first = versions[0]
        self._write(row, question_id, Draft.model_validate(first.draft), first.draft, first.checks)
        self._done(row, question_id, 0.0, 0, first.checks)
        return True

    def _question(self, row: BatchRow) -> int:
        """The item's question in the queue: the one created before, or a new one."""
        item = self.state.get(row.key)
        if item.question_id is not None:
            return item.question_id
        if item.intent_at is not None and (found := self._recover(row, item.intent_at)):
            return found
        self.state.intend_question(row.key)
        # no editor: the system creates it (the store's `acting` takes None as the system)
        by: Any = self.by
        created = self.store.create_question(request_for(row), by=by, origin=ORIGIN)
        self.state.set_question(row.key, created.id)
        return created.id

    def _recover(self, row: BatchRow, since: datetime) -> int | None:
        """A question created for this item by a run killed before it recorded the id."""
        question = request_for(row).question
        claimed = self.state.claimed_questions()
        for q in self.store.queue(QueueFilter()):
            recent = q.created_at >= since - timedelta(seconds=1)
            if q.question == question and recent and q.id not in claimed:
                self.state.set_question(row.key, q.id)
                return q.id
        return None

    def _write(
        self,
        row: BatchRow,
        question_id: int,
        draft: Draft,
        draft_json: dict[str, Any],
        checks: dict[str, Any],
    ) -> None:
        payload = {"key": row.key, "row": row.row, "question_id": question_id}
        payload |= {"draft": draft_json, "checks": checks}
        text = json.dumps(payload, indent=2, ensure_ascii=False)
        write_atomically(self.articles / f"{row.key}.json", text)
        write_atomically(self.articles / f"{row.key}.md", render_markdown(draft))

    def _done(
        self, row: BatchRow, question_id: int, seconds: float, tokens: int, checks: dict[str, Any]
    ) -> None:
        flags = sum(1 for f in checks.get("flags", ()) if f.get("severity") != "info")
        self.state.done(row.key, seconds, tokens, flags)
        text = row.text if self.log_patient_text else None
        self._emit(Outcome(row.key, row.row, "ok", seconds, tokens, flags, None, question_id, text))

    def _fail(self, row: BatchRow, error: str, seconds: float) -> None:
        self.state.failed(row.key, error, seconds)
        text = row.text if self.log_patient_text else None
        self._emit(Outcome(row.key, row.row, "failed", seconds, error=error, text=text))

    def _log_unlogged(self, rows: list[BatchRow]) -> None:
        """Logs the done items the run log lacks, from the state: a run killed after marking
        an item done and before logging it (a resumed run does not redo it)."""
        logged = last_lines(self.out / LOG_FILE)
        text = {r.key: r.text for r in rows} if self.log_patient_text else {}
        for item in self.state.done_items():
            if logged.get(item.key, {}).get("status") != "ok":
                self._log(
                    Outcome(
                        item.key,
                        item.row,
                        "ok",
                        item.seconds,
                        item.tokens,
                        item.flags,
                        None,
                        item.question_id,
                        text.get(item.key),
                    )
                )

    def _emit(self, outcome: Outcome) -> None:
        self._log(outcome)
        self.on_outcome(outcome)

    def _log(self, outcome: Outcome) -> None:
        line = {k: v for k, v in asdict(outcome).items() if k != "text" or v is not None}
        line["seconds"] = round(outcome.seconds, 3)
        path = self.out / LOG_FILE
        with path.open("a+b") as log:
            log.seek(0, 2)
            torn = log.tell() > 0 and (log.seek(-1, 2), log.read(1))[1] != b"\n"
            text = ("\n" if torn else "") + json.dumps(line, ensure_ascii=False) + "\n"
            log.write(text.encode("utf-8"))  # on a line of its own after one a kill cut short


LOG_FILE = "run.jsonl"


def last_lines(path: Path) -> dict[str, dict[str, Any]]:
    """The last line of a run log about each item; a line being written, or cut short by a
    kill, is skipped."""
    if not path.exists():
        return {}
    found: dict[str, dict[str, Any]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            outcome = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(outcome, dict) and outcome.get("key"):
            found[outcome["key"]] = outcome
    return found


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())[:500]}"
