"""The store's engine and schema: SQLite (a file under ASSISTANT_HOME) or PostgreSQL, migrated
to the newest schema with the Alembic scripts shipped in ``assistant/review/migrations``."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from assistant.resources import packaged
from assistant.review import audit
from assistant.review.keys import AuditKey

MIGRATIONS = packaged("review", "migrations")
KEYED = "0004"  # the revision from which the audit chain is keyed and its head sealed


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


def upgrade(
    engine: Engine, revision: str = "head", key: AuditKey | None = None, now: datetime | None = None
) -> None:
    """``alembic upgrade head`` on this engine's database, in one transaction. With ``key``,
    the upgrade that brings the audit key (to revision 0004 or later) anchors the audit chain
    with it in the same transaction: keyed from event 1 for a new store, from the next event
    for an older one (see ``audit.anchor``). Without ``key`` the chain is left unanchored,
    and the store refuses to write until ``assistant audit anchor``."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # two processes opening a new database
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7245310)")
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        after = MigrationContext.configure(connection).get_current_revision()
        crossed = (before is None or before < KEYED) and after is not None and after >= KEYED
        if key is not None and crossed:
            with Session(bind=connection, info={audit.KEY: key}) as session:
                audit.anchor(session, now or datetime.now(UTC), key)
