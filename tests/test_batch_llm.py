"""The batch against an LLM endpoint that rate-limits: the OpenAI client retries 429 / 5xx
honouring Retry-After; a failing item is recorded and only it is retried."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.batch import BatchRunner, Outcome, validate
from assistant.config import Settings
from assistant.corpus import load
from assistant.index import Archive
from assistant.pipeline import Pipeline
from assistant.review.store import ReviewStore
from tests.conftest import DATA, PAGE

ARTICLE = (
    "Gout is a kind of arthritis that causes painful, swollen joints [1].\n\n"
    "## What helps\nRest and cold packs can ease the pain [1].\n\n"
    "## When to seek care\nSee a doctor if a joint is hot and very painful.\n\n"
    "## Conclusion\nA doctor can help you manage gout [1]."
)


class FakeRateLimitedServer(ThreadingHTTPServer):
    """Answers 429 (Retry-After: 1 s) to the first ``limited`` requests, then a chat
    completion; with ``always`` a status, every request gets that status."""

    def __init__(self, limited: int = 0, always: int | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.limited, self.always = limited, always
        self.bodies: list[dict[str, object]] = []
        self.times: list[float] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: FakeRateLimitedServer

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.lock:
            self.server.bodies.append(body)
            self.server.times.append(time.monotonic())
            count = len(self.server.bodies)
        if self.server.always is not None or count <= self.server.limited:
            status = self.server.always or 429
            self._send(status, {"error": {"message": "slow down"}}, {"Retry-After": "1"})
            return
        message = {"role": "assistant", "content": ARTICLE}
        completion = {
            "id": f"c{count}",
            "object": "chat.completion",
            "created": 0,
            "model": "fake-model",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
        }
        self._send(200, completion, {})

    def _send(self, status: int, payload: object, headers: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def index_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("batch-llm-index")
    records = [*load(DATA / "medquad.jsonl.gz", limit=30).records, *load(PAGE).records]
    Archive(Settings(home=home)).ingest(records)
    return home


def _serve(server: FakeRateLimitedServer) -> Iterator[FakeRateLimitedServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _run(
    index_home: Path, tmp_path: Path, server: FakeRateLimitedServer, retry_failed: bool = False
) -> list[Outcome]:
    settings = Settings(
        home=index_home,
        database_url=f"sqlite:///{tmp_path / 'review.sqlite3'}",
        llm_base_url=server.url,
        llm_model="fake-model",
        llm_max_retries=2,
        llm_timeout_s=10,
    )
    source = tmp_path / "topics.csv"
    source.write_text(
        "topic,audience,target_length\nGout,caregiver,300\nKidney stones,patient,\n",
        encoding="utf-8",
    )
    archive = Archive(settings)
    store = ReviewStore.open(settings)
    outcomes: list[Outcome] = []
    with Pipeline.open(settings, archive, "llm") as pipeline:
        runner = BatchRunner(
            tmp_path / "out", pipeline, store, concurrency=2, on_outcome=outcomes.append
        )
        rows = validate(source).rows
        runner.run(runner.plan(rows, resume=retry_failed, retry_failed=retry_failed))
        runner.close()
    store.close()
    return outcomes


def test_429_with_retry_after_is_retried_by_the_client(index_home: Path, tmp_path: Path) -> None:
    for server in _serve(FakeRateLimitedServer(limited=2)):
        outcomes = _run(index_home, tmp_path, server)
        assert [o.status for o in outcomes] == ["ok", "ok"]
        assert all(o.tokens == 150 for o in outcomes)
        assert len(server.bodies) == 4  # two refused, each retried
        assert server.times[2] - server.times[0] >= 0.9  # waited as Retry-After asked
        prompts = [json.dumps(b) for b in server.bodies]
        assert any("a family member caring for a patient" in p for p in prompts)
        assert any("about 300 words" in p for p in prompts)


def test_failed_items_are_recorded_and_only_they_are_retried(
    index_home: Path, tmp_path: Path
) -> None:
    for server in _serve(FakeRateLimitedServer(always=503)):
        server.always = 503
        failed = _run(index_home, tmp_path, server)
        assert [o.status for o in failed] == ["failed", "failed"]
        assert all("503" in (o.error or "") for o in failed)
        assert len(server.bodies) == 6  # 1 + 2 retries each
    for server in _serve(FakeRateLimitedServer()):
        retried = _run(index_home, tmp_path, server, retry_failed=True)
        assert sorted(o.status for o in retried) == ["ok", "ok"]
        again = _run(index_home, tmp_path, server, retry_failed=True)
        assert again == [] and len(server.bodies) == 2
    log = (tmp_path / "out" / "run.jsonl").read_text().splitlines()
    assert [json.loads(line)["status"] for line in log] == ["failed"] * 2 + ["ok"] * 2
