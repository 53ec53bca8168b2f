"""What a drafter does with a reviewer's instruction (``DraftRequest.instruction``) when a
draft is regenerated: each drafter follows it itself and says in the draft's provenance what
it did (``Provenance.instruction_note``), and says beforehand what it can do
(``Drafter.instructions``).

A language model reads the instruction in its prompt. The grounded composer copies sentences
verbatim, so it follows the two preset instructions its own way: "shorter" picks half as many
source sentences, "simpler" leaves out the source sentences that read above grade 10 (never
from a section that answers the question); free text it cannot follow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.drafting.models import Draft
from assistant.knowledge.readability import GRADE_TARGET, measure

PRESETS = ("simpler", "shorter")
HARD_GRADE = GRADE_TARGET[1] + 2  # "simpler" drops source sentences above this grade
MIN_SENTENCES = 3  # …but keeps at least this many


@dataclass(frozen=True)
class Instructions:
    """What a drafter can do with an instruction, for the reviewer to read before choosing."""

    summary: str
    free_text: bool  # whether it follows instructions in the reviewer's own words


COMPOSER = Instructions(
    "The grounded composer copies sentences from the sources. It can make the draft "
    "**shorter** (half as many source sentences) or **simpler** (it leaves out source "
    f"sentences above grade {HARD_GRADE:g}, never from the section that answers the "
    "question). It cannot follow your own instructions: edit the text instead, or "
    "configure a language model (ASSISTANT_DRAFTER=llm).",
    free_text=False,
)
LANGUAGE_MODEL = Instructions(
    "The language model drafts again from the same sources and reads your instruction; "
    "every sentence is checked against the sources again.",
    free_text=True,
)
NONE = Instructions("This drafter ignores instructions.", free_text=False)

COMPOSER_CANNOT = (
    "The grounded composer copies sentences from the sources and cannot follow free-text "
    "instructions (only “simpler” and “shorter”); configure a language model "
    "(ASSISTANT_DRAFTER=llm) for that, or edit the text."
)


def normalize(instruction: str | None) -> str | None:
    text = " ".join((instruction or "").split())
    return text or None


def preset(instruction: str | None) -> Literal["simpler", "shorter", "other"] | None:
    """Which preset an instruction names ("Shorter." is "shorter"), "other", or None."""
    text = normalize(instruction)
    if text is None:
        return None
    word = text.lower().rstrip(".!")
    return "simpler" if word == "simpler" else "shorter" if word == "shorter" else "other"


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
