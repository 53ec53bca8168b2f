"""Reading a model's Markdown answer back into sections of cited sentences."""

from __future__ import annotations

import re

from assistant.drafting.models import DraftSentence, Section, SectionKind
from assistant.text import split_sentences

# Linear time on any line: a run of spaces is entered only at its start (``(?<!\s)``) and taken
# whole (possessive quantifiers); a heading line is read with string methods, not a pattern
# (``#{1,6}\s*(.+?)\s*#*\s*$`` took 20 s on a 2,000-character heading line, cubically).
_BOLD_HEADING = re.compile(r"^\s*+\*\*(.+?)\*\*:?\s*+$")
_CITATION = re.compile(r"(?<!\s)\s*+\[(\d+(?:\s*+[,;]\s*+\d+)*+)\]")
_SPACE_BEFORE_MARK = re.compile(r"(?<!\s)\s++([.!?,;:])")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


class MalformedOutput(ValueError):
    """The model's answer has no usable sentences."""


def parse_markdown(text: str) -> list[Section]:
    """Sections from Markdown: text before the first heading is the opening."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in text.splitlines():
        heading = _heading(line)
        if heading is None and (match := _BOLD_HEADING.match(line)):
            heading = match.group(1)
        if heading is not None:
            sections.append((heading.strip().rstrip(":"), []))
        elif line.strip():
            sections[-1][1].append(_BULLET.sub("", line).strip())
    parsed = []
    for position, (heading, lines) in enumerate(sections):
        sentences = tuple(s for line in lines for s in line_sentences(line))
        if sentences:
            parsed.append(
                Section(kind=_kind(heading, position), heading=heading, sentences=sentences)
            )
    if not any(s.sentences for s in parsed):
        raise MalformedOutput("the model's answer contains no sentences")
    return parsed


def citations_in(text: str) -> tuple[str, tuple[int, ...]]:
    """``"It is benign [1][3]."`` → ``("It is benign.", (1, 3))``."""
    numbers: list[int] = []
    for match in _CITATION.finditer(text):
        numbers += [int(n) for n in re.split(r"[,;]", match.group(1))]
    clean = _CITATION.sub("", text).strip()
    return _SPACE_BEFORE_MARK.sub(r"\1", clean), tuple(dict.fromkeys(numbers))


def _heading(line: str) -> str | None:
    """The text of a Markdown heading line (``## Causes``, ``# Causes #``), else None. Up to
    six ``#`` mark it; a closing run of ``#`` is dropped."""
    text = line.strip()
    marks = len(text) - len(text.lstrip("#"))
    if not marks:
        return None
    content = text[min(marks, 6) :].strip()
    return content.rstrip("#").rstrip() or None


def is_plain_line(line: str) -> bool:
    """Whether ``line`` reads as text: not a heading, a bulleted or a numbered item."""
    return _heading(line) is None and not _BOLD_HEADING.match(line) and not _BULLET.match(line)


def line_sentences(line: str) -> list[DraftSentence]:
    """The cited sentences of one line of text."""
    out: list[DraftSentence] = []
    for raw in split_sentences(line):
        text, numbers = citations_in(raw)
        if any(ch.isalnum() for ch in text):
            out.append(DraftSentence(text=text, citations=numbers, origin="model"))
        elif numbers and out:  # a citation that split off on its own: attach it
            last = out[-1]
            out[-1] = last.model_copy(
                update={"citations": tuple(dict.fromkeys(last.citations + numbers))}
            )
    return out


def _kind(heading: str | None, position: int) -> SectionKind:
    if heading is None:
        return "opening" if position == 0 else "explanation"
    lowered = heading.lower()
    if "seek" in lowered or "when to" in lowered or "emergenc" in lowered or "get help" in lowered:
        return "seek_care"
    if "conclusion" in lowered or "summary" in lowered:
        return "conclusion"
    return "explanation"
