"""Patients' spellings of medical names ("hemmroids", "chylamdia", "benedryl"), read as the
names the archive and the dictionaries know, so that the focus is found and the search
matches.

A word is corrected only when it is long enough to be a name, no answer in the archive
uses it (it is not in the keyword index's vocabulary) and one known name's word is close
to it: same first letter, similar length and a ``difflib`` similarity of at least
``CUTOFF``. Everything else is left as written; a correction is reported, never hidden.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from pydantic import BaseModel, ConfigDict

CUTOFF = 0.75
MIN_LETTERS = 6
_WORD = re.compile(r"[A-Za-z][a-z]+")


class Correction(BaseModel):
    model_config = ConfigDict(frozen=True)

    written: str
    read_as: str


class Speller:
    """Corrects misspelt medical names against ``names`` (words of archive foci and of the
    dictionaries); ``known`` says whether a word is used in the archive as written."""

    def __init__(self, names: Iterable[str], known: Callable[[str], bool]) -> None:
        self._known = known
        # by first letter, in the order first named (dicts as ordered sets: ties break alike
        # on every run)
        self._words: dict[str, dict[str, None]] = defaultdict(dict)
        for name in names:
            for word in _WORD.findall(name.lower()):
                if len(word) >= MIN_LETTERS - 1:
                    self._words[word[0]][word] = None
        self._vocabulary = {w for words in self._words.values() for w in words}

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
        if len(low) < MIN_LETTERS or low in self._vocabulary or self._known(low):
            return None
        matcher = difflib.SequenceMatcher(b=low, autojunk=False)
        best: tuple[float, str] | None = None
        for word in self._words.get(low[0], ()):
            if abs(len(word) - len(low)) > 3:
                continue
            matcher.set_seq1(word)
            if matcher.real_quick_ratio() < CUTOFF or matcher.quick_ratio() < CUTOFF:
                continue
            ratio = matcher.ratio()
            # of two close names, the one nearer in length ("clindamycin", not "clindamycinum")
            score = ratio - 0.02 * abs(len(word) - len(low))
            if ratio >= CUTOFF and (best is None or score > best[0]):
                best = (score, word)
        return best[1] if best else None
