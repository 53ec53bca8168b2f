"""The run's state: one SQLite row per item, so a killed run resumes where it stopped.

An item is ``pending`` until it is ``done`` (its files and its queue entry are written) or
``failed`` (with the reason). Before its question is created in the review queue the item
records when (``intent_at``), and right after, which question (``question_id``): a run killed
in between finds that question again instead of creating a second one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.batch.rows import BatchRow

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    row INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    question_id INTEGER,
    intent_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    seconds REAL,
    tokens INTEGER,
    flags INTEGER
)
"""


@dataclass(frozen=True)
class ItemState:
    key: str
    row: int
    status: str  # pending | done | failed
    question_id: int | None
    intent_at: datetime | None
    attempts: int
    error: str | None
    seconds: float = 0.0
    tokens: int = 0
    flags: int = 0


class RunState:
    """The items of one output directory (``DIR/state.sqlite3``); used from one thread."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __len__(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM items").fetchone()[0])

    def add(self, rows: list[BatchRow]) -> None:
        """Registers new items (known ones keep their state; their row number is updated)."""
        with self.db:
            self.db.executemany(
                "INSERT INTO items (key, row) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET row = excluded.row",
                [(r.key, r.row) for r in rows],
            )

    def get(self, key: str) -> ItemState:
        found = self.db.execute(f"SELECT {_COLUMNS} FROM items WHERE key = ?", (key,)).fetchone()
        if found is None:
            raise KeyError(key)
        return _item(found)

    def done_items(self) -> list[ItemState]:
        found = self.db.execute(f"SELECT {_COLUMNS} FROM items WHERE status = 'done'")
        return [_item(row) for row in found.fetchall()]

    def statuses(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, status FROM items").fetchall())

    def claimed_questions(self) -> set[int]:
        found = self.db.execute("SELECT question_id FROM items WHERE question_id IS NOT NULL")
        return {int(q) for (q,) in found}

    def intend_question(self, key: str) -> datetime:
        at = datetime.now(UTC)
        self._set(key, intent_at=at.isoformat())
        return at

    def set_question(self, key: str, question_id: int) -> None:
        self._set(key, question_id=question_id)

    def done(self, key: str, seconds: float, tokens: int, flags: int) -> None:
        self._finish(key, "done", None, seconds, tokens, flags)

    def failed(self, key: str, error: str, seconds: float) -> None:
        self._finish(key, "failed", error, seconds, 0, 0)

    def _finish(
        self, key: str, status: str, error: str | None, seconds: float, tokens: int, flags: int
    ) -> None:
        with self.db:
            self.db.execute(
                "UPDATE items SET status = ?, error = ?, seconds = ?, tokens = ?, flags = ?, "
                "attempts = attempts + 1 WHERE key = ?",
                (status, error, seconds, tokens, flags, key),
            )

    def _set(self, key: str, **values: object) -> None:
        columns = ", ".join(f"{name} = ?" for name in values)  # names are ours, not input
        with self.db:
            self.db.execute(f"UPDATE items SET {columns} WHERE key = ?", (*values.values(), key))


_COLUMNS = "key, row, status, question_id, intent_at, attempts, error, seconds, tokens, flags"


def _item(found: tuple[Any, ...]) -> ItemState:
    intent = datetime.fromisoformat(found[4]) if found[4] else None
    return ItemState(
        found[0],
        found[1],
        found[2],
        found[3],
        intent,
        found[5],
        found[6],
        found[7] or 0.0,
        found[8] or 0,
        found[9] or 0,
    )
