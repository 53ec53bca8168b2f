"""Reading a model's Markdown answer back into sections of cited sentences."""

from __future__ import annotations

import re

from assistant.drafting.models import DraftSentence, Section, SectionKind
from assistant.text import split_sentences

_HEADING = re.compile(r"^\s*#{1,6}\s*(.+?)\s*#*\s*$")
_BOLD_HEADING = re.compile(r"^\s*\*\*(.+?)\*\*:?\s*$")
_CITATION = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


class MalformedOutput(ValueError):
    """The model's answer has no usable sentences."""


def parse_markdown(text: str) -> list[Section]:
    """Sections from Markdown: text before the first heading is the opening."""
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in text.splitlines():
        match = _HEADING.match(line) or _BOLD_HEADING.match(line)
        if match:
            sections.append((match.group(1).strip().rstrip(":"), []))
        elif line.strip():
            sections[-1][1].append(_BULLET.sub("", line).strip())
    parsed = []
    for position, (heading, lines) in enumerate(sections):
        sentences = tuple(s for line in lines for s in _sentences(line))
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
    return re.sub(r"\s+([.!?,;:])", r"\1", clean), tuple(dict.fromkeys(numbers))


def _sentences(line: str) -> list[DraftSentence]:
    out = []
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
