"""JSON lines (``.jsonl``, ``.ndjson``, ``.json``, optionally gzip-compressed): one record per line.

Each line is a JSON object in the shape of the shared data (see ``mapping``). A bad line
is reported with its line number and skipped; blank lines are skipped silently.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path

from assistant.corpus.issues import CorpusError, ImportIssue, Item, Located
from assistant.corpus.mapping import build_record
from assistant.corpus.textfile import iter_lines

_JSON_KINDS = {
    list: "a list",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "true/false",
}


class UnreadableLine(ValueError):
    """A line that is not one JSON value; the message says why."""


def read_json_line(text: str) -> object:
    """The JSON value on one line, or :class:`UnreadableLine` saying what is wrong with it:
    invalid JSON, a number too long to read, nesting too deep, or an escape such as
    ``\\ud800`` that stands for half a character (no text can hold it: storing, hashing or
    writing the record would fail later, far from the line)."""
    try:
        value = json.loads(text.rstrip("\r\n"))
    except json.JSONDecodeError as exc:
        raise UnreadableLine(f"invalid JSON at column {exc.colno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, [[[[…]]]]
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise UnreadableLine(f"JSON that cannot be read: {why}") from None
    if "\\u" in text:  # only an escape can make a lone surrogate out of UTF-8 text
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            escape = f"\\u{ord(exc.object[exc.start]):04x}"
            raise UnreadableLine(
                f"the escape {escape} is half of a UTF-16 surrogate pair, not a character; "
                "write the character itself"
            ) from None
        except RecursionError:
            raise UnreadableLine("JSON that cannot be read: nested too deeply") from None
    return value


def iter_jsonl(path: Path) -> Generator[Item, None, None]:
    """Yield each line's record (or its issues), reading the file lazily."""
    shown = str(path)
    first = True
    for number, text in iter_lines(path):
        if not text.strip():
            continue
        if first and text.lstrip().startswith("["):
            raise CorpusError(
                f"{path}:{number}: this is a JSON array, not JSON lines (one object per line). "
                f"Convert it, e.g. `jq -c '.[]' {path} > {path.stem}.jsonl`, and import that"
            )
        first = False
        try:
            raw = read_json_line(text)
        except UnreadableLine as exc:
            yield ImportIssue(shown, number, None, str(exc))
            continue
        if not isinstance(raw, dict):
            kind = _JSON_KINDS.get(type(raw), "null")
            yield ImportIssue(shown, number, None, f"expected a JSON object {{...}}, got {kind}")
            continue
        result = build_record(raw, shown, number)
        if isinstance(result, list):
            yield from result
        else:
            yield Located(result, shown, number)
