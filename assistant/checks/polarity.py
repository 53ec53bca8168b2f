"""Polarity of a claim against the passage it aligns with: negation scope, hedging, direction.

Two sentences can share every content word and still say opposite things: "antibiotics are
not recommended" and "antibiotics are recommended"; "it raises blood pressure" and "it lowers
blood pressure"; "it always causes" and "it may cause". These functions read the cues:

- **negation scope**: a cue ("not", "no", "never", "without", "avoid", "no need", "don't",
  "unnecessary", …) negates the next few words up to a clause break (punctuation, "but",
  "and", "which"); :func:`negated_words` returns the content words in scope.
  :func:`polarity_conflicts` lists content words both texts share and only one negates.
- **hedging**: "may", "might", "can", "possibly", "sometimes", "rarely", "some", …;
  :func:`hedged` says whether a text hedges.
- **quantity direction**: "increase", "raise", "higher", "more than" go up; "decrease",
  "lower", "reduce", "less than" go down. :func:`direction_conflicts` lists shared content
  words one text moves up and the other down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.checks.agreement import tokens

SCOPE = 6  # words after a negation cue that it negates, at most
_BREAK = re.compile(r"[,;:.!?()]|\b(?:but|however|although|though|which|whereas|while)\b", re.I)
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nothing|neither|nor|cannot|without|avoid(?:ed|s|ing)?|"
    r"unnecessary|unlikely|lack(?:s|ing)?|absence|rule[sd]? out|free of|"
    r"contraindicated|instead of|rather than|stop(?:ped|ping|s)?)\b|n['\u2019]t\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:may|might|can|could|possibl[ey]|perhaps|sometimes|occasionally|rarely|some|"
    r"likely|unlikely|probabl[ey]|usually|often|typically|generally|suggest(?:s|ed)?|"
    r"potential(?:ly)?|in some cases|not always)\b",
    re.IGNORECASE,
)
_UP = re.compile(
    r"\b(?:increas\w*|rais\w*|rise[sn]?|rising|higher|high|more|greater|elevat\w*|boost\w*|"
    r"worsen\w*|above|over|exceed\w*|at least|gain\w*|up)\b",
    re.IGNORECASE,
)
_DOWN = re.compile(
    r"\b(?:decreas\w*|lower\w*|low|reduc\w*|less|fewer|declin\w*|drop\w*|fall\w*|fell|"
    r"diminish\w*|below|under|at most|los[est]\w*|down)\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "by",
        "with",
        "and",
        "or",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "from",
        "your",
        "you",
        "they",
        "their",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "i",
        "my",
        "me",
        "can",
        "may",
        "might",
        "should",
        "would",
        "could",
        "will",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "also",
        "than",
        "then",
        "so",
        "if",
        "about",
        "into",
        "such",
        "there",
        "which",
        "who",
        "what",
        "when",
        "how",
        "more",
        "most",
        "less",
        "very",
        "often",
        "some",
        "any",
        "all",
        "other",
        "only",
    ]
)


def content_words(text: str) -> list[str]:
    """Folded word tokens of ``text`` without stop words or cue words."""
    return [t for t in tokens(text) if t not in STOPWORDS and not t.isdigit() and len(t) > 2]


def _clauses(text: str) -> list[str]:
    return [c for c in _BREAK.split(text) if c and c.strip()]


def negated_words(text: str) -> set[str]:
    """Content words within the scope of a negation cue (up to ``SCOPE`` words, one clause)."""
    found: set[str] = set()
    for clause in _clauses(text):
        for cue in _NEGATION.finditer(clause):
            after = tokens(clause[cue.end() :])[:SCOPE]
            found.update(w for w in after if w not in STOPWORDS and len(w) > 2)
    return found


def negations(text: str) -> int:
    """How many negation cues ``text`` has."""
    return len(_NEGATION.findall(text))


def polarity_conflicts(claim: str, passage: str) -> list[str]:
    """Content words both texts share that one negates and the other does not."""
    shared = set(content_words(claim)) & set(content_words(passage))
    flipped = negated_words(claim) ^ negated_words(passage)
    return sorted(shared & flipped)


def hedged(text: str) -> bool:
    return _HEDGE.search(text) is not None


@dataclass(frozen=True, slots=True)
class Moves:
    """Content words a text says go up, and those it says go down (in the same clause as the
    cue)."""

    up: frozenset[str]
    down: frozenset[str]


def moves(text: str) -> Moves:
    up: set[str] = set()
    down: set[str] = set()
    for clause in _clauses(text):
        words = set(content_words(clause))
        if _UP.search(clause):
            up |= words
        if _DOWN.search(clause):
            down |= words
    return Moves(frozenset(up - down), frozenset(down - up))


def direction_conflicts(claim: str, passage: str) -> list[str]:
    """Content words one text moves up and the other down ("raises"/"lowers" blood pressure)."""
    a, b = moves(claim), moves(passage)
    cue = re.compile(f"{_UP.pattern}|{_DOWN.pattern}", re.IGNORECASE)
    clash = (a.up & b.down) | (a.down & b.up)
    return sorted(w for w in clash if not cue.fullmatch(w))
