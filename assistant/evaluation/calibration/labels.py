"""The physicians' labels: a K-QA NLI CSV, read and checked row by row.

``data/kqa_nli_physician_labels.csv`` (K-QA, Manes et al., BioNLP 2024) holds 399
(question, model answer, gold statement) triples, each labelled Entailment, Neutral or
Contradiction by three physicians (``label_0..2``) and their majority (``majority_label``).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluation.judges import LABELS, Label, Pair
from assistant.resources import shipped

DEFAULT_LABELS = shipped("data", "kqa_nli_physician_labels.csv")
PHYSICIANS = ("label_0", "label_1", "label_2")
REQUIRED = ("Question", "answer", "claim", "majority_label", *PHYSICIANS)

_LABEL_OF: dict[str, Label] = {label: label for label in LABELS}


class LabelsError(ValueError):
    """The labels file cannot be read; the message names the file, line and field."""


@dataclass(frozen=True, slots=True)
class LabelledPair:
    line: int  # where the row starts in the file
    question: str
    answer: str
    claim: str
    majority: Label
    physicians: tuple[Label, Label, Label]
    category: str = ""
    model: str = ""

    @property
    def pair(self) -> Pair:
        return Pair(self.answer, self.claim)


def read_labels(path: Path = DEFAULT_LABELS) -> list[LabelledPair]:
    """Every row of a K-QA NLI labels file, checked; :class:`LabelsError` names what is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LabelsError(f"{path}: no such file; pass --labels with a K-QA labels CSV") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelsError(f"{path}: cannot be read as UTF-8 text: {exc}") from None
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    rows: list[LabelledPair] = []
    try:
        header = next(reader, None)
        if header is None:
            raise LabelsError(f"{path}: the file is empty; expected a header with {REQUIRED}")
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise LabelsError(
                f"{path}:1: the header lacks the column(s) {', '.join(missing)}; "
                f"a K-QA labels file has {', '.join(REQUIRED)}"
            )
        columns = {name: i for i, name in enumerate(header)}
        start = reader.line_num + 1
        for values in reader:
            if any(v.strip() for v in values):
                rows.append(_row(path, start, header, columns, values))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LabelsError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from None
    if not rows:
        raise LabelsError(f"{path}: the header is there but no labelled pairs follow it")
    return rows


def _row(
    path: Path, line: int, header: list[str], columns: dict[str, int], values: list[str]
) -> LabelledPair:
    where = f"{path}:{line}"
    if len(values) != len(header):
        raise LabelsError(
            f"{where}: the row has {len(values)} fields but the header has {len(header)}; "
            "check the quoting of that row"
        )

    def text(field: str) -> str:
        value = values[columns[field]].strip()
        if not value:
            raise LabelsError(f"{where}: field {field!r} is empty")
        return value

    def label(field: str) -> Label:
        value = text(field)
        found = _LABEL_OF.get(value.lower())
        if found is None:
            raise LabelsError(
                f"{where}: field {field!r} is {value!r}; expected Entailment, Neutral or "
                "Contradiction"
            )
        return found

    first, second, third = (label(f) for f in PHYSICIANS)
    majority = label("majority_label")
    votes = (first, second, third)
    winner = max(LABELS, key=votes.count)
    if votes.count(winner) >= 2 and majority != winner:
        raise LabelsError(
            f"{where}: field 'majority_label' is {majority!r} but the physicians voted "
            f"{', '.join(votes)}; correct the majority or the labels"
        )
    optional = {k: values[columns[k]].strip() for k in ("category_x", "llm_x") if k in columns}
    return LabelledPair(
        line=line,
        question=text("Question"),
        answer=text("answer"),
        claim=text("claim"),
        majority=majority,
        physicians=votes,
        category=optional.get("category_x", ""),
        model=optional.get("llm_x", ""),
    )


def select(rows: Sequence[LabelledPair], limit: int | None) -> list[LabelledPair]:
    """``limit`` rows spread evenly over the file (the same ones every time), or all."""
    if limit is None or limit >= len(rows):
        return list(rows)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    return [rows[i * len(rows) // limit] for i in range(limit)]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
