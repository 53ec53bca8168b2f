"""Agreement between a claim and its evidence: numbers, doses, durations, drug and condition names.

Embedding similarity cannot tell "take 50 mg" from "take 500 mg", or ibuprofen from naproxen:
the sentences are near neighbours. These checks veto a match that similarity alone would
accept. Quantities are compared after normalising spelling ("50mg" = "50 mg", "twice" =
"2 times", "10 percent" = "10%"); names come from ``data/medical_terms.txt``, where a brand
and its generic are one concept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.resources import packaged

TERMS_FILE = packaged("checks", "data", "medical_terms.txt")

_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
}  # fmt: skip
_ONCE = {"once": "1", "twice": "2", "thrice": "3"}
_UNITS = {
    "mg": "mg", "milligram": "mg", "milligrams": "mg",
    "mcg": "mcg", "µg": "mcg", "ug": "mcg", "microgram": "mcg", "micrograms": "mcg",
    "g": "g", "gram": "g", "grams": "g", "kg": "kg", "kilogram": "kg", "kilograms": "kg",
    "ml": "ml", "cc": "ml", "milliliter": "ml", "milliliters": "ml", "l": "l", "liter": "l",
    "liters": "l", "iu": "unit", "unit": "unit", "units": "unit",
    "%": "%", "percent": "%", "per cent": "%",
    "x": "time", "time": "time", "times": "time",
    "second": "second", "seconds": "second", "sec": "second",
    "minute": "minute", "minutes": "minute", "min": "minute", "mins": "minute",
    "hour": "hour", "hours": "hour", "hr": "hour", "hrs": "hour", "h": "hour",
    "day": "day", "days": "day", "week": "week", "weeks": "week", "wk": "week", "wks": "week",
    "month": "month", "months": "month", "year": "year", "years": "year", "yr": "year",
    "yrs": "year",
    "mm": "mm", "cm": "cm", "m": "m", "inch": "inch", "inches": "inch",
    "tablet": "tablet", "tablets": "tablet", "pill": "tablet", "pills": "tablet",
    "capsule": "capsule", "capsules": "capsule", "dose": "dose", "doses": "dose",
    "drop": "drop", "drops": "drop", "puff": "puff", "puffs": "puff",
    "mmhg": "mmhg", "bpm": "bpm", "°c": "°c", "°f": "°f", "degrees": "degree",
    "degree": "degree",
}  # fmt: skip
_UNIT_RE = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_DIGITS = r"\d+(?:,\d{3})*(?:\.\d+)?(?:/\d+)?"
_WORDS = "|".join(_NUMBER_WORDS)
# digits count alone or with a unit; number words only with a unit ("one of the causes" is no dose)
_QUANTITY = re.compile(
    rf"(?<![\w.])(?P<num>{_DIGITS})(?:\s*-?\s*(?P<unit>{_UNIT_RE})(?!\w))?"
    rf"|\b(?P<word>{_WORDS})[\s-]+(?P<wunit>{_UNIT_RE})(?!\w)"
    rf"|\b(?P<once>{'|'.join(_ONCE)})\b",
    re.IGNORECASE,
)
_LIST_NUMBER = re.compile(r"^\s*\d+[.)]\s+")
_CITATION = re.compile(r"\[\d+\]")
_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its unit, normalised: ``Quantity("50", "mg")``; ``unit`` None when bare."""

    number: str
    unit: str | None

    def __str__(self) -> str:
        if self.unit is None:
            return self.number
        return (
            f"{self.number}{self.unit}"
            if self.unit in ("%", "°c", "°f")
            else (f"{self.number} {self.unit}")
        )


def quantities(text: str) -> list[Quantity]:
    """The numbers in ``text`` with their units; list numbers and ``[n]`` citations ignored."""
    text = _CITATION.sub(" ", _LIST_NUMBER.sub("", text))
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(text):
        if match.group("once"):
            found.append(Quantity(_ONCE[match.group("once").lower()], "time"))
            continue
        if match.group("word"):
            number, unit = _NUMBER_WORDS[match.group("word").lower()], match.group("wunit")
        else:
            number, unit = match.group("num").replace(",", ""), match.group("unit")
        if "." in number:
            number = number.rstrip("0").rstrip(".") or "0"
        found.append(Quantity(number, _UNITS[unit.lower()] if unit else None))
    return found


def missing_quantities(claim: str, evidence: str) -> list[Quantity]:
    """Quantities of the claim that the evidence does not state (a bare number needs the number;
    a number with a unit needs both)."""
    stated = set(quantities(evidence))
    numbers = {q.number for q in stated}
    missing: list[Quantity] = []
    for q in quantities(claim):
        ok = q in stated if q.unit else q.number in numbers
        if not ok and q not in missing:
            missing.append(q)
    return missing


def tokens(text: str) -> list[str]:
    """Lower-case word tokens with possessives dropped and simple plurals folded."""
    return [_fold(t) for t in _TOKEN.findall(text.lower().replace("\u2019", "'"))]


def _fold(token: str) -> str:
    if token.endswith("'s"):
        token = token[:-2]
    if len(token) <= 3 or not token.isalpha():
        return token
    if token.endswith("ies"):
        return token[:-3] + "y"
    if token.endswith("sses"):
        return token[:-2]
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


@dataclass(frozen=True, slots=True)
class Concept:
    """A drug or condition and all the names it goes by."""

    kind: str
    name: str
    names: tuple[tuple[str, ...], ...]  # each name as tokens
    spellings: tuple[str, ...]  # each name as written in the file


@dataclass(frozen=True, slots=True)
class Mention:
    """A concept named in a text, under the name it was written with."""

    concept: Concept
    name: str


class Vocabulary:
    """Finds drug and condition names in text (longest match, whole words)."""

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.concepts = list(concepts)
        self._index: dict[tuple[str, ...], Mention] = {}
        for concept in self.concepts:
            for key, name in zip(concept.names, concept.spellings, strict=True):
                self._index.setdefault(key, Mention(concept, name))
        self.longest = max((len(n) for n in self._index), default=1)

    @classmethod
    def from_file(cls, path: Path = TERMS_FILE) -> Vocabulary:
        concepts: list[Concept] = []
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            kind, sep, rest = line.partition(":")
            names = [n.strip() for n in rest.split("|") if n.strip()]
            if not sep or kind not in ("drug", "condition") or not names:
                raise ValueError(
                    f"{path}:{number}: expected 'drug: name | other name' or 'condition: …', "
                    f"got {raw!r}"
                )
            keyed = {tuple(tokens(n)): n for n in reversed(names) if tokens(n)}
            concepts.append(Concept(kind, names[0], tuple(keyed), tuple(keyed.values())))
        return cls(concepts)

    def find(self, text: str) -> list[Mention]:
        """The concepts named in ``text``, in order of first mention, each once."""
        words = tokens(text)
        found: dict[str, Mention] = {}
        i = 0
        while i < len(words):
            for n in range(min(self.longest, len(words) - i), 0, -1):
                mention = self._index.get(tuple(words[i : i + n]))
                if mention is not None:
                    found.setdefault(mention.concept.name, mention)
                    i += n
                    break
            else:
                i += 1
        return list(found.values())

    def missing(self, claim: str, evidence: str) -> list[Mention]:
        """Concepts the claim names and the evidence names under none of their names."""
        words = tokens(evidence)
        grams = {
            tuple(words[i : i + n])
            for n in range(1, self.longest + 1)
            for i in range(len(words) - n + 1)
        }
        return [m for m in self.find(claim) if not any(n in grams for n in m.concept.names)]


@cache
def default_vocabulary() -> Vocabulary:
    """The shipped vocabulary, read once on first use."""
    return Vocabulary.from_file()


def disagreements(claim: str, evidence: str, vocabulary: Vocabulary) -> list[str]:
    """Why ``evidence`` cannot support ``claim`` even if it reads alike; empty when it agrees."""
    reasons = [
        f"names {m.name}, which the cited source does not"
        for m in vocabulary.missing(claim, evidence)
    ]
    missing = missing_quantities(claim, evidence)
    if missing:
        listed = ", ".join(f'"{q}"' for q in missing)
        reasons.append(f"states {listed}, which the cited source does not")
    return reasons
