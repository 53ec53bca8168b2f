"""Plain text: sentence segmentation for medical prose, shared by chunking and the draft
checks, and ``shorten`` for one-line display.

No library in the stack segments sentences offline (NLTK and spaCy need downloaded
models; langchain's splitters cut on characters), so this is a small rule-based splitter:
lines are units, and within a line a sentence ends at ``.``, ``!`` or ``?`` followed by
a capital, a digit or an opening bracket — except after abbreviations (``Dr.``, ``e.g.``),
initials and list numbers — or at a footnote number after a full stop
(``symptoms.1 Although``, ``ages 45 to 65.2 Hemorrhoids``). Inline bullets (``…: - Fever.
- Cough.``) start new sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import textstat  # type: ignore[import-untyped]

_ABBREVIATION_WORDS = """
dr mr mrs ms prof st vs etc approx fig e.g i.e al jr sr dept inc ltd co mt vol ref u.s u.k
jan feb mar apr jun jul aug sept oct nov dec
"""
ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
# words that open a sentence and rarely end a Title-Case name: the first word of the
# sentence after a glued heading ("Risk Factors These risk factors are …")
_OPENER_WORDS = """
the these this that those there it its they their them
you your we our he she his her a an some many most more much all any each every both few
several other another one no not only about almost nearly approximately if when whenever
while although though because before after during since until unless once as in on at for
with without by from to among between over under through within how what why where who which
whether also however sometimes sometime often usually generally typically normally currently
recently today now here even fortunately unfortunately importantly additionally finally
similarly therefore furthermore moreover
"""
SENTENCE_OPENERS = frozenset(_OPENER_WORDS.split())
# Linear time on any input: a run of end marks or spaces is only entered at its start (the
# lookbehinds) and taken whole (possessive quantifiers), so nothing is retried inside it; a
# run of 100,000 dots splits in milliseconds, not minutes.
_END = re.compile(r"(?<![.!?])[.!?]++[\"')\]]*+\s++(?=[\"'(\[]?[A-Z0-9])")
_BULLET = re.compile(r"(?<=[.:;!?])(?<!\s\s)\s++[-•*]\s++(?=\S)")
# a footnote number after a sentence's full stop ("… had such symptoms.1 Although …"): the
# sentence ends after it, and keeps it, so that no one quotes it as a clean sentence
_FOOTNOTE = re.compile(r"(?<=[a-z]\.)\d{1,2}(?=\s++[A-Z])")
# … and after a number's ("… adults ages 45 to 65.2 Hemorrhoids are also common …", "keep
# their BMI lower than 25.4  Experts recommend …": NIDDK's, read as decimals); a decimal
# before a unit is none ("2.2 Mb", "3.5 Hz"), nor a name's number ("Vitamin B12.3 Tablets")
_NUMBER_FOOTNOTE = re.compile(r"(?<![\w.])\d{1,4}\.(\d)(?=\s++[A-Z][a-z]{2,})")
_CLOSERS = "\"')]"
# two sentences the source ran together: "Anyone can get meningitis.Inflammation from …",
# "Upper body discomfort.You may feel pain …" (48 in MedQuAD)
_RUN_TOGETHER = re.compile(r"(?<=[a-z]{3}\.)(?=[A-Z][a-z]{2})")


def sentence_spans(text: str, run_together: bool = False) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of ``text``, whitespace trimmed.
    ``run_together``: also part two sentences the source wrote with no space between them
    (for quoting; the index keeps the text as the source wrote it)."""
    spans: list[tuple[int, int]] = []
    for line_start, line in _lines(text):
        start = 0
        for cut_start, cut_end in _cuts(line, run_together):
            _append(spans, line_start, line, start, cut_start)
            start = cut_end
        _append(spans, line_start, line, start, len(line))
    return spans


def split_sentences(text: str, run_together: bool = False) -> list[str]:
    """The sentences of ``text``, in order (``run_together``: see :func:`sentence_spans`)."""
    return [text[a:b] for a, b in sentence_spans(text, run_together)]


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line.rstrip("\r\n")
        offset += len(line)


def _cuts(line: str, run_together: bool = False) -> Iterator[tuple[int, int]]:
    """(end of sentence, start of next) pairs inside one line."""
    cuts = [(m.start(), m.end()) for m in _BULLET.finditer(line)]
    cuts += [(m.end(), m.end() + 1) for m in _FOOTNOTE.finditer(line)]
    cuts += [(m.end(1), m.end(1) + 1) for m in _NUMBER_FOOTNOTE.finditer(line)]
    if run_together:
        cuts += [(m.start(), m.start()) for m in _RUN_TOGETHER.finditer(line)]
    for match in _END.finditer(line):
        end = match.start() + len(match.group().rstrip())
        if not _is_abbreviation(line, end):
            cuts.append((end, match.end()))
    cuts.sort()
    last = -1
    for cut in cuts:
        if cut[0] > last:
            last = cut[1]
            yield cut


def _is_abbreviation(line: str, end: int) -> bool:
    """Whether ``line[:end]`` (up to an end mark) ends on an abbreviation, an initial or a
    list number rather than on the end of a sentence. Scans back over the last word only, so
    splitting a line stays linear in its length."""
    start = end
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    word = line[start:end].rstrip(_CLOSERS).rstrip(".!?")
    if not word:
        return False
    word = word.lstrip("(\"'[").lower()
    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    # a list number at the start of a line ("1. Dystrophic calcification") or inline after
    # a sentence or a colon ("Hello: 1. Fibromas do not … calves. 2. Due to …")
    before = start
    while before > 0 and line[before - 1].isspace():
        before -= 1
    return word.isdigit() and (before == 0 or line[before - 1] in ".:;!?")


def _append(spans: list[tuple[int, int]], base: int, line: str, start: int, end: int) -> None:
    piece = line[start:end]
    stripped = piece.strip()
    if not stripped or not any(ch.isalnum() for ch in stripped):
        return
    lead = len(piece) - len(piece.lstrip())
    spans.append((base + start + lead, base + start + lead + len(stripped)))


def shorten(text: str | None, width: int) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def reading_grade(text: str) -> float:
    """The Flesch-Kincaid grade of ``text`` (textstat)."""
    return float(textstat.flesch_kincaid_grade(text))
