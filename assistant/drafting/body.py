"""The editable text of a draft: its More Info sections as Markdown (``## Heading`` lines,
sentences with ``[n]`` citations), and back. A reviewer edits this text; reading it back
keeps what each unchanged sentence was (copied from a source, the reply, a template) and
marks new or changed sentences as written by a human, so the checks treat them as claims."""

from __future__ import annotations

from collections.abc import Iterable

from assistant.drafting.models import Draft, DraftSentence, Section, with_citations
from assistant.drafting.parsing import is_plain_line, line_sentences, parse_markdown


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
    for position, section in enumerate(parse_markdown(body)):
        sentences = tuple(_recall(known, s) for s in section.sentences)
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


def _recall(
    known: dict[tuple[str, tuple[int, ...]], list[DraftSentence]], sentence: DraftSentence
) -> DraftSentence:
    """The base's sentence with these words and citations, each occurrence in turn (the last
    one again for a copy); a sentence the base does not have is the reviewer's own claim."""
    found = known.get((sentence.text, sentence.citations))
    if not found:
        return DraftSentence(text=sentence.text, citations=sentence.citations, origin="human")
    return found.pop(0) if len(found) > 1 else found[0]
