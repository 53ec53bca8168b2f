"""The store's engine and schema: SQLite (a file under ASSISTANT_HOME) or PostgreSQL, migrated
to the newest schema with the Alembic scripts shipped in ``assistant/review/migrations``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, see :func:`private_file`."""
    parsed = make_url(url)
    options: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_file(Path(parsed.database))
        options["connect_args"] = {"timeout": 30}
    else:
        options["pool_pre_ping"] = True
    return configure(create_engine(url, **options))


def private_file(path: Path) -> None:
    """The store's SQLite file, readable by its owner only (it holds password hashes and
    patients' questions): its directory is created 0700 when missing, and the file 0600
    (SQLite gives its journal and WAL files the same mode). An existing file open to others
    is closed to them."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    path.touch(mode=0o600, exist_ok=True)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)


def configure(engine: Engine) -> Engine:
    """On SQLite: foreign keys on, and every transaction ``BEGIN IMMEDIATE``, so writers
    queue up on the database lock instead of failing half-way (pysqlite's default deferred
    transactions cannot upgrade a read lock under contention). Idempotent."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", _on_connect):
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
    return engine


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """``alembic upgrade head`` on this engine's database, in one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # two processes opening a new database
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7245310)")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
