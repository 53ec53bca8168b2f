"""The questions an evaluation run drafts, with the physicians' answers it compares against.

``load_items("kqa")`` reads the file of the dataset card ``eval/datasets/kqa.toml``
(``data/kqa_answered.jsonl``, K-QA: 201 real patient questions answered by physicians, each
answer decomposed into must-have and nice-to-have statements) after checking its sha256
against the card; :func:`load_card_items` reads any card's file. Any other spec is a
JSON-lines file in the record shape of the shared data with a reference answer in
``long_explanation``; ``must_have`` and ``nice_to_have`` (lists of statements) are optional,
and without them the statement metrics do not apply to the item; blank statements (K-QA has
three) are left out.

A file is read whole and checked before anything runs: every problem is reported with its file,
line and field, and no run starts from a file with problems.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.corpus.issues import CorpusError, ImportIssue
from assistant.corpus.mapping import build_record
from assistant.corpus.textfile import iter_lines
from assistant.evaluation.specs import Card, load_card
from assistant.resources import shipped

KQA = "kqa"
DATA = shipped("data")
KQA_PATH = DATA / "kqa_answered.jsonl"
STATEMENT_FIELDS = ("must_have", "nice_to_have")
_SHOWN_PROBLEMS = 10


class DatasetError(CorpusError):
    """An evaluation set cannot be used; the message names file, line and field and what to do."""


@dataclass(frozen=True, slots=True)
class EvalItem:
    """One held-out question with its physician's answer (the reference) and statements.

    ``must_have`` / ``nice_to_have`` are ``None`` when the file does not give them: then
    comprehensiveness and hallucination do not apply to this item.
    """

    id: str
    question: str
    reply: str | None
    reference: str
    must_have: tuple[str, ...] | None = None
    nice_to_have: tuple[str, ...] | None = None
    title: str | None = None

    @property
    def statements(self) -> int:
        return len(self.must_have or ()) + len(self.nice_to_have or ())


@dataclass(frozen=True, slots=True)
class EvalSet:
    """The items of one file, the file, and its digest (a report names exactly what it scored)."""

    name: str  # the dataset card's name ("kqa"), or the file's path as given
    items: tuple[EvalItem, ...]
    path: Path
    sha256: str

    @property
    def ids(self) -> frozenset[str]:
        return frozenset(item.id for item in self.items)


def load_items(spec: str) -> EvalSet:
    """``"kqa"`` (the K-QA file of its dataset card, its digest checked) or a JSON-lines file
    of answered questions.

    Raises :class:`DatasetError` listing every bad line (file:line, field, what to do), and
    :class:`~assistant.evaluation.specs.SpecError` when the K-QA file differs from its card.
    """
    if spec.strip().lower() == KQA:
        return load_card_items(load_card(KQA))
    return _read(Path(spec).expanduser(), spec)


def load_card_items(card: Card) -> EvalSet:
    """The answered questions of a dataset card's file, named by the card."""
    return _read(card.file, card.card.name)


def _read(path: Path, name: str) -> EvalSet:
    if not path.exists():
        raise DatasetError(f"{path}: no such file — check the path")
    if path.is_dir():
        raise DatasetError(f"{path} is a directory — name a JSON-lines file of answered questions")
    items: list[EvalItem] = []
    problems: list[ImportIssue] = []
    seen: dict[str, int] = {}
    shown = str(path)
    for number, text in iter_lines(path):
        if not text.strip():
            continue
        result = _item(text, shown, number)
        if isinstance(result, list):
            problems.extend(result)
            continue
        if result.id in seen:
            problems.append(
                ImportIssue(
                    shown,
                    number,
                    "id",
                    f"{result.id!r} repeats line {seen[result.id]}",
                    "give every question its own id",
                )
            )
            continue
        seen[result.id] = number
        items.append(result)
    if problems:
        listed = "\n".join(f"  {p}" for p in problems[:_SHOWN_PROBLEMS])
        more = len(problems) - _SHOWN_PROBLEMS
        tail = f"\n  … and {more} more" if more > 0 else ""
        raise DatasetError(
            f"{path}: {len(problems)} problem(s); nothing was run. Fix them and run again:\n"
            f"{listed}{tail}"
        )
    if not items:
        raise DatasetError(f"{path} holds no questions — check that it is the right file")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return EvalSet(name=name, items=tuple(items), path=path, sha256=digest)


def _item(text: str, path: str, line: int) -> EvalItem | list[ImportIssue]:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        return [ImportIssue(path, line, None, f"invalid JSON at column {exc.colno}: {exc.msg}")]
    if not isinstance(raw, dict):
        return [ImportIssue(path, line, None, "expected a JSON object {...} per line")]
    record = build_record(raw, path, line)
    if isinstance(record, list):
        return record
    problems: list[ImportIssue] = []
    if record.long_explanation is None:
        problems.append(
            ImportIssue(
                path,
                line,
                "long_explanation",
                "is missing: an evaluation item needs the physician's reference answer",
                "add the reference answer or remove the line",
            )
        )
    statements: dict[str, tuple[str, ...] | None] = {}
    for field in STATEMENT_FIELDS:
        value, problem = _statements(raw.get(field), path, line, field)
        statements[field] = value
        if problem:
            problems.append(problem)
    if problems or record.long_explanation is None:
        return problems
    return EvalItem(
        id=record.id,
        question=record.question,
        reply=record.reply,
        reference=record.long_explanation,
        must_have=statements["must_have"],
        nice_to_have=statements["nice_to_have"],
        title=record.title,
    )


def _statements(
    value: Any, path: str, line: int, field: str
) -> tuple[tuple[str, ...] | None, ImportIssue | None]:
    if value is None:
        return None, None
    hint = 'write a list of statements, e.g. ["Lexapro is an SSRI."], or leave the field out'
    if not isinstance(value, list):
        return None, ImportIssue(
            path, line, field, f"expected a list of statements, got {type(value).__name__}", hint
        )
    out: list[str] = []
    for position, statement in enumerate(value, start=1):
        if not isinstance(statement, str):
            what = type(statement).__name__
            return None, ImportIssue(
                path, line, f"{field}[{position}]", f"expected a statement, got {what}", hint
            )
        if statement.strip():  # K-QA has a few blank statements: they state nothing
            out.append(" ".join(statement.split()))
    return tuple(out), None
