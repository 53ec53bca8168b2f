"""Batches from the browser, as the page shows them: an editor uploads a file of topics or
questions and reads its check (by line of the file) before starting it; the batch itself,
its background run and its progress are :mod:`assistant.batch.jobs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Literal

from assistant.batch import InputReport, validate
from assistant.batch.jobs import Batch, BatchError, batches_dir, publish, staging
from assistant.config import Settings
from assistant.llm.client import describe
from assistant.text import shorten

SUFFIXES = (".csv", ".jsonl")
MAX_BYTES = 5 * 1024 * 1024


def drafter_label(kind: str, settings: Settings) -> str:
    if kind == "composer":
        return "Grounded composer: only sentences of the sources, each cited (no language model)"
    return f"Language model: {describe(settings).label}"


# the upload and its check -------------------------------------------------------------------
@dataclass(frozen=True)
class Validation:
    """What the check of an upload found: rows ready to draft, and problems by row."""

    name: str
    rows: int
    total: int
    issues: tuple[tuple[int | None, str], ...]
    fatal: bool

    @classmethod
    def of(cls, report: InputReport, name: str) -> Validation:
        path = str(report.path)
        found = sorted(report.issues, key=lambda i: -1 if i.row is None else i.row)
        issues = tuple((i.row, i.message.replace(path, name)) for i in found)
        return cls(name, len(report.rows), report.total, issues, report.fatal)

    @property
    def startable(self) -> bool:
        return self.rows > 0 and not self.fatal

    @property
    def skipped(self) -> int:
        return len({row for row, _ in self.issues if row is not None})

    def summary(self) -> tuple[Literal["success", "warning", "error"], str]:
        if not self.startable:
            return "error", (
                f"Nothing can be drafted from {self.name}: fix the problems below and upload "
                "it again."
            )
        if self.issues:
            return "warning", (
                f"{self.rows} row(s) ready to draft; {self.skipped} row(s) will be skipped "
                "(problems below)."
            )
        return "success", f"{self.rows} row(s) ready to draft, no problems."

    def table(self) -> list[dict[str, str]]:
        return [
            {"line of the file": "—" if row is None else str(row), "problem": m}
            for row, m in self.issues
        ]


@dataclass(frozen=True)
class Checked:
    """A saved upload (``batch`` is None when nothing can be drafted from it) and its check."""

    batch: Batch | None
    validation: Validation


def save_upload(settings: Settings, name: str, data: bytes, now: datetime | None = None) -> Checked:
    """Saves an upload as a new batch and checks every row; an upload nothing can be drafted
    from is removed again. A wrong file type or size is a ``BatchError``."""
    shown = PurePath(name).name or "upload"
    suffix = PurePath(shown).suffix.lower()
    if suffix not in SUFFIXES:
        raise BatchError(
            f"{shown}: upload a .csv file (a 'topic' or 'question' column) or a .jsonl file "
            "(one JSON object per line)"
        )
    if len(data) > MAX_BYTES:
        raise BatchError(
            f"{shown} is {len(data) / 1024**2:.1f} MB; at most {MAX_BYTES // 1024**2} MB: "
            "split it into several batches"
        )
    created = now or datetime.now(UTC)
    try:
        with staging(batches_dir(settings)) as folder:  # all or nothing: see jobs.publish
            path = folder / f"input{suffix}"
            path.write_bytes(data)
            report = validate(path)
            validation = Validation.of(report, shown)
            if not validation.startable:
                return Checked(None, validation)
            topics = {row.key: shorten(row.text, 160) for row in report.rows}
            batch = Batch(folder, shown, path.name, created, len(report.rows), topics)
            return Checked(publish(batch, PurePath(shown).stem), validation)
    except OSError as exc:
        raise BatchError(
            f"{shown} could not be saved ({exc.strerror or exc}): nothing was kept. Check "
            "the free disk space under ASSISTANT_HOME and upload it again."
        ) from exc


# progress -----------------------------------------------------------------------------------
def duration(seconds: float) -> str:
    """``42 s``, ``3 min 05 s``, ``1 h 02 min``."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"
