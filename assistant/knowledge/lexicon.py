"""A medical vocabulary: lay, brand and medical names of one concept, abbreviations, plain names.

The data file ``data/lexicon.json.gz`` is built by ``build_lexicon.py`` from three MIT-licensed
PyPI dictionaries (MeSH disease names, a drug-name dictionary, a medical-abbreviation glossary;
see ``data/README.md``). Nothing is read at import time: ``lexicon()`` loads it once, on first
use.

Matching is on lowercase word tokens (letters and digits; punctuation and hyphens separate
words), so "heart-attack", "Heart attack" and "heart attack" are one name, and a name only
matches whole words. ``find`` takes the longest known name at each position, by dictionary
lookup of token n-grams. Abbreviations are found in text only when written in capitals, when
they have one meaning and are not also an English word ("IT", "AGE" are not), and not at all
in a text that is mostly capitals.
"""

from __future__ import annotations

import gzip
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from assistant.resources import packaged

DATA_FILE = packaged("knowledge", "data", "lexicon.json.gz")
LAY_NAMES_FILE = packaged("knowledge", "data", "lay_names.toml")
FORMAT = 1

Kind = Literal["disease", "drug", "abbreviation"]

_TOKEN = re.compile(r"[^\W_]+")
_SHOUTING = 0.5  # a text with more than this share of its words in capitals is shouting...
_SHOUTING_WORDS = 4  # ...if it has at least this many words ("MI" alone is an abbreviation)
_JOIN = re.compile(r"[\s\-'\u2019,/+&.]{1,3}")  # what may stand between the words of one name


_NAME_WORD = re.compile(r"[a-z]{5,}")
# what joins a combination medicine's parts in its name: "amoxicillin and clavulanic acid",
# "trimethoprim/sulfamethoxazole"
_PARTS = re.compile(r"\s*/\s*|\s+and\s+|\s*,\s*", re.I)


def _key(name: str) -> str:
    return " ".join(_TOKEN.findall(name.lower()))


def _is_capitals(word: str) -> bool:
    return word.isupper() and sum(ch.isalpha() for ch in word) >= 2


@dataclass(frozen=True, slots=True)
class Concept:
    """One disease or drug with all its names; ``name`` is the medical or generic one."""

    kind: Literal["disease", "drug"]
    name: str
    plain: str | None
    names: tuple[str, ...]  # all names, ``name`` first


@dataclass(frozen=True, slots=True)
class Mention:
    """A known name found in a text: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str
    canonical: str
    kind: Kind


class Lexicon:
    """Names of diseases and drugs, and medical abbreviations; build it with ``load``."""

    def __init__(self, data: dict[str, Any], lay_names: Mapping[str, str] | None = None) -> None:
        if data.get("format") != FORMAT:
            raise ValueError(
                f"lexicon data has format {data.get('format')!r}, this code reads {FORMAT}; "
                "rebuild it with `python -m assistant.knowledge.build_lexicon`"
            )
        self.sources: dict[str, str] = dict(data.get("sources", {}))
        self._concepts: list[Concept] = []
        self._index: dict[str, int] = {}  # name key -> concept
        self._longest: dict[str, int] = {}  # first token -> most tokens of a name it starts
        self._words: frozenset[str] | None = None  # the words of the names, read on first use
        for kind, name, plain, others in data["concepts"]:
            concept = Concept(kind, name, plain, (name, *others))
            number = len(self._concepts)
            self._concepts.append(concept)
            for each in concept.names:
                k = _key(each)
                if not k:
                    continue
                self._index.setdefault(k, number)
                first, _, _ = k.partition(" ")
                n = k.count(" ") + 1
                if n > self._longest.get(first, 0):
                    self._longest[first] = n
        self._upper_only: frozenset[str] = frozenset(data["upper_only"])
        self._abbreviations: dict[str, tuple[str, ...]] = {
            abbr: tuple(meanings) for abbr, meanings in data["abbreviations"].items()
        }
        self._abbreviations_folded: dict[str, str] = {}
        for abbr in sorted(self._abbreviations, key=lambda a: (a != a.upper(), a)):
            self._abbreviations_folded.setdefault(abbr.casefold(), abbr)  # capitals win
        self._in_text: frozenset[str] = frozenset(data["abbreviations_in_text"])
        for lay, known in (lay_names or {}).items():
            self._add_name(lay, known)

    def _add_name(self, lay: str, known: str) -> None:
        """``lay`` becomes one more name of the concept ``known`` names."""
        key = _key(lay)
        target, own = self._index.get(_key(known)), self._index.get(key)
        if target is None:
            raise ValueError(f"lay name {lay!r}: {known!r} is no name the lexicon knows")
        if own is not None and own != target:
            other = self._concepts[own].name
            raise ValueError(f"lay name {lay!r} already names {other!r}, not {known!r}")
        if own is None:
            concept = self._concepts[target]
            self._concepts[target] = Concept(
                concept.kind, concept.name, concept.plain, (*concept.names, lay)
            )
            self._index[key] = target
            first, _, _ = key.partition(" ")
            self._longest[first] = max(self._longest.get(first, 0), key.count(" ") + 1)

    @classmethod
    def load(cls, path: Path = DATA_FILE, lay_names: Path | None = LAY_NAMES_FILE) -> Lexicon:
        """Read the lexicon from its gzipped JSON file (the package's own by default), with
        the reviewed lay names of ``lay_names`` (a TOML file; see its header)."""
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                data = json.load(f)
        except FileNotFoundError:
            raise FileNotFoundError(
                f"{path}: the lexicon data file is missing; reinstall the package or rebuild it "
                "with `python -m assistant.knowledge.build_lexicon` (see its docstring)"
            ) from None
        if lay_names is None:
            return cls(data)
        try:
            names = tomllib.loads(lay_names.read_text(encoding="utf-8"))["names"]
            return cls(data, {str(k): str(v) for k, v in names.items()})
        except (tomllib.TOMLDecodeError, KeyError, ValueError) as exc:
            raise ValueError(f"{lay_names}: {exc}; fix the file (see its header)") from exc

    def __len__(self) -> int:
        return len(self._concepts)

    def names(self) -> Iterator[str]:
        """Every name of every disease and drug."""
        for concept in self._concepts:
            yield from concept.names

    def has_word(self, word: str) -> bool:
        """Whether ``word`` (five letters or more) is a word of a disease's or drug's name:
        "rotavirus" (of "rotavirus infections"), which no English word list has."""
        if self._words is None:
            self._words = frozenset(w for n in self.names() for w in _NAME_WORD.findall(n.lower()))
        return word.lower() in self._words

    # ------------------------------------------------------------------ look-ups

    def concept(self, term: str) -> Concept | None:
        """The disease or drug ``term`` names, or that an unambiguous abbreviation stands for."""
        number = self._index.get(_key(term))
        if number is not None:
            return self._concepts[number]
        meanings = self._abbreviations.get(term.strip())
        if meanings is not None and len(meanings) == 1:
            number = self._index.get(_key(meanings[0]))
            if number is not None:
                return self._concepts[number]
        return None

    def ingredients(self, term: str) -> tuple[str, ...]:
        """The generic names of a combination medicine's parts, where the drug dictionary
        names it by them and knows each ("Augmentin" -> ("amoxicillin", "clavulanic acid"),
        "Bactrim" -> ("trimethoprim", "sulfamethoxazole")); () for anything else."""
        concept = self.concept(term)
        if concept is None or concept.kind != "drug":
            return ()
        parts = [p for p in _PARTS.split(concept.name) if p]
        known = [self.concept(p) for p in parts]
        if len(parts) < 2 or any(c is None or c.kind != "drug" for c in known):
            return ()
        return tuple(c.name for c in known if c is not None)

    def synonyms(self, term: str) -> frozenset[str]:
        """All names of the concept ``term`` names, ``term`` itself included (as written).

        Case-insensitive: "Lexapro", "lexapro" and "LEXAPRO" name the same concept. An unknown
        term's only name is itself.
        """
        term = term.strip()
        concept = self.concept(term)
        if concept is None:
            return frozenset({term}) if term else frozenset()
        own = _key(term)
        return frozenset({n for n in concept.names if _key(n) != own} | {term})

    def written(self, term: str) -> str:
        """``term`` as the dictionary writes it ("zyrtec" -> "Zyrtec"); unknown terms and
        terms written with a capital stay as they are."""
        if not term.islower():
            return term
        concept = self.concept(term)
        own = _key(term)
        found = [n for n in concept.names if _key(n) == own] if concept else []
        return found[0] if found else term

    def canonical(self, term: str) -> str | None:
        """The medical or generic name: "heart attack" -> "myocardial infarction",
        "Lexapro" -> "escitalopram", "MI" -> "myocardial infarction"; None if unknown."""
        concept = self.concept(term)
        return concept.name if concept else None

    def plain_name(self, term: str) -> str | None:
        """A common lay name for a medical term ("myocardial infarction" -> "heart attack").

        None when the dictionary has no lay name that is made of common words and used in the
        project's Q&A corpus, for drugs, and when ``term`` already is that lay name, or it
        written apart ("Pinkeye", "pink eye").
        """
        concept = self.concept(term)
        if concept is None or concept.plain is None:
            return None
        if _key(concept.plain).replace(" ", "") == _key(term).replace(" ", ""):
            return None
        return concept.plain

    def with_plain_name(self, term: str) -> str:
        """ "myocardial infarction (heart attack)"; ``term`` unchanged when it has no plain name."""
        plain = self.plain_name(term)
        return f"{term} ({plain})" if plain else term

    def expand_abbreviation(self, abbr: str) -> tuple[str, ...]:
        """The meanings of a medical abbreviation ("HTN" -> ("hypertension",)); () if unknown.

        The exact spelling is tried first, then capitals, then any case ("Abd" -> abdomen).
        """
        abbr = abbr.strip()
        for spelling in (abbr, abbr.upper(), self._abbreviations_folded.get(abbr.casefold())):
            if spelling and spelling in self._abbreviations:
                return self._abbreviations[spelling]
        return ()

    # ------------------------------------------------------------------ free text

    def find(self, text: str) -> list[Mention]:
        """Known disease and drug names and abbreviations in ``text``, in order, not overlapping."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
        words = [t[2].lower() for t in tokens]
        letters = [t[2] for t in tokens if any(ch.isalpha() for ch in t[2])]
        shouting = len(letters) >= _SHOUTING_WORDS and (
            sum(_is_capitals(w) for w in letters) > _SHOUTING * len(letters)
        )
        mentions: list[Mention] = []
        i = 0
        while i < len(tokens):
            found = self._longest_name(text, tokens, words, i)
            if found is not None:
                n, concept = found
                start, end = tokens[i][0], tokens[i + n - 1][1]
                mentions.append(Mention(start, end, text[start:end], concept.name, concept.kind))
                i += n
                continue
            start, end, word = tokens[i]
            if not shouting and word in self._in_text and _is_capitals(word):
                meaning = self._abbreviations[word][0]
                resolved = self._index.get(_key(meaning))
                canonical = self._concepts[resolved].name if resolved is not None else meaning
                mentions.append(Mention(start, end, word, canonical, "abbreviation"))
            i += 1
        return mentions

    def _longest_name(
        self, text: str, tokens: list[tuple[int, int, str]], words: list[str], i: int
    ) -> tuple[int, Concept] | None:
        longest = self._longest.get(words[i], 0)
        for n in range(min(longest, len(words) - i), 0, -1):
            number = self._index.get(" ".join(words[i : i + n]))
            if number is None:
                continue
            if n == 1 and words[i] in self._upper_only and not _is_capitals(tokens[i][2]):
                continue  # "aids" in "hearing aids" is not AIDS
            if n > 1 and not _one_phrase(text, tokens, i, n):
                continue  # "heart. Attack" is two sentences
            return n, self._concepts[number]
        return None


def _one_phrase(text: str, tokens: list[tuple[int, int, str]], i: int, n: int) -> bool:
    """Whether only spaces, hyphens, apostrophes, commas and the like join words i..i+n-1."""
    for j in range(i, i + n - 1):
        between = text[tokens[j][1] : tokens[j + 1][0]]
        if not _JOIN.fullmatch(between) or ". " in between or between.endswith("."):
            return False
    return True


@cache
def lexicon() -> Lexicon:
    """The package's lexicon, loaded on first use and shared."""
    return Lexicon.load()
