"""Red-flag symptoms in a patient's question, and whether a draft tells them to get emergency help.

The categories, their patterns and the escalation paragraph for each live in
``data/red_flags.toml`` beside this module (see its header for the matching rules).
Negation handling is deliberately simple: a match is ignored when a negation word ("no",
"not", "without", "denies", "don't have", …) comes within a few words before it in the same
clause.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from assistant.resources import packaged

RED_FLAGS_FILE = packaged("knowledge", "data", "red_flags.toml")

NEGATION_WINDOW = 4  # words before a match that may negate it
_NEGATION = re.compile(
    r"\b(?:no|not|never|without|none|neither|nor|denies|denied|deny|free|absence|"
    r"don't|doesn't|didn't|do not|does not|did not|haven't|hasn't|hadn't|isn't|wasn't|"
    r"aren't|weren't|hardly|rule out|ruled out)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;:!?,()\n]|\b(?:but|however|although|though|except)\b", re.IGNORECASE)

_ESCALATION = [
    r"call (?:9-?1-?1|999|112|000|an ambulance|emergency services|(?:your|the) local emergency"
    r" number)",
    r"(?:local )?emergency (?:number|department|room|services|care|help)",
    r"(?:go|get|head|come|be taken) (?:straight |right away |immediately |now )?to "
    r"(?:the |an |your |your nearest |the nearest )?(?:er|a&e|emergency|hospital)",
    r"9-?1-?1",
    r"988",
    r"crisis (?:line|hotline|text line|lifeline)",
    r"suicide (?:and crisis )?(?:hotline|lifeline)",
    r"poison control",
    r"ambulance",
]
ESCALATION = re.compile("|".join(rf"(?<!\w)(?:{p})(?!\w)" for p in _ESCALATION), re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A red-flag category found in a text, with the words that triggered it."""

    category: str
    label: str
    matched: str
    escalation: str


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label: str
    escalation: str
    any_of: tuple[re.Pattern[str], ...]
    all_of: tuple[tuple[re.Pattern[str], ...], ...]
    negatable: bool = True

    def find(self, text: str) -> str | None:
        """The words that make this category fire in ``text``, or None."""
        for pattern in self.any_of:
            hit = _first(pattern, text, self.negatable)
            if hit:
                return hit
        if not self.all_of:
            return None
        hits: list[str] = []
        for group in self.all_of:
            hit = next((h for p in group if (h := _first(p, text, self.negatable))), None)
            if hit is None:
                return None
            hits.append(hit)
        return " … ".join(hits)


def _first(pattern: re.Pattern[str], text: str, negatable: bool) -> str | None:
    for match in pattern.finditer(text):
        if not (negatable and is_negated(text, match.start())):
            return match.group()
    return None


def is_negated(text: str, start: int) -> bool:
    """Is the phrase starting at ``start`` negated by a word shortly before it, same clause?"""
    before = text[:start]
    ends = list(_CLAUSE_END.finditer(before))
    clause = before[ends[-1].end() :] if ends else before
    window = " ".join(clause.split()[-NEGATION_WINDOW:])
    return _NEGATION.search(window) is not None


def load_categories(path: Path = RED_FLAGS_FILE) -> list[Category]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path}: cannot read the red-flag file: {error}") from error
    categories: list[Category] = []
    for n, entry in enumerate(data.get("category", []), start=1):
        missing = [k for k in ("id", "label", "escalation") if not entry.get(k)]
        if missing or not (entry.get("any_of") or entry.get("all_of")):
            raise ValueError(
                f"{path}: category #{n} ({entry.get('id', '?')}) needs id, label, escalation "
                f"and any_of or all_of; missing {', '.join(missing) or 'patterns'}"
            )
        try:
            categories.append(
                Category(
                    id=entry["id"],
                    label=entry["label"],
                    escalation=entry["escalation"],
                    any_of=tuple(_compile(p) for p in entry.get("any_of", [])),
                    all_of=tuple(tuple(_compile(p) for p in g) for g in entry.get("all_of", [])),
                    negatable=bool(entry.get("negatable", True)),
                )
            )
        except re.error as error:
            raise ValueError(f"{path}: category {entry['id']}: bad pattern: {error}") from error
    return categories


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.IGNORECASE)


@cache
def default_categories() -> tuple[Category, ...]:
    return tuple(load_categories())


def detect_red_flags(text: str, categories: Iterable[Category] | None = None) -> list[RedFlag]:
    """The red-flag categories ``text`` mentions (not negated), in the data file's order."""
    found: list[RedFlag] = []
    for category in default_categories() if categories is None else categories:
        hit = category.find(text)
        if hit is not None:
            found.append(RedFlag(category.id, category.label, hit, category.escalation))
    return found


def has_escalation(text_or_sentences: str | Iterable[str]) -> bool:
    """Does the text tell the reader to get emergency help (911, emergency department, 988…)?"""
    texts = [text_or_sentences] if isinstance(text_or_sentences, str) else text_or_sentences
    return any(
        not is_negated(text, match.start()) for text in texts for match in ESCALATION.finditer(text)
    )
