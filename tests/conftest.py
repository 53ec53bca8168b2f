"""Shared fixtures: the real embedder, a real Chroma server, and indexed archives.

Every index test runs twice: against embedded Chroma (PersistentClient under a temporary
ASSISTANT_HOME) and against a real ``chroma run`` server started here on localhost.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus import Record, load
from assistant.embeddings import MiniLMEmbedder
from assistant.index import Archive
from assistant.llm import LocalModelServer

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
PAGE = DATA / "site_page_example.txt"
CALF_QUERY = "calcified lump under the skin of my calf"

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chroma_executable() -> str:
    found = Path(sys.executable).with_name("chroma")
    return str(found) if found.exists() else (shutil.which("chroma") or "chroma")


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Chroma server (`chroma run`) on a free localhost port, for the whole session."""
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = (path / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            chroma_executable(),
            "run",
            "--path",
            str(path / "data"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"chroma server did not start: {(path / 'server.log').read_text()}")
            time.sleep(0.2)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


@pytest.fixture(scope="session")
def page_record() -> Record:
    (record,) = load(PAGE, format="pages").records
    return record


@pytest.fixture(scope="session")
def medquad_sample() -> list[Record]:
    """240 MedQuAD records drawn across all NIH sources, plus every other record of their foci."""
    records = load(DATA / "medquad.jsonl.gz").records
    rng = random.Random(7)
    foci = sorted({r.focus for r in rng.sample(records, 60) if r.focus})
    chosen = [r for r in records if r.focus in foci]
    return chosen[:240]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Index tests run on both backends; tests marked ``embedded_only`` on embedded Chroma."""
    if "backend" in metafunc.fixturenames:
        only = metafunc.definition.get_closest_marker("embedded_only")
        backends = ["embedded"] if only else ["embedded", "server"]
        metafunc.parametrize("backend", backends, indirect=True, scope="session")


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make_settings(
    backend: str, home: Path, request: pytest.FixtureRequest, collection: str
) -> Settings:
    url = request.getfixturevalue("chroma_server") if backend == "server" else None
    return Settings(home=home, chroma_url=url, collection=collection)


@pytest.fixture(scope="session")
def archive(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    embedder: MiniLMEmbedder,
    medquad_sample: list[Record],
    page_record: Record,
) -> Archive:
    """A shared, read-only archive: the MedQuAD sample and the site page, indexed."""
    home = tmp_path_factory.mktemp(f"home-{backend}")
    archive = Archive(make_settings(backend, home, request, "shared"), embedder=embedder)
    archive.ingest([*medquad_sample, page_record])
    return archive


@pytest.fixture
def fresh_archive(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, embedder: MiniLMEmbedder
) -> Archive:
    """An empty archive of its own (a new collection) that a test may change."""
    name = f"t{time.monotonic_ns()}"
    return Archive(make_settings(backend, tmp_path / "home", request, name), embedder=embedder)


@pytest.fixture(scope="session")
def local_llm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModelServer]:
    """ONE real llama.cpp server with the small demo model (SmolLM2-135M) for the session.

    One thread: on a shared 2-core machine, llama.cpp's two spinning threads stall for seconds
    whenever another process takes a core; one thread is as fast for a 135M model.
    """
    home = tmp_path_factory.mktemp("llm-home")
    server = LocalModelServer(Settings(home=home, llm_base_url=None, llm_threads=1)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def llm_server(local_llm: LocalModelServer) -> str:
    """The base URL (``http://127.0.0.1:PORT/v1``) of the session's local llama.cpp server."""
    return local_llm.base_url


# --- the review store: every store test runs on SQLite and on a real PostgreSQL -------------

from datetime import UTC, datetime, timedelta  # noqa: E402

from argon2 import PasswordHasher  # noqa: E402

from assistant.review.store import ReviewStore  # noqa: E402
from tests.postgres import PostgresServer, postgres_server  # noqa: E402, F401

# real argon2id, with small costs so that a test adding users stays fast
TEST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class FakeClock:
    """A clock the test moves by hand (login throttling waits minutes otherwise)."""

    def __init__(self) -> None:
        self.at = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture(params=["sqlite", "postgresql"])
def review_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty review database: a SQLite file, or a database on the session's server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'review.sqlite3'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.database()


@pytest.fixture
def review_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def review_store(review_url: str, review_clock: FakeClock, tmp_path: Path) -> Iterator[ReviewStore]:
    settings = Settings(home=tmp_path / "home", database_url=review_url)
    store = ReviewStore.open(settings, now=review_clock, hasher=TEST_HASHER)
    yield store
    store.close()
