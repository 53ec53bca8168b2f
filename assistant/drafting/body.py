"""The editable text of a draft: its More Info sections as Markdown (``## Heading`` lines,
sentences with ``[n]`` citations), and back. A reviewer edits this text; reading it back
keeps what each unchanged sentence was (copied from a source, the reply, a template) and
marks new or changed sentences as written by a human, so the checks treat them as claims."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.drafting.models import Draft, DraftSentence, Section, with_citations
from assistant.drafting.parsing import is_plain_line, line_sentences, parse_markdown
from assistant.text import split_sentences


def to_body(draft: Draft) -> str:
    blocks: list[str] = []
    for section in draft.sections:
        text = "\n".join(_lines(section.sentences))
        blocks.append(f"## {section.heading}\n{text}" if section.heading else text)
    return "\n\n".join(blocks) + "\n"


def _lines(sentences: Iterable[DraftSentence]) -> list[str]:
    """Sentences as lines that read back as the same sentences: on one line while reading
    would cut them apart there again, on a new line where it would not (after a sentence with
    no end mark: ``Fever`` then ``Cough``), and marked as an item where a line would otherwise
    read as a heading or lose a leading number."""
    lines: list[str] = []
    previous = ""
    for sentence in sentences:
        text = with_citations(sentence)
        together = line_sentences(f"{previous} {text}")
        if lines and together == [*line_sentences(previous), *line_sentences(text)]:
            lines[-1] += f" {text}"
        else:
            lines.append(text if is_plain_line(text) else f"- {text}")
        previous = text
    return lines


def from_body(body: str, base: Draft) -> Draft:
    """``base`` with its sections replaced by the edited ``body`` (raises ``MalformedOutput``
    when the body has no sentences)."""
    known: dict[tuple[str, tuple[int, ...]], list[DraftSentence]] = {}
    for _, _, sentence in base.sentences():  # the same words may occur twice, from two origins
        known.setdefault((sentence.text, sentence.citations), []).append(sentence)
    kinds = {section.heading: section.kind for section in base.sections}
    asks = {section.heading: section.ask for section in base.sections}
    sections = []
    longest = max((len(split_sentences(text)) for text, _ in known), default=1)
    for position, section in enumerate(parse_markdown(body)):
        sentences = tuple(_recall(known, s) for s in _rejoined(section.sentences, known, longest))
        kind = (
            kinds.get(section.heading, section.kind) if position or section.heading else "opening"
        )
        sections.append(
            Section(
                kind=kind,
                heading=section.heading,
                sentences=sentences,
                ask=asks.get(section.heading),
            )
        )
    return base.model_copy(update={"sections": sections})


def _rejoined(
    parsed: Sequence[DraftSentence],
    known: dict[tuple[str, tuple[int, ...]], list[DraftSentence]],
    longest: int,
) -> list[DraftSentence]:
    """The parsed sentences with each run that the base held as one unit made one again:
    a pair quoted together ("… soon after it starts. For example, if caffeine … [2].") and a
    connecting line of several sentences ("Your doctor has already replied. The points below
    explain that reply. …") read back as one sentence each, and would otherwise be taken for
    the reviewer's own claims."""
    out: list[DraftSentence] = []
    at = 0
    while at < len(parsed):
        for size in range(min(longest, len(parsed) - at), 1, -1):
            run = parsed[at : at + size]
            joined = DraftSentence(
                text=" ".join(s.text for s in run), citations=run[-1].citations, origin="human"
            )
            if not any(s.citations for s in run[:-1]) and (joined.text, joined.citations) in known:
                out.append(joined)
                at += size
                break
        else:
            out.append(parsed[at])
            at += 1
    return out


def _recall(
    known: dict[tuple[str, tuple[int, ...]], list[DraftSentence]], sentence: DraftSentence
) -> DraftSentence:
    """The base's sentence with these words and citations, each occurrence in turn (the last
    one again for a copy); a sentence the base does not have is the reviewer's own claim."""
    found = known.get((sentence.text, sentence.citations))
    if not found:
        return DraftSentence(text=sentence.text, citations=sentence.citations, origin="human")
    return found.pop(0) if len(found) > 1 else found[0]
