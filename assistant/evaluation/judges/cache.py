"""The LLM judge's replies on disk, so that a re-run asks the model only what is new."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


def cache_path(home: Path) -> Path:
    return home / "eval" / "judge_cache.sqlite3"


@dataclass(frozen=True, slots=True)
class CachedReply:
    key: str
    model: str
    prompt: str
    reply: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class JudgeCache:
    """The LLM judge's replies on disk (SQLite), keyed by sha256 of (model, prompt digest,
    answer, statement). Safe to share between threads (one connection behind a lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, model TEXT NOT NULL, "
                "prompt TEXT NOT NULL, reply TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, "
                "completion_tokens INTEGER NOT NULL, created_at TEXT NOT NULL)"
            )

    @staticmethod
    def key(model: str, prompt_digest: str, answer: str, statement: str) -> str:
        payload = json.dumps([model, prompt_digest, answer, statement], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def get(self, keys: Sequence[str]) -> dict[str, str]:
        """The stored replies of those ``keys`` that are stored."""
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, reply FROM replies WHERE key IN ({marks})"
            with self._lock, closing(self._db.execute(query, chunk)) as rows:
                found.update((str(k), str(r)) for k, r in rows)
        return found

    def put(self, replies: Sequence[CachedReply]) -> None:
        now = datetime.now(UTC).isoformat()
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.key, r.model, r.prompt, r.reply, r.prompt_tokens, r.completion_tokens, now)
                    for r in replies
                ],
            )

    def __len__(self) -> int:
        with self._lock, closing(self._db.execute("SELECT COUNT(*) FROM replies")) as rows:
            return int(rows.fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> JudgeCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
