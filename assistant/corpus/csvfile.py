"""CSV archives: a header row, one record per row, columns mapped onto record fields.

By default a column named like a record field fills that field (``question``,
``reply``, ``doctor``, ``ask_date``…); the asker is given by ``asker_name``,
``asker_sex`` and ``asker_age_range``. A few aliases are also understood:
``Question`` → ``question``, ``answer``/``Answer`` → ``long_explanation``,
``asker_gender`` → ``asker_sex``. ``columns`` overrides any of these (field → column).
Columns that fill no field are kept in the record's ``extras``.
"""

from __future__ import annotations

import csv
from collections.abc import Generator, Mapping, Sequence
from pathlib import Path

from assistant.corpus.issues import CorpusError, ImportIssue, Item, Located
from assistant.corpus.mapping import RECORD_FIELDS, build_record
from assistant.corpus.textfile import iter_lines

CSV_FIELDS = (RECORD_FIELDS - {"asker", "similar_qa", "related_faq"}) | {
    "asker_name",
    "asker_sex",
    "asker_age_range",
}
"""Record fields a CSV column can fill (nested asker fields are flat ``asker_*``)."""

ALIASES: dict[str, tuple[str, ...]] = {
    "question": ("Question",),
    "long_explanation": ("answer", "Answer"),
    "asker_sex": ("asker_gender",),
}

_FIELD_SIZE_LIMIT = 16 * 1024 * 1024  # long explanations exceed csv's default 128 KiB


def resolve_columns(
    path: Path, header: Sequence[str], columns: Mapping[str, str] | None = None, line: int = 1
) -> dict[str, str]:
    """Which column fills which field (field → column); raises if there is no question."""
    found = ", ".join(repr(c) for c in header) or "none"
    chosen: dict[str, str] = {}
    for field, column in (columns or {}).items():
        if field not in CSV_FIELDS:
            known = ", ".join(sorted(CSV_FIELDS))
            raise CorpusError(f"{path}: cannot map onto unknown field {field!r}; fields: {known}")
        if column not in header:
            raise CorpusError(
                f"{path}:{line}: column {column!r} (mapped to {field}) is not in the header; "
                f"columns found: {found}"
            )
        chosen[field] = column
    taken = set(chosen.values())
    for field in sorted(CSV_FIELDS - set(chosen)):
        for candidate in (field, *ALIASES.get(field, ())):
            if candidate in header and candidate not in taken:
                chosen[field] = candidate
                taken.add(candidate)
                break
    if "question" not in chosen:
        raise CorpusError(
            f"{path}:{line}: no question column; columns found: {found}. "
            "Say which column holds the question, e.g. --column question=MyCol"
        )
    return chosen


def iter_csv(path: Path, columns: Mapping[str, str] | None = None) -> Generator[Item, None, None]:
    """Yield each row's record (or its issues); line numbers are the row's first line."""
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_SIZE_LIMIT))
    shown = str(path)
    reader = csv.reader(text for _, text in iter_lines(path))
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:
            return  # blank: the caller reports an empty file
        header = [name.strip() for name in header]
        chosen = resolve_columns(path, header, columns, reader.line_num)
        field_of = {column: field for field, column in chosen.items()}
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                reason = f"has {len(row)} cells but the header has {len(header)}"
                yield ImportIssue(shown, line, None, reason)
                continue
            raw: dict[str, object] = {}
            extras: dict[str, str] = {}
            for column, cell in zip(header, row, strict=True):
                field = field_of.get(column)
                if field is None:
                    if cell.strip():
                        extras[column] = cell
                elif field == "question" or cell.strip():
                    raw[field] = cell
            raw["extras"] = extras
            result = build_record(raw, shown, line, names=chosen)
            if isinstance(result, list):
                yield from result
            else:
                yield Located(result, shown, line)
    except csv.Error as exc:
        raise CorpusError(f"{path}:{reader.line_num}: unreadable CSV ({exc})") from None
