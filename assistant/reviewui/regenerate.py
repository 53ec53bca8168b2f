"""Regenerating a draft with a reviewer's instruction ("simpler", "shorter", free text).

A language model reads the instruction in its prompt. The grounded composer copies
sentences verbatim, so it follows the two preset instructions its own way: "shorter" picks
half as many source sentences, "simpler" leaves out the source sentences that read above
grade 10 (never from a section that answers the question); free text it cannot follow.
``abilities`` says so before anything is drafted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant.checks import GRADE_TARGET, CheckReport, measure
from assistant.drafting import Draft, DraftRequest
from assistant.drafting.composer import GroundedComposer

if TYPE_CHECKING:
    from assistant.reviewui.services import Services

PRESETS = ("simpler", "shorter")
HARD_GRADE = GRADE_TARGET[1] + 2  # "simpler" drops source sentences above this grade
MIN_SENTENCES = 3  # …but keeps at least this many


@dataclass(frozen=True)
class Regenerated:
    draft: Draft
    checks: CheckReport
    note: str | None = None  # what the drafter did (or could not do) with the instruction


def abilities(drafter: object) -> tuple[str, bool]:
    """What regenerating with ``drafter`` can do, for the reviewer to read before choosing,
    and whether it follows free-text instructions."""
    if isinstance(drafter, GroundedComposer):
        return (
            "The grounded composer copies sentences from the sources. It can make the draft "
            "**shorter** (half as many source sentences) or **simpler** (it leaves out source "
            f"sentences above grade {HARD_GRADE:g}, never from the section that answers the "
            "question). It cannot follow your own instructions: edit the text instead, or "
            "configure a language model (ASSISTANT_DRAFTER=llm).",
            False,
        )
    return (
        "The language model drafts again from the same sources and reads your instruction; "
        "every sentence is checked against the sources again.",
        True,
    )


def normalize(instruction: str | None) -> str | None:
    text = " ".join((instruction or "").split())
    return text or None


def follow_instruction(
    services: Services, request: DraftRequest, instruction: str | None
) -> Regenerated:
    instruction = normalize(instruction)
    request = request.model_copy(update={"instruction": instruction})
    drafter = services.drafter
    if not isinstance(drafter, GroundedComposer) or instruction is None:
        draft, checks = services.finish(drafter.draft(request))
        return Regenerated(draft, checks)
    preset = instruction.lower().rstrip(".!")
    if preset == "shorter":
        fewer = max(MIN_SENTENCES, drafter.max_sentences // 2)
        shorter = GroundedComposer(
            drafter.retriever,
            drafter.embedder,
            drafter.templates,
            max_sentences=fewer,
            archive=drafter.archive,
        )
        draft, checks = services.finish(shorter.draft(request))
        return Regenerated(draft, checks, f"The composer picked at most {fewer} source sentences.")
    draft = drafter.draft(request)
    if preset == "simpler":
        draft, dropped = simplify(draft)
        draft, checks = services.finish(draft)
        return Regenerated(
            draft,
            checks,
            f"The composer left out {dropped} source sentence(s) that read above grade "
            f"{HARD_GRADE:g}.",
        )
    draft, checks = services.finish(draft)
    return Regenerated(
        draft,
        checks,
        "The grounded composer copies sentences from the sources and cannot follow free-text "
        "instructions (only “simpler” and “shorter”); configure a language model "
        "(ASSISTANT_DRAFTER=llm) for that, or edit the text.",
    )


def simplify(draft: Draft) -> tuple[Draft, int]:
    """``draft`` without its hardest source sentences (grade above ``HARD_GRADE``), keeping
    at least ``MIN_SENTENCES`` of them and every sentence of a section that answers what was
    asked; empty sections are dropped. Returns the count left out."""
    answering = {
        s for s, section in enumerate(draft.sections) if section.ask and section.ask in draft.asks
    }
    graded = [
        (measure(sentence.text).grade or 0.0, s, i)
        for s, i, sentence in draft.sentences()
        if sentence.origin == "source" and s not in answering
    ]
    hard = sorted((g, s, i) for g, s, i in graded if g > HARD_GRADE)
    room = max(0, len(graded) - MIN_SENTENCES)
    drop = {(s, i) for _, s, i in hard[::-1][:room]}
    if not drop:
        return draft, 0
    sections = []
    for s, section in enumerate(draft.sections):
        kept = tuple(x for i, x in enumerate(section.sentences) if (s, i) not in drop)
        if kept:
            sections.append(section.model_copy(update={"sentences": kept}))
    return draft.model_copy(update={"sections": sections}), len(drop)
