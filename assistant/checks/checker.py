"""Checks a draft from any drafter: support of every sentence, citations, red flags, readability.

A sentence is checked against what it rests on: a ``template`` sentence is the product's
standard wording and exempt; a ``reply`` sentence against the physician's reply; any other
sentence against the sources it cites (their matched passages and their reply) plus the
physician's reply. Sentences with the same evidence are scored in one call.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.checks.readability import readability_flags
from assistant.checks.report import CheckReport, Flag, FlagKind, SentenceCheck
from assistant.checks.support import Evidence, Support, SupportScorer
from assistant.drafting.arrange import unanswered
from assistant.drafting.models import Draft, DraftSentence
from assistant.knowledge.readability import GRADE_TARGET, LENGTH_TARGET, measure
from assistant.knowledge.redflags import Category, detect_red_flags, has_escalation
from assistant.retrieval import Source

# true of a draft and of a published page alike: it never says that this text was approved
DISCLAIMER = (
    "This explanation was drafted with software from doctors' past answers; a physician "
    "reviews every page before it is published. It is general information, not a diagnosis: "
    "ask your own doctor about your care."
)
STANDARD_WORDING = "standard wording"
EMERGENCY_ADVICE = "emergency advice: checked by the red-flag rules, not against sources"
_ADVICE_SECTIONS = ("escalation", "seek_care")

Key = tuple[int, ...] | None  # cited source numbers, or None for "the reply only"


@dataclass(frozen=True, slots=True)
class _Item:
    section: int
    index: int
    sentence: DraftSentence
    valid: tuple[int, ...]  # citations that point at a source
    invalid: tuple[int, ...]  # citations that point nowhere


class DraftChecker:
    """Builds a :class:`CheckReport` for a draft; the scorer decides sentence support."""

    def __init__(
        self,
        scorer: SupportScorer,
        *,
        grade_target: tuple[float, float] = GRADE_TARGET,
        length_target: tuple[int, int] = LENGTH_TARGET,
        red_flag_categories: Sequence[Category] | None = None,
    ) -> None:
        self.scorer = scorer
        self.grade_target = grade_target
        self.length_target = length_target
        self.red_flag_categories = red_flag_categories

    def check(self, draft: Draft) -> CheckReport:
        started = time.perf_counter()
        count = len(draft.sources)
        items = [
            _Item(
                s,
                i,
                sentence,
                tuple(n for n in sentence.citations if 1 <= n <= count),
                tuple(n for n in sentence.citations if not 1 <= n <= count),
            )
            for s, i, sentence in draft.sentences()
        ]
        results = self._support(draft, items)
        checks: list[SentenceCheck] = []
        flags: list[Flag] = []
        for item in items:
            support = results[(item.section, item.index)]
            checks.append(
                SentenceCheck(
                    section=item.section,
                    index=item.index,
                    text=item.sentence.text,
                    origin=item.sentence.origin,
                    score=round(min(max(support.score, 0.0), 1.0), 4),
                    supported=support.supported,
                    evidence=support.evidence,
                    evidence_from=support.evidence_from,
                    reasons=support.reasons,
                )
            )
            flags.extend(_sentence_flags(item, support, count))
        flags.extend(self._draft_flags(draft))
        red_flags = detect_red_flags(draft.request.question, self.red_flag_categories)
        escalation = has_escalation([s.text for _, _, s in draft.sentences()])
        if red_flags and not escalation:
            labels = "; ".join(f.label for f in red_flags)
            flags.append(
                Flag(
                    kind="red_flag_without_escalation",
                    severity="error",
                    message=f"the question mentions {labels}, but the draft never tells the "
                    "patient to get emergency help; add the escalation paragraph: "
                    + " ".join(dict.fromkeys(f.escalation for f in red_flags)),
                )
            )
        flags.extend(_answer_flags(draft, results))
        measured = measure(" ".join(s.text for _, _, s in draft.sentences()))
        flags.extend(readability_flags(measured, self.grade_target, self.length_target))
        return CheckReport(
            scorer=self.scorer.name,
            sentences=tuple(checks),
            flags=tuple(flags),
            red_flags=tuple(f.category for f in red_flags),
            red_flag_labels=tuple(f.label for f in red_flags),
            escalation_present=escalation,
            grade=measured.grade,
            words=measured.words,
            seconds=round(time.perf_counter() - started, 4),
        )

    def _support(self, draft: Draft, items: list[_Item]) -> dict[tuple[int, int], Support]:
        results: dict[tuple[int, int], Support] = {}
        groups: dict[Key, list[_Item]] = {}
        for item in items:
            sentence = item.sentence
            if sentence.origin == "template":
                results[(item.section, item.index)] = _exempt(STANDARD_WORDING)
            elif (
                not item.valid
                and draft.sections[item.section].kind in _ADVICE_SECTIONS
                and has_escalation(sentence.text)
            ):
                results[(item.section, item.index)] = _exempt(EMERGENCY_ADVICE)
            else:
                key = None if sentence.origin == "reply" else item.valid
                groups.setdefault(key, []).append(item)
        for key, members in groups.items():
            evidence = _evidence(draft, key)
            scored = self.scorer.score([m.sentence.text for m in members], evidence)
            for member, support in zip(members, scored, strict=True):
                results[(member.section, member.index)] = support
        return results

    def _draft_flags(self, draft: Draft) -> list[Flag]:
        if draft.sources:
            return []
        return [
            Flag(
                kind="no_sources",
                severity="warning",
                message="no past replies were found for this question, so no sentence can be "
                "traced to a source: check every sentence yourself",
            )
        ]


def _exempt(reason: str) -> Support:
    return Support(1.0, True, reasons=(reason,))


def _evidence(draft: Draft, key: Key) -> list[Evidence]:
    evidence: list[Evidence] = []
    for n in key or ():
        evidence.extend(source_evidence(draft.sources[n - 1], f"[{n}]"))
    if draft.request.reply:
        evidence.append(Evidence(draft.request.reply, "reply"))
    return evidence


def source_evidence(source: Source, label: str) -> list[Evidence]:
    """A source's matched passages and its doctor's reply, each as evidence under ``label``."""
    texts = [p.text for p in source.passages]
    if source.reply:
        texts.append(source.reply)
    return [Evidence(text, label) for text in dict.fromkeys(texts) if text.strip()]


def _sentence_flags(item: _Item, support: Support, count: int) -> list[Flag]:
    flags: list[Flag] = []
    quoted = _quote(item.sentence.text)
    if item.invalid:
        numbers = ", ".join(f"[{n}]" for n in item.invalid)
        have = f"[1]-[{count}]" if count else "none"
        flags.append(
            Flag(
                kind="invalid_citation",
                severity="error",
                message=f"{quoted} cites {numbers}, which is not a retrieved source "
                f"(sources: {have})",
                section=item.section,
                index=item.index,
            )
        )
    if support.supported:
        return flags
    why = "; ".join(support.reasons)
    closest = ""
    if support.evidence:
        closest = f" Closest ({support.evidence_from}): {_quote(support.evidence)}"
    kind: FlagKind = "unsupported_sentence"
    message = f"{quoted} is not supported"
    if item.sentence.origin in ("model", "source") and not item.valid:
        kind, message = "uncited_sentence", f"{quoted} cites no source and is not in the reply"
    flags.append(
        Flag(
            kind=kind,
            severity="warning",
            message=f"{message}: {why}.{closest}",
            section=item.section,
            index=item.index,
        )
    )
    return flags


def _quote(text: str | None, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def strict_grounding(draft: Draft, report: CheckReport) -> Draft:
    """A copy of ``draft`` without the sentences ``report`` found unsupported.

    Sections left without sentences are dropped too. Raises ``ValueError`` when the report
    was made for another version of the draft.
    """
    drop: set[tuple[int, int]] = set()
    for check in report.sentences:
        try:
            sentence = draft.sections[check.section].sentences[check.index]
        except IndexError:
            sentence = None
        if sentence is None or sentence.text != check.text:
            raise ValueError(
                f"the check report does not belong to this draft: sentence {check.section}."
                f"{check.index} differs; check the draft again before strict grounding"
            )
        if not check.supported:
            drop.add((check.section, check.index))
    sections = []
    for s, section in enumerate(draft.sections):
        kept = tuple(x for i, x in enumerate(section.sentences) if (s, i) not in drop)
        if kept:
            sections.append(section.model_copy(update={"sentences": kept}))
    return draft.model_copy(update={"sections": sections})


def answers_missing(draft: Draft, results: dict[tuple[int, int], Support]) -> list[str]:
    """What the question asks that no section answers with at least one supported sentence
    from the reply or a source (a draft that says the archive lacks it still lacks it)."""
    supported = [
        (
            section.ask,
            [
                sentence.text
                for i, sentence in enumerate(section.sentences)
                if sentence.origin != "template" and results[(s, i)].supported
            ],
        )
        for s, section in enumerate(draft.sections)
    ]
    return unanswered(draft.asks, supported)


def _answer_flags(draft: Draft, results: dict[tuple[int, int], Support]) -> list[Flag]:
    if not draft.asks:
        return []
    missing = answers_missing(draft, results)
    if not missing:
        return []
    # the doctor's reply may be the answer: the reviewer is told, not overruled
    words = ", ".join(a.replace("_", " ") for a in missing)
    return [
        Flag(
            kind="unanswered",
            severity="warning",
            message=f"the question asks about {words}, but no section of the draft answers "
            "it with a supported sentence: add the answer or check the doctor's reply covers it",
        )
    ]
