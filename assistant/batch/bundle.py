"""A finished batch as one zip for the editor: each article as ``NNNN-topic-slug.md``
(numbered in the order of the input file) and an ``index.csv`` of what is where.

The articles are the drafts as written (``articles/<key>.md``, stamped as drafts until a
physician approves them in the review app); nothing here changes them.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from assistant.review.export import slug
from assistant.spreadsheet import csv_text

INDEX_COLUMNS = ("file", "line", "about", "question_id")


def article_names(articles: Path) -> list[tuple[Path, str, dict[str, object]]]:
    """Each drafted article (``<key>.md`` beside its ``<key>.json``), its file name in the
    bundle and its record, in the order of the input file's lines."""
    found = []
    for meta in sorted(articles.glob("*.json")):
        page = meta.with_suffix(".md")
        if not page.exists():
            continue  # written last: a crash between the two leaves no half article
        record = json.loads(meta.read_text(encoding="utf-8"))
        found.append((int(record.get("row") or 0), page, record))
    found.sort(key=lambda f: f[0])
    return [
        (page, f"{n:04d}-{slug(_about(record))}.md", record)
        for n, (_, page, record) in enumerate(found, start=1)
    ]


def bundle(articles: Path) -> bytes:
    """The zip of the batch's articles and their index (empty of articles when none); the
    index's cells are safe to open in a spreadsheet (a topic "=HYPERLINK(…)" is text)."""
    index = []
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        for page, name, record in article_names(articles):
            archive.writestr(name, page.read_text(encoding="utf-8"))
            index.append([name, record.get("row"), _about(record), record.get("question_id")])
        archive.writestr("index.csv", csv_text(INDEX_COLUMNS, index))
    return data.getvalue()


def _about(record: dict[str, object]) -> str:
    draft = record.get("draft")
    if isinstance(draft, dict):
        request = draft.get("request")
        if isinstance(request, dict) and request.get("title"):
            return str(request["title"])
        if draft.get("title"):
            return str(draft["title"])
    return "article"
