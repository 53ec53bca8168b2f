"""A run's drafts in K-QA's official results format, for the benchmark's own scoring script.

K-QA's ``run_eval.py --result_file FILE`` reads a JSON list of ``{"Question": ..., "result":
...}`` and matches each entry to its gold statements by the exact question text. One entry per
item, in the run's order; with repeats, repeat 0 (or the lowest repeat the run has). A draft
that failed is exported as an empty answer, which the benchmark scores as saying nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from assistant.evaluation.compare import load_run
from assistant.evaluation.results import ItemResult
from assistant.files import write_atomically

FILENAME = "kqa_results.json"


def kqa_results(items: Sequence[ItemResult]) -> list[dict[str, str]]:
    """One ``{"Question", "result"}`` entry per item: its first repeat's draft."""
    first: dict[str, ItemResult] = {}
    for result in items:
        kept = first.get(result.item_id)
        if kept is None or result.repeat < kept.repeat:
            first[result.item_id] = result
    return [{"Question": r.question, "result": r.draft} for r in first.values()]


def export_kqa(run_dir: Path, out: Path | None = None) -> tuple[Path, list[dict[str, str]]]:
    """Writes the run's drafts to ``out`` (default ``run_dir/kqa_results.json``); returns the
    path and the entries written."""
    entries = kqa_results(load_run(run_dir).items)
    path = out or run_dir / FILENAME
    write_atomically(path, json.dumps(entries, ensure_ascii=False, indent=2) + "\n")
    return path, entries
