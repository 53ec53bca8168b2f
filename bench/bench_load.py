"""The review store under load: 8 reviewers at once on SQLite, then on PostgreSQL.

Each reviewer is a thread (as in the app, where Streamlit serves each browser session on a
thread of one process sharing one store) that, for ``--seconds`` per backend, picks at random:

  * sign in: the right password (argon2 with the app's own costs), a session started and
    resumed;
  * wrong password: a wrong password for another real user or for an unknown name (refused,
    then throttled: both expected);
  * read queue: the open queue;
  * save edit: opens a question, edits its newest version's body, saves it on that version
    (a ``Conflict`` when another reviewer saved or approved first is expected);
  * approve: opens a question and approves the version it read (``Conflict``/``ReadOnly``
    when it is no longer the newest, or already approved, are expected);
  * reopen: an approved question picked for an edit is reopened first.

Anything else an action raises is an error. At the end, every save that returned a version
must be in the store as that version with that body (else a lost update), every approval
must be recorded on the version the physician read, with the body they read, and the audit
chain must verify. The table gives per action the count, the outcomes and p50 / p95 / max
latency. Exits 1 on any error or lost update.

PostgreSQL: a private server started for the run (``initdb`` + ``pg_ctl``, as the tests do:
``tests/postgres.py``), deleted afterwards. Run from the repository root:
``python -m bench.bench_load [--seconds 60] [--reviewers 8] [--backend sqlite|postgresql]``.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from rich.console import Console
from rich.table import Table

from assistant.checks.report import CheckReport
from assistant.config import Settings
from assistant.drafting.body import from_body
from assistant.review.errors import Conflict, LoginThrottled, ReadOnly
from assistant.review.store import ReviewStore
from assistant.review.views import QueueFilter, Role, UserView
from assistant.reviewui.versions import checks_of, draft_of
from bench.common import pct
from tests.builders import make_draft
from tests.postgres import INSTALL_HINT, PostgresServer, find_bin

ACTIONS = {  # action: weight
    "sign in": 2,
    "wrong password": 2,
    "read queue": 3,
    "save edit": 4,
    "approve": 2,
}
PASSWORD = "load test password"
MARK = "Checked by reviewer "


@dataclass
class Tally:
    """What the reviewers did: latencies and outcomes per action, what they saved and
    approved (to check against the store at the end), and the errors."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    outcomes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    saved: list[tuple[int, int, str]] = field(default_factory=list)  # question, version, body
    approved: list[tuple[int, int, str, int]] = field(default_factory=list)  # … review id
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def timed(self, action: str) -> Iterator[Callable[[str], None]]:
        """Times the block; the block says its outcome (default "ok"); an unexpected
        exception is recorded as an error and the reviewer goes on."""
        said: list[str] = []
        start = time.perf_counter()
        try:
            yield said.append
        except (Conflict, ReadOnly, LoginThrottled) as exc:
            said.append(type(exc).__name__.lower())
        except Exception as exc:  # anything else is what the load test is looking for
            said.append("error")
            with self.lock:
                self.errors.append(f"{action}: {type(exc).__name__}: {exc}"[:300])
        elapsed = time.perf_counter() - start
        with self.lock:
            self.latencies[action].append(elapsed)
            self.outcomes[action][said[-1] if said else "ok"] += 1


class Reviewer(threading.Thread):
    def __init__(
        self, store: ReviewStore, me: UserView, questions: list[int], until: float, tally: Tally
    ) -> None:
        super().__init__(name=me.name)
        self.store, self.me, self.questions, self.until, self.tally = (
            store,
            me,
            questions,
            until,
            tally,
        )
        self.rng = random.Random(me.name)
        self.edits = 0

    def run(self) -> None:
        actions, weights = zip(*ACTIONS.items(), strict=True)
        while time.monotonic() < self.until:
            action = self.rng.choices(actions, weights)[0]
            getattr(self, action.replace(" ", "_"))()

    def sign_in(self) -> None:
        with self.tally.timed("sign in") as outcome:
            user = self.store.authenticate(self.me.name, PASSWORD)
            if user is None:
                raise AssertionError(f"{self.me.name} could not sign in with the right password")
            resumed = self.store.resume_session(self.store.start_session(user))
            if resumed.user is None or resumed.user.name != self.me.name:
                raise AssertionError(f"the new session of {self.me.name} did not resume")
            outcome("ok")

    def wrong_password(self) -> None:
        name = self.rng.choice(["target", "nobody", f"ghost{self.rng.randrange(50)}"])
        with self.tally.timed("wrong password") as outcome:
            if self.store.authenticate(name, "not the password") is not None:
                raise AssertionError(f"{name} signed in with a wrong password")
            outcome("refused")

    def read_queue(self) -> None:
        with self.tally.timed("read queue"):
            self.store.queue(QueueFilter(open_only=True))

    def save_edit(self) -> None:
        qid = self.rng.choice(self.questions)
        detail = self.store.detail(qid)
        if detail.question.status == "approved":
            with self.tally.timed("reopen"):
                self.store.reopen(qid, self.me)
            detail = self.store.detail(qid)
        latest = detail.latest
        assert latest is not None
        self.edits += 1
        lines = [line for line in latest.body.splitlines() if not line.startswith(MARK)]
        body = "\n".join([*lines, f"{MARK}{self.me.name} edit {self.edits}."]) + "\n"
        draft = from_body(body, draft_of(latest))
        with self.tally.timed("save edit") as outcome:
            version = self.store.save_edit(
                qid, body, draft, checks_of(latest), latest.number, self.me
            )
            with self.tally.lock:
                self.tally.saved.append((qid, version.number, body))
            outcome("ok")

    def approve(self) -> None:
        qid = self.rng.choice(self.questions)
        latest = self.store.detail(qid).latest
        assert latest is not None
        with self.tally.timed("approve") as outcome:
            review = self.store.approve(qid, latest.number, self.me)
            with self.tally.lock:
                self.tally.approved.append((qid, latest.number, latest.body, review.id))
            outcome("ok")


def prepare(store: ReviewStore, reviewers: int, questions: int) -> tuple[list[UserView], list[int]]:
    """Physicians ``r1`` … (the reviewers), a user whose name the wrong passwords try, and
    drafted questions."""
    people = [store.add_user(f"r{i}", PASSWORD, Role.PHYSICIAN) for i in range(1, reviewers + 1)]
    store.add_user("target", PASSWORD, Role.EDITOR)
    draft, checks = make_draft(), CheckReport(scorer="load test")
    ids = []
    for n in range(questions):
        request = draft.request.model_copy(update={"question": f"Question {n}: is it benign?"})
        question = store.create_question(request, people[0])
        store.add_machine_version(
            question.id, draft.model_copy(update={"request": request}), checks
        )
        ids.append(question.id)
    return people, ids


def run(
    url: str, seconds: float, reviewers: int, questions: int, hasher: PasswordHasher | None = None
) -> Tally:
    """The load on the store at ``url``; ``hasher``: argon2's costs (default: the app's)."""
    with tempfile.TemporaryDirectory() as home:
        store = ReviewStore.open(Settings(home=Path(home), database_url=url), hasher=hasher)
        try:
            people, ids = prepare(store, reviewers, questions)
            tally = Tally()
            until = time.monotonic() + seconds
            threads = [Reviewer(store, me, ids, until, tally) for me in people]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            check(store, tally)
            return tally
        finally:
            store.close()


def check(store: ReviewStore, tally: Tally) -> None:
    """Lost updates: a save or an approval that returned success but is not in the store as
    it said."""
    details = {qid: store.detail(qid) for qid, *_ in [*tally.saved, *tally.approved]}
    for qid, number, body in tally.saved:
        found = {v.number: v.body for v in details[qid].versions}.get(number)
        if found != body:
            tally.outcomes["save edit"]["lost"] += 1
            tally.errors.append(f"lost update: question {qid} version {number} is not as saved")
    for qid, number, body, review_id in tally.approved:
        detail = details[qid]
        review = next((r for r in detail.reviews if r.id == review_id), None)
        seen = {v.number: v.body for v in detail.versions}.get(number)
        if review is None or review.version_number != number or seen != body:
            tally.outcomes["approve"]["lost"] += 1
            tally.errors.append(
                f"approval {review_id} of question {qid} is not of version {number}"
            )
    audit = store.verify_audit()
    if not audit.ok:
        tally.errors.append(f"audit chain: {audit.problem}")


@contextmanager
def sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'review.sqlite3'}"


@contextmanager
def postgres() -> Iterator[str]:
    bin_dir = find_bin()
    if bin_dir is None:
        raise SystemExit(f"PostgreSQL's server binaries were not found: {INSTALL_HINT}")
    root = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    os.chmod(root, 0o755)  # the server runs as the postgres user when we are root
    server = PostgresServer(bin_dir, root)
    try:
        yield server.start().database()
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def report(console: Console, backend: str, tally: Tally, seconds: float, reviewers: int) -> None:
    table = Table(title=f"{backend}: {reviewers} reviewers for {seconds:g} s")
    for column in ("action", "count", "outcomes", "p50 ms", "p95 ms", "max ms"):
        table.add_column(column, justify="left" if column in ("action", "outcomes") else "right")
    for action in [*ACTIONS, "reopen"]:
        times = tally.latencies.get(action)
        if not times:
            continue
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(tally.outcomes[action].items()))
        table.add_row(
            action,
            str(len(times)),
            outcomes,
            f"{1000 * pct(times, 50):.1f}",
            f"{1000 * pct(times, 95):.1f}",
            f"{1000 * max(times):.1f}",
        )
    console.print(table)
    lost = sum(tally.outcomes[a]["lost"] for a in ("save edit", "approve"))
    console.print(
        f"{backend}: errors {len(tally.errors)}, lost updates {lost}, "
        f"saves checked {len(tally.saved)}, approvals checked {len(tally.approved)}"
    )
    for error in tally.errors[:10]:
        console.print(f"  [red]{error}[/red]", markup=True, highlight=False)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="per backend (default 60)")
    parser.add_argument("--reviewers", type=int, default=8)
    parser.add_argument("--questions", type=int, default=24, help="fewer: more conflicts")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    console = Console()
    failed = False
    for backend in ("sqlite", "postgresql"):
        if args.backend not in (backend, "both"):
            continue
        with postgres() if backend == "postgresql" else sqlite() as url:
            tally = run(url, args.seconds, args.reviewers, args.questions)
        report(console, backend, tally, args.seconds, args.reviewers)
        failed = failed or bool(tally.errors)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
