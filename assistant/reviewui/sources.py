"""The sources beside the draft: each cited past answer (title, where its text came from, a
plain relevance label, how many sentences it supports), and the passage behind a sentence
with the words it shares with the sentence marked."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html import escape
from urllib.parse import urlparse

from assistant.checks import CheckReport, SentenceCheck
from assistant.drafting import Draft
from assistant.retrieval import Source
from assistant.understanding import key_of

Position = tuple[int, int]


@dataclass(frozen=True)
class Passage:
    """What a sentence rests on, as the checks found it."""

    sentence: str
    supported: bool
    score: float
    text: str | None  # the closest passage (None: nothing to compare with)
    origin: str  # "the doctor's reply", "source [2]: Lipoma — Dr. Lee", or a reason
    reasons: tuple[str, ...] = ()


def source_rows(draft: Draft, checks: CheckReport | None = None) -> list[dict[str, object]]:
    supports = Counter(c.evidence_from for c in checks.sentences if c.supported) if checks else {}
    best = max((s.score for s in draft.sources), default=0.0)
    rows: list[dict[str, object]] = []
    for n, source in enumerate(draft.sources, start=1):
        day = source.reply_date or source.ask_date
        rows.append(
            {
                "#": f"[{n}]",
                "title": source.display_title,
                "from": source_origin(source),
                "relevance": relevance(source, best),
                "supports": supports.get(f"[{n}]", 0),
                "specialty": source.specialty or "",
                "date": day.isoformat() if day else "",
                "record": source.record_id,
            }
        )
    return rows


def source_origin(source: Source, kind: str | None = None) -> str:
    """Where a source's text came from: a doctor only for that doctor's own reply (a site
    page's More Info was written by the site, not by the page's doctor). ``kind`` is the
    matched passage's ("question": the question and the doctor's reply)."""
    kinds = {kind} if kind else {p.kind for p in source.passages}
    host = urlparse(source.source_url or "").hostname or ""
    where = " · ".join(filter(None, (source.dataset, host.removeprefix("www."))))
    if source.doctor and kinds == {"question"}:
        return f"Dr. {source.doctor}'s reply ({where or 'archive'})"
    if source.doctor and "question" in kinds:
        return f"Dr. {source.doctor}'s reply and the page's More Info ({where or 'archive'})"
    return where or "archive"


def relevance(source: Source, best: float) -> str:
    """ "high", "medium" or "low": how close the best passage is to the question (MiniLM
    cosine) where the dense search measured it, else the fused score against the draft's
    best source."""
    dense = max((p.dense for p in source.passages if p.dense is not None), default=None)
    if dense is not None:
        return "high" if dense >= 0.6 else "medium" if dense >= 0.45 else "low"
    share = source.score / best if best else 0.0
    return "high" if share >= 0.75 else "medium" if share >= 0.4 else "low"


def highlighted(passage: str, sentence: str) -> str:
    """The passage as HTML (escaped), the words it shares with the sentence in ``<mark>``
    (compared by stem; words of five letters or more)."""
    shared = {w for w in key_of(sentence).split() if len(w) >= 5}
    parts = re.split(r"(\w+)", passage)
    return "".join(
        f"<mark>{escape(part)}</mark>" if i % 2 and key_of(part) in shared else escape(part)
        for i, part in enumerate(parts)
    )


def supporting_passage(draft: Draft, checks: CheckReport, position: Position) -> Passage | None:
    check = next((c for c in checks.sentences if (c.section, c.index) == position), None)
    if check is None:
        return None
    return Passage(
        sentence=check.text,
        supported=check.supported,
        score=check.score,
        text=check.evidence,
        origin=_origin(draft, check),
        reasons=check.reasons,
    )


def _origin(draft: Draft, check: SentenceCheck) -> str:
    label = check.evidence_from
    if label == "reply":
        return "the doctor's reply"
    if label and label.startswith("[") and label.endswith("]") and label[1:-1].isdigit():
        n = int(label[1:-1])
        if 1 <= n <= len(draft.sources):
            source = draft.sources[n - 1]
            return f"source {label}: {source.display_title} — {source_origin(source)}"
        return f"source {label} (not among the draft's sources)"
    if check.origin == "template":
        return "standard wording (not checked against sources)"
    return label or "no passage found"
