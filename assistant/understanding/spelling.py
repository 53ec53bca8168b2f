"""Patients' spellings of medical names ("hemmroids", "chylamdia", "benedryl"), read as the
names the archive and the dictionaries know, so that the focus is found and the search
matches.

A word is corrected only when it is long enough to be a name, is not known as written
(``known``: the archive passes "an English word of the CMU pronouncing dictionary that
textstat already loads, or a word some archived answer uses"), is not a contraction written
without its apostrophe ("theres"), and one known name's word is close to it: same first
letter, similar length, similar consonants (``SOUNDS_ALIKE``) and a ``difflib`` similarity of
at least ``CUTOFF``, or of at least ``SOUNDS_CUTOFF`` for a long word with the very same
consonants ("ghonerrea", "gonorrhea"). Everything else is left as written, and a correction
is reported, never hidden: on the 1,212 K-QA patient questions it read 52 distinct words,
46 of them right ("zrytec", "cepahlexin", "resporatory") and 6 wrong ("titrate" as
"tetrate", "Aumentin" as "amentia"), which the draft states for the reviewer to see.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cached_property

from pydantic import BaseModel, ConfigDict
from textstat.backend.utils import get_cmudict  # type: ignore[import-untyped]

CUTOFF = 0.8
SOUNDS_CUTOFF = 0.75  # enough for a long word with the very same consonants
SOUNDS_ALIKE = 0.85  # consonants at least this similar, always
ENGLISH_CUTOFF = 0.85  # for a name's word that is also an English word, unless it sounds alike
MIN_LETTERS = 6
_WORD = re.compile(r"[A-Za-z][a-z]+")


def english(word: str) -> bool:
    """Whether ``word`` is in the CMU pronouncing dictionary (shared with textstat)."""
    words = get_cmudict("en_US")
    return words is not None and word.lower() in words


def _consonants(word: str) -> str:
    """The first letter and the consonants after it, doubles collapsed ("gnr" for both
    "ghonerrea" and "gonorrhea")."""
    rest = re.sub(r"[aeiouyh]", "", word[1:])
    return word[0] + re.sub(r"(.)\1+", r"\1", rest)


class Correction(BaseModel):
    model_config = ConfigDict(frozen=True)

    written: str
    read_as: str


class Speller:
    """Corrects misspelt medical names against ``names`` (words of archive foci and of the
    dictionaries); ``known`` says whether a word is used in the archive as written."""

    def __init__(self, names: Iterable[str], known: Callable[[str], bool]) -> None:
        self._names = names  # read on the first word not known as written: most questions
        self._known = known  # have none, and reading every dictionary name takes a second

    @cached_property
    def _words(self) -> dict[str, dict[str, None]]:
        """Each name's words by first letter, in the order first named (dicts as ordered sets:
        ties break alike on every run)."""
        words: dict[str, dict[str, None]] = defaultdict(dict)
        for name in self._names:
            for word in _WORD.findall(name.lower()):
                if len(word) >= MIN_LETTERS - 1:
                    words[word[0]][word] = None
        return words

    @cached_property
    def _vocabulary(self) -> set[str]:
        return {w for words in self._words.values() for w in words}

    def correct(self, text: str) -> tuple[str, tuple[Correction, ...]]:
        """``text`` with its misspelt names replaced, and the replacements made."""
        corrections: dict[str, Correction] = {}

        def replace(match: re.Match[str]) -> str:
            word = match.group()
            found = self.read(word)
            if found is None:
                return word
            corrections.setdefault(word.lower(), Correction(written=word, read_as=found))
            return found

        corrected = _WORD.sub(replace, text)
        return corrected, tuple(corrections.values())

    def read(self, word: str) -> str | None:
        """The known name ``word`` misspells, or None when it is known or nothing is close."""
        low = word.lower()
        if len(low) < MIN_LETTERS or self._known(low) or low in self._vocabulary:
            return None
        if any(english(f"{low[:-n]}'{low[-n:]}") for n in (1, 2)):
            return None  # a contraction written without its apostrophe ("theres", "doesnt")
        matcher = difflib.SequenceMatcher(b=low, autojunk=False)
        best: tuple[float, str] | None = None
        for word in self._words.get(low[0], ()):
            if abs(len(word) - len(low)) > 3:
                continue
            matcher.set_seq1(word)
            if matcher.real_quick_ratio() < SOUNDS_CUTOFF or matcher.quick_ratio() < SOUNDS_CUTOFF:
                continue
            ratio = matcher.ratio()
            sounds = difflib.SequenceMatcher(a=_consonants(word), b=_consonants(low)).ratio()
            close = sounds >= SOUNDS_ALIKE and (
                ratio >= CUTOFF or (ratio >= SOUNDS_CUTOFF and sounds == 1.0 and len(low) >= 8)
            )
            if close and ratio < ENGLISH_CUTOFF and sounds < 1.0 and english(word):
                close = False  # "Peridex" is not "pride", "sinitus" not "sinus"
            # of two close names, the one nearer in length ("amoxicillin", not "amoxicillins")
            score = ratio - 0.02 * abs(len(word) - len(low))
            if close and (best is None or score > best[0]):
                best = (score, word)
        return best[1] if best else None
