"""How machine drafts fare with physicians, per drafter and week: the share approved, approved
unchanged and rejected; how much physicians changed them; how long a decision took; and the
sentences physicians delete most often, with their sources (the measures of Epic's In Basket
draft studies).

Every question with a machine draft counts once, in the week of its newest machine draft
before the decision (pending ones count as drafted, not decided).
"""

from __future__ import annotations

import difflib
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from assistant.drafting.models import Draft
from assistant.drafting.parsing import parse_markdown
from assistant.review.store import ReviewStore
from assistant.review.views import QuestionDetail, QueueFilter, VersionView


@dataclass(frozen=True)
class Outcome:
    """One machine draft and what became of it."""

    question_id: int
    drafter: str
    model: str
    week: str  # ISO week of the machine draft, "2026-W49"
    decision: str | None  # "approved", "rejected", or None (not decided yet)
    unchanged: bool  # approved exactly as the machine wrote it
    words_changed: float | None  # 0..1: share of the machine draft's words changed
    hours_to_decision: float | None
    deleted: tuple[tuple[str, str], ...] = ()  # (sentence, its source) a physician removed


@dataclass(frozen=True)
class WeekRow:
    drafter: str
    week: str
    drafts: int
    decided: int  # approved or rejected
    approved: float  # shares of the week's drafts
    approved_unchanged: float
    rejected: float
    median_words_changed: float | None  # of approved drafts
    median_hours_to_decision: float | None


@dataclass(frozen=True)
class Deleted:
    sentence: str
    times: int
    source: str


def outcomes(store: ReviewStore) -> list[Outcome]:
    """Every machine-drafted question in the store, oldest first."""
    found = []
    for question in store.queue(QueueFilter()):
        outcome = outcome_of(store.detail(question.id))
        if outcome is not None:
            found.append(outcome)
    return found


def outcome_of(detail: QuestionDetail) -> Outcome | None:
    decided = detail.reviews[-1] if detail.reviews else None
    if decided is not None and decided.version_number > len(detail.versions):
        decided = None
    cutoff = decided.version_number if decided else len(detail.versions)
    machine = _newest_machine(detail.versions[:cutoff])
    if machine is None:
        return None
    week = _week(machine.created_at)
    if decided is None:
        return Outcome(
            detail.question.id, machine.drafter, machine.model, week, None, False, None, None
        )
    final = detail.versions[decided.version_number - 1]
    hours = (decided.created_at - machine.created_at).total_seconds() / 3600
    approved = decided.decision == "approved"
    return Outcome(
        question_id=detail.question.id,
        drafter=machine.drafter,
        model=machine.model,
        week=week,
        decision=decided.decision,
        unchanged=approved and final.body == machine.body,
        words_changed=changed_share(machine.body, final.body) if approved else None,
        hours_to_decision=max(0.0, hours),
        deleted=tuple(deleted_sentences(machine, final)) if approved else (),
    )


def changed_share(before: str, after: str) -> float:
    """The share of ``before``'s words that a word-level diff does not keep in ``after``
    (0: unchanged; 1: rewritten), an edit distance that reads as a percentage."""
    old, new = before.split(), after.split()
    if not old:
        return 0.0 if not new else 1.0
    kept = sum(
        b.size
        for b in difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks()
    )
    return round(1 - kept / len(old), 4)


def deleted_sentences(machine: VersionView, final: VersionView) -> list[tuple[str, str]]:
    """The machine draft's source sentences that the approved text no longer holds, each with
    the title of the source it quoted."""
    draft = Draft.model_validate(machine.draft)
    titles = {s.record_id: s.display_title for s in draft.sources}
    kept = " ".join(s.text for section in parse_markdown(final.body) for s in section.sentences)
    kept = " ".join(kept.split()).lower()
    gone = []
    for _, _, sentence in draft.sentences():
        text = " ".join(sentence.text.split())
        if sentence.origin != "source" or text.lower() in kept:
            continue
        gone.append((text, titles.get(sentence.source_id or "", sentence.source_id or "a source")))
    return gone


def weekly(found: Iterable[Outcome]) -> list[WeekRow]:
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for o in found:
        groups.setdefault((o.drafter, o.week), []).append(o)
    ordered = sorted(groups.items(), key=lambda g: (g[0][1], g[0][0]))
    return [summary(group, drafter, week) for (drafter, week), group in ordered]


def summary(group: Sequence[Outcome], drafter: str = "all", week: str = "all") -> WeekRow:
    """The measures over ``group`` (not empty): a week's row, or all drafts at once."""
    n = len(group)
    approved = [o for o in group if o.decision == "approved"]
    changes = [o.words_changed for o in approved if o.words_changed is not None]
    hours = [o.hours_to_decision for o in group if o.hours_to_decision is not None]
    return WeekRow(
        drafter=drafter,
        week=week,
        drafts=n,
        decided=sum(o.decision is not None for o in group),
        approved=len(approved) / n,
        approved_unchanged=sum(o.unchanged for o in approved) / n,
        rejected=sum(o.decision == "rejected" for o in group) / n,
        median_words_changed=statistics.median(changes) if changes else None,
        median_hours_to_decision=statistics.median(hours) if hours else None,
    )


def as_text(row: WeekRow) -> dict[str, str]:
    """A week's row as the CLI and the app show it."""

    def share(value: float) -> str:
        return f"{value:.0%}"

    changed, hours = row.median_words_changed, row.median_hours_to_decision
    return {
        "drafter": row.drafter,
        "week": row.week,
        "drafts": str(row.drafts),
        "approved": share(row.approved),
        "approved unchanged": share(row.approved_unchanged),
        "rejected": share(row.rejected),
        "words changed": "n/a" if changed is None else share(changed),
        "hours to decision": "n/a" if hours is None else f"{hours:.1f}",
    }


def most_deleted(found: Sequence[Outcome], n: int = 10) -> list[Deleted]:
    counts = Counter(d for o in found for d in o.deleted)
    return [Deleted(text, times, source) for (text, source), times in counts.most_common(n)]


def _newest_machine(versions: Sequence[VersionView]) -> VersionView | None:
    machine = [v for v in versions if v.kind != "edit"]
    return machine[-1] if machine else None


def _week(when: datetime) -> str:
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"
