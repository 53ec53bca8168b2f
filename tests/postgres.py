"""A private PostgreSQL server for the test session: ``initdb`` into a temporary directory,
``pg_ctl start`` on a free localhost port with trust authentication, one fresh database per
test (cloned from a migrated template), stopped and deleted at the end.

Run as root (as in CI containers), the server runs as the ``postgres`` OS user, which owns
the data directory. Without PostgreSQL's binaries the fixture skips, except under ``CI``,
where it fails: the store must be tested against a real PostgreSQL there.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from assistant.review.database import make_engine, upgrade

PREVIOUS = "0003"

INSTALL_HINT = "install it with `apt-get install -y postgresql` (Debian/Ubuntu)"


def find_bin() -> Path | None:
    """The newest ``…/postgresql/N/bin`` (Debian keeps them off PATH), or initdb on PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """One running server; ``database()`` hands out a new, migrated database URL."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir, self.root = bin_dir, root
        self.data, self.sockets, self.log = root / "data", root / "sockets", root / "server.log"
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0
        self._names = itertools.count(1)
        self.template = "review_template"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}{log}")
        return done

    def start(self) -> PostgresServer:
        self.sockets.mkdir(parents=True)
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            for path in (self.root, self.sockets):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--no-sync", "--no-instructions")  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sockets} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log),
                  "-w", "-t", "60", "start")  # fmt: skip
        self._create(self.template)
        engine = make_engine(self.url(self.template))
        # up to the revision before the audit key: the test's store brings its own key
        # and anchors the chain with it when it opens the copy (ReviewStore.open)
        upgrade(engine, revision=PREVIOUS)
        engine.dispose()
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        """A new database with the store's schema (a copy of the migrated template)."""
        name = f"review_{next(self._names)}"
        self._create(name, template=self.template)
        return self.url(name)

    def _create(self, name: str, template: str = "template0") -> None:
        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
        create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
            sql.Identifier(name), sql.Identifier(template)
        )
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(create)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL, started on first use."""
    bin_dir = find_bin()
    if bin_dir is None:
        message = f"PostgreSQL's server binaries (initdb, pg_ctl) were not found: {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set: the PostgreSQL suite must run)")
        pytest.skip(message)
    # not under pytest's 0700 tmp tree: the postgres user must be able to reach it
    root = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    os.chmod(root, 0o755)
    server = PostgresServer(bin_dir, root)
    try:
        server.start()
    except (RuntimeError, KeyError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"PostgreSQL did not start: {exc}")
    yield server
    server.stop()
