"""Sentence-aware chunking of records into passages that fit the embedding window.

Chunk 0 holds the patient's question and the doctor's reply (what a new question is most
like); the long explanation follows in chunks of whole sentences, each overlapping the
previous one by a sentence or two and headed by the record's title, so that a passage
about "treatment" still says what it treats. Sizes are counted in the model's own tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.corpus.record import Record
from assistant.text import split_sentences

TokenCounter = Callable[[Sequence[str]], list[int]]
_SPECIAL_TOKENS = 2  # [CLS] and [SEP], counted once per chunk


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
        head_count = len(_question_block(record))
        pieces = self._fitted(
            [*_question_block(record), *split_sentences(record.long_explanation or "")]
        )
        title_tokens = self._sizes([title])[0]
        # _fitted keeps the order, and question sentences are never longer after fitting
        head = [p for p in pieces if p[2] < head_count]
        body = [p for p in pieces if p[2] >= head_count]

        chunks: list[Chunk] = []
        for group in _pack(head, self.max_tokens, overlap=0):
            chunks.append(Chunk(record.id, len(chunks), "question", "\n".join(group)))
        prefix = f"{title}\n" if title_tokens <= self.max_tokens // 4 else ""
        budget = self.max_tokens - (title_tokens + 1 if prefix else 0)
        for group in _pack(body, budget, overlap=self.overlap):
            text = prefix + " ".join(group)
            chunks.append(Chunk(record.id, len(chunks), "explanation", text, len(prefix)))
        return chunks

    def _sizes(self, texts: Sequence[str]) -> list[int]:
        return [n - _SPECIAL_TOKENS for n in self.count_tokens(texts)] if texts else []

    def _fitted(self, sentences: list[str]) -> list[tuple[str, int, int]]:
        """(piece, tokens, sentence number): sentences over the budget cut into word windows."""
        limit = self.max_tokens - _SPECIAL_TOKENS - 32  # room for a title line
        out: list[tuple[str, int, int]] = []
        for number, (sentence, size) in enumerate(
            zip(sentences, self._sizes(sentences), strict=True)
        ):
            if size <= limit:
                out.append((sentence, size, number))
                continue
            words = sentence.split()
            step = max(1, int(len(words) * limit * 0.8 / size))
            windows = [" ".join(words[i : i + step]) for i in range(0, len(words), step)]
            out.extend((w, n, number) for w, n in zip(windows, self._sizes(windows), strict=True))
        return out


def _pack(pieces: list[tuple[str, int, int]], budget: int, overlap: int) -> list[list[str]]:
    """Greedy packing; the last ``overlap`` pieces of a chunk open the next one."""
    limit = budget - _SPECIAL_TOKENS
    groups: list[list[str]] = []
    current: list[tuple[str, int]] = []
    used = 0
    for piece, size, _ in pieces:
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


def _question_block(record: Record) -> list[str]:
    lines = []
    if record.title and record.title.strip().lower() != record.question.strip().lower():
        lines.append(record.title)
    lines.extend(split_sentences(record.question) or [record.question])
    if record.reply:
        lines.extend(split_sentences(record.reply))
    return lines
