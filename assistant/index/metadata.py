"""What each chunk carries into Chroma: flat, filterable fields of its record.

Chroma metadata values are scalars and never ``None``, so absent fields are left out,
dates are kept both as ISO text (to show) and as a ``yyyymmdd`` integer (to filter on),
and the whole record travels as JSON on the record's first chunk only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.corpus.record import Record
from assistant.index.chunking import Chunk

Metadata = dict[str, str | int | float | bool]

_SNIPPET_FIELDS = ("title", "question", "reply", "doctor", "specialty", "dataset")
_OPTIONAL_FIELDS = ("question_type", "focus", "source_url", "license")


def date_ord(value: date | None) -> int:
    """``2022-03-24`` → ``20220324``; 0 when unknown."""
    return value.year * 10_000 + value.month * 100 + value.day if value else 0


def chunk_metadata(record: Record, chunk: Chunk, n_chunks: int, content_hash: str) -> Metadata:
    meta: Metadata = {
        "record_id": record.id,
        "chunk_index": chunk.index,
        "n_chunks": n_chunks,
        "kind": chunk.kind,
        "passage_start": chunk.passage_start,
        "content_hash": content_hash,
        "specialty_is_derived": record.specialty_is_derived,
        "date_ord": date_ord(record.reply_date or record.ask_date),
    }
    for name in (*_SNIPPET_FIELDS, *_OPTIONAL_FIELDS):
        value = getattr(record, name)
        if value is not None:
            meta[name] = value
    for name, value in (("ask_date", record.ask_date), ("reply_date", record.reply_date)):
        if value is not None:
            meta[name] = value.isoformat()
    if record.asker.sex:
        meta["asker_sex"] = record.asker.sex
    if record.asker.age_range:
        meta["asker_age_range"] = record.asker.age_range
    if chunk.index == 0:
        meta["record_json"] = record.model_dump_json()
    return meta


def record_from_metadata(meta: dict[str, Any]) -> Record | None:
    """The full record, from a first chunk's metadata."""
    blob = meta.get("record_json")
    return Record.model_validate_json(blob) if isinstance(blob, str) else None
