"""The editable text of a draft: its More Info sections as Markdown (``## Heading`` lines,
sentences with ``[n]`` citations), and back. A reviewer edits this text; reading it back
keeps what each unchanged sentence was (copied from a source, the reply, a template) and
marks new or changed sentences as written by a human, so the checks treat them as claims."""

from __future__ import annotations

from assistant.drafting.models import Draft, DraftSentence, Section, with_citations
from assistant.drafting.parsing import parse_markdown


def to_body(draft: Draft) -> str:
    blocks: list[str] = []
    for section in draft.sections:
        text = " ".join(with_citations(s) for s in section.sentences)
        blocks.append(f"## {section.heading}\n{text}" if section.heading else text)
    return "\n\n".join(blocks) + "\n"


def from_body(body: str, base: Draft) -> Draft:
    """``base`` with its sections replaced by the edited ``body`` (raises ``MalformedOutput``
    when the body has no sentences)."""
    known = {(s.text, s.citations): s for _, _, s in base.sentences()}
    kinds = {section.heading: section.kind for section in base.sections}
    sections = []
    for position, section in enumerate(parse_markdown(body)):
        sentences = tuple(
            known.get(
                (s.text, s.citations),
                DraftSentence(text=s.text, citations=s.citations, origin="human"),
            )
            for s in section.sentences
        )
        kind = (
            kinds.get(section.heading, section.kind) if position or section.heading else "opening"
        )
        sections.append(Section(kind=kind, heading=section.heading, sentences=sentences))
    return base.model_copy(update={"sections": sections})
