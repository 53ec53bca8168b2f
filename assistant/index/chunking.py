"""Sentence-aware chunking of records into passages that fit the embedding window.

Chunk 0 holds the patient's question and the doctor's reply (what a new question is most
like); the long explanation follows in chunks of whole sentences, each overlapping the
previous one by a sentence or two and headed by the record's title, so that a passage
about "treatment" still says what it treats. Sizes are counted in the model's own tokens.

Section headings glued into the next sentence by the HTML-to-text flattening ("Risk
Factors These risk factors are …") are put back on lines of their own first
(:func:`assistant.corpus.headings.split_headings`): a heading is then a piece of its own,
kept on its own line in the chunk so retrieval still sees it, never part of a sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.corpus.headings import is_heading, split_headings
from assistant.corpus.record import Record
from assistant.text import split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]
_SPECIAL_TOKENS = 2  # [CLS] and [SEP], counted once per chunk
CHUNKER_VERSION = 12  # bump when chunking changes: stored records are then re-chunked


@dataclass(frozen=True)
class Chunk:
    """A passage of one record; ``text`` is embedded, ``text[passage_start:]`` is the passage."""

    record_id: str
    index: int
    kind: str  # "question" (question + reply) or "explanation"
    text: str
    passage_start: int = 0

    @property
    def id(self) -> str:
        return f"{self.record_id}::{self.index}"

    @property
    def passage(self) -> str:
        return self.text[self.passage_start :]


class Chunker:
    """Packs sentences into chunks of at most ``max_tokens`` tokens with sentence overlap."""

    def __init__(
        self, count_tokens: TokenCounter, max_tokens: int = 200, overlap_sentences: int = 1
    ) -> None:
        self.count_tokens = count_tokens
        self.max_tokens = max_tokens
        self.overlap = overlap_sentences

    def chunk(self, record: Record) -> list[Chunk]:
        title = record.display_title
        title_tokens = self._sizes([title])[0]
        prefix = f"{title}\n" if title_tokens <= self.max_tokens // 4 else ""
        budget = self.max_tokens - (title_tokens + 1 if prefix else 0)
        # every piece must fit the budget of the chunks it goes into, title line included
        head = self._fitted(_question_block(record), self.max_tokens - _SPECIAL_TOKENS)
        body = self._fitted(explanation_units(record), budget - _SPECIAL_TOKENS)

        chunks: list[Chunk] = []
        for group in _pack(head, self.max_tokens, overlap=0):
            chunks.append(Chunk(record.id, len(chunks), "question", "\n".join(group)))
        for group in _pack(body, budget, overlap=self.overlap):
            text = prefix + _join(group)
            chunks.append(Chunk(record.id, len(chunks), "explanation", text, len(prefix)))
        return chunks

    def _sizes(self, texts: Sequence[str]) -> list[int]:
        return [n - _SPECIAL_TOKENS for n in self.count_tokens(texts)] if texts else []

    def _fitted(self, sentences: list[str], limit: int) -> list[tuple[str, int]]:
        """(piece, tokens): sentences over ``limit`` tokens cut into runs of whole words."""
        out: list[tuple[str, int]] = []
        for sentence, size in zip(sentences, self._sizes(sentences), strict=True):
            if size <= limit:
                out.append((sentence, size))
            else:
                out.extend(self._windows(sentence, limit))
        return out

    def _windows(self, sentence: str, limit: int) -> list[tuple[str, int]]:
        """Greedy runs of words of at most ``limit`` tokens, counted word by word (word-piece
        counts add up over whitespace-joined words). A single word over ``limit`` stays whole."""
        words = sentence.split()
        windows: list[tuple[str, int]] = []
        current: list[str] = []
        used = 0
        for word, size in zip(words, self._sizes(words), strict=True):
            if current and used + size > limit:
                windows.append((" ".join(current), used))
                current, used = [], 0
            current.append(word)
            used += size
        if current:
            windows.append((" ".join(current), used))
        return windows


def _pack(pieces: list[tuple[str, int]], budget: int, overlap: int) -> list[list[str]]:
    """Greedy packing; the last ``overlap`` pieces of a chunk open the next one."""
    limit = budget - _SPECIAL_TOKENS
    groups: list[list[str]] = []
    current: list[tuple[str, int]] = []
    used = 0
    for piece, size in pieces:
        if current and used + size > limit:
            groups.append([s for s, _ in current])
            current = current[-overlap:] if overlap else []
            used = sum(n for _, n in current)
            while current and used + size > limit:
                used -= current.pop(0)[1]
        current.append((piece, size))
        used += size
    if current:
        groups.append([s for s, _ in current])
    return groups


def explanation_units(record: Record) -> list[str]:
    """The sentences and headings of the record's long explanation, in order, as chunked."""
    text = record.long_explanation or ""
    return split_sentences(split_headings(text, (record.title, record.focus)))


def _join(pieces: list[str]) -> str:
    """Sentences joined by spaces, each heading on a line of its own."""
    out = ""
    for k, piece in enumerate(pieces):
        heading = is_heading(piece)
        if k:
            out += "\n" if heading or is_heading(pieces[k - 1]) else " "
        out += piece
    return out


def _question_block(record: Record) -> list[str]:
    lines = []
    if record.title and record.title.strip().lower() != record.question.strip().lower():
        lines.append(record.title)
    lines.extend(split_sentences(record.question) or [record.question])
    if record.reply:
        lines.extend(split_sentences(record.reply))
    return lines
