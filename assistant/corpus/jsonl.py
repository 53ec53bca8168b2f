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
            raw = json.loads(text.rstrip("\r\n"))
        except json.JSONDecodeError as exc:
            yield ImportIssue(shown, number, None, f"invalid JSON at column {exc.colno}: {exc.msg}")
            continue
        except (ValueError, RecursionError) as exc:  # a 5,000-digit number, [[[[…]]]]
            why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            yield ImportIssue(shown, number, None, f"JSON that cannot be read: {why}")
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
