"""From a source row (a JSON object, a CSV row, a parsed page) to a validated ``Record``.

The shared data's shape maps onto the record like this: ``asker.gender`` is the
asker's sex; MedQuAD's ``specialty_hint`` fills an empty ``specialty`` (flagged as
derived); dates may be written ``YYYY-MM-DD`` or ``YYYY/MM/DD``; K-QA's patient
questions (``Question``, ``ICD_10_diag``, …) are accepted as they are; any other key
is kept in ``extras``. Validation errors become issues that name the source's field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from assistant.corpus.issues import ImportIssue
from assistant.corpus.record import Record, content_id

RECORD_FIELDS = frozenset(Record.model_fields) - {"extras"}
ASKER_KEYS = {"name": "name", "sex": "sex", "gender": "sex", "age_range": "age_range"}
"""Keys of a nested ``asker`` object (or flat ``asker_<key>`` columns) → ``Asker`` fields."""

_SLASH_DATE = re.compile(r"\s*(\d{4})/(\d{1,2})/(\d{1,2})\s*")


def normalize_date(value: Any) -> Any:
    """``"2022/3/24"`` → ``"2022-03-24"``; blank → ``None``; anything else unchanged."""
    if not isinstance(value, str):
        return value
    if not value.strip():
        return None
    match = _SLASH_DATE.fullmatch(value)
    if match is None:
        return value.strip()
    year, month, day = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def build_record(
    raw: Mapping[str, Any], path: str, line: int, names: Mapping[str, str] | None = None
) -> Record | list[ImportIssue]:
    """Validate one row; on failure, one issue per bad field (``names``: field → column)."""
    fields, sources = shape(raw)
    try:
        return Record.model_validate(fields)
    except ValidationError as exc:
        issues = []
        for error in exc.errors(include_url=False):
            loc = ".".join(str(part) for part in error["loc"]) or None
            field = sources.get(loc, loc) if loc else None
            if field is not None and names:
                field = names.get(field, field)
            issues.append(ImportIssue(path, line, field, _reason(error)))
        return issues


def shape(raw: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Rename a source row into ``Record`` fields; also return record field → source key."""
    fields: dict[str, Any] = {}
    asker: dict[str, Any] = {}
    extras: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if "question" not in raw and "Question" in raw:  # K-QA patient questions
        fields["dataset"] = "K-QA"
        sources["question"] = "Question"
    for key, value in raw.items():
        if key == "Question" and "question" not in raw:
            fields["question"] = value
        elif key == "ICD_10_diag":
            extras["icd10_diagnosis"] = value
        elif key == "asker":
            for sub, subvalue in value.items() if isinstance(value, Mapping) else ():
                if sub in ASKER_KEYS:
                    asker[ASKER_KEYS[sub]] = subvalue
                    sources[f"asker.{ASKER_KEYS[sub]}"] = f"asker.{sub}"
                else:
                    extras[f"asker_{sub}"] = subvalue
        elif key.startswith("asker_") and key[6:] in ASKER_KEYS:
            asker[ASKER_KEYS[key[6:]]] = value
            sources[f"asker.{ASKER_KEYS[key[6:]]}"] = key
        elif key == "extras" and isinstance(value, Mapping):
            extras.update(value)
        elif key in RECORD_FIELDS and key not in ("asker", "extras"):
            fields[key] = value
        elif key not in ("specialty_hint", "specialty_hint_is_derived"):
            extras[key] = value
    if "asker" in raw and not isinstance(raw["asker"], Mapping) and raw["asker"] is not None:
        fields["asker"] = raw["asker"]  # let validation say what is wrong with it
    elif asker:
        fields["asker"] = {k: None if _blank(v) else v for k, v in asker.items()}
    _specialty(raw, fields, extras, sources)
    for name in ("ask_date", "reply_date"):
        if name in fields:
            fields[name] = normalize_date(fields[name])
    fields["id"] = _identify(fields, extras.get("icd10_diagnosis"))
    fields["extras"] = extras
    return fields, sources


def _specialty(
    raw: Mapping[str, Any], fields: dict[str, Any], extras: dict[str, Any], sources: dict[str, str]
) -> None:
    hint = raw.get("specialty_hint")
    if _blank(fields.get("specialty")) and isinstance(hint, str) and hint.strip():
        fields["specialty"] = hint
        fields["specialty_is_derived"] = True
        sources["specialty"] = "specialty_hint"
    else:
        for key in ("specialty_hint", "specialty_hint_is_derived"):
            if key in raw:
                extras[key] = raw[key]


def _identify(fields: Mapping[str, Any], diagnosis: Any) -> Any:
    """The given id (numbers as text), else ``content_id`` of the row's text."""
    given = fields.get("id")
    if isinstance(given, int) and not isinstance(given, bool):
        return str(given)
    if not _blank(given):
        return given
    question = fields.get("question")
    if not isinstance(question, str) or not question.strip():
        return "?"  # the row fails on its question; the id is never used
    if isinstance(diagnosis, str) and diagnosis.strip():
        # K-QA repeats a question text for different diagnoses: those are different rows.
        question = f"{question}\n{diagnosis}"
    dataset = fields.get("dataset")
    return content_id(
        dataset if isinstance(dataset, str) and dataset.strip() else "site",
        question,
        _text(fields.get("reply")),
        _text(fields.get("long_explanation")),
    )


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _reason(error: ErrorDetails) -> str:
    """Pydantic's error, said the way a person fixing the file needs it."""
    kind, value = error["type"], error.get("input")
    got = type(value).__name__ if value is not None else "null"
    if kind == "missing":
        return "is missing"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_type":
        return f"expected text, got {got} {value!r}"[:200]
    if kind.startswith(("date_", "datetime_")):
        return f"not a date: {value!r} (write YYYY-MM-DD or YYYY/MM/DD)"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected an object, got {got}"
    if kind in ("tuple_type", "list_type"):
        return f"expected a list, got {got}"
    if kind.startswith("bool_"):
        return f"expected true or false, got {value!r}"
    return str(error["msg"])
