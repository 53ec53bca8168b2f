"""What the learned offline judge reads of one (answer, statement) pair: a row of named numbers.

Each signal is one of the checks' small functions (``assistant.checks.alignment``,
``.entities``, ``.polarity``), measured against the answer as a whole or against the passage
of it the statement aligns with best (the sentence window with the highest token-alignment
F1). The answer's sentences are embedded once per answer, however many statements it is
judged against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

from assistant.checks.agreement import tokens
from assistant.checks.alignment import Idf, TokenEmbedder, best_alignment, span_of, uncovered
from assistant.checks.entities import entity_agreement
from assistant.checks.polarity import (
    content_words,
    direction_conflicts,
    hedged,
    negations,
    polarity_conflicts,
)
from assistant.embeddings.minilm import pooled
from assistant.evaluation.judges.protocol import Pair, by_answer
from assistant.text import split_sentences

FEATURES = (
    "cosine",  # MiniLM cosine of the statement and its closest sentence or sentence pair
    # (sentence vectors pooled from the same token vectors, so one model run per text)
    "token_precision",  # BERTScore-style, against the best-aligned sentence window
    "token_recall",
    "token_f1",
    "answer_recall",  # token recall against the whole answer
    "uncovered_50",  # IDF share of the statement's tokens no answer token matches at 0.5
    "uncovered_70",
    "word_overlap",  # share of the statement's content words the answer uses
    "entity_share",  # share of the statement's medical concepts the answer names
    "entities_missing",
    "entity_clashes",  # missing concepts where the passage names another of the same kind
    "number_share",
    "number_clashes",  # same unit, another value in the passage
    "negation_flips",  # shared content words one text negates and the other does not
    "negation_differs",  # one of statement and passage has a negation cue, the other none
    "hedge_differs",  # one hedges ("may", "sometimes"), the other does not
    "direction_flips",  # shared content words one text moves up and the other down
    "statement_words",  # log(1 + words)
)


@dataclass(frozen=True, slots=True)
class PairSignals:
    """One pair's signals (in ``FEATURES`` order) and the passage they were read against."""

    values: tuple[float, ...]
    passage: str

    def named(self) -> dict[str, float]:
        return dict(zip(FEATURES, self.values, strict=True))


def _share_missing(shared: int, total: int) -> float:
    return shared / total if total else 1.0


class SignalReader:
    """Reads :data:`FEATURES` for pairs; deterministic, no network."""

    def __init__(self, embedder: TokenEmbedder, idf: Idf | None = None) -> None:
        self.embedder = embedder
        self.idf = idf or Idf.load()

    def read(self, pairs: Sequence[Pair]) -> list[PairSignals]:
        found: dict[int, PairSignals] = {}
        for answer, rows in by_answer(pairs).items():
            statements = [pairs[i].statement for i in rows]
            for i, signals in zip(rows, self._read(answer, statements), strict=True):
                found[i] = signals
        return [found[i] for i in range(len(pairs))]

    def _read(self, answer: str, statements: list[str]) -> list[PairSignals]:
        sentences = split_sentences(answer) or [answer]
        token_vectors = self.embedder.token_vectors([*statements, *sentences])
        claims, answer_tokens = token_vectors[: len(statements)], token_vectors[len(statements) :]
        units = [[s] for s in answer_tokens] + [list(p) for p in pairwise(answer_tokens)]
        passages = np.stack([pooled(u) for u in units])
        cosines: NDArray[np.float32] = np.stack([pooled([c]) for c in claims]) @ passages.T
        answer_words = set(content_words(answer))
        out = []
        for n, statement in enumerate(statements):
            best, whole = best_alignment(claims[n], answer_tokens, self.idf)
            passage = span_of(best, sentences) or answer
            agreement = entity_agreement(statement, answer, passage)
            words = content_words(statement)
            values = (
                float(np.clip(cosines[n].max(), 0.0, 1.0)),
                best.precision,
                best.recall,
                best.f1,
                whole.recall,
                uncovered(claims[n], answer_tokens, self.idf, 0.5),
                uncovered(claims[n], answer_tokens, self.idf, 0.7),
                _share_missing(sum(w in answer_words for w in words), len(words)),
                agreement.entity_share,
                float(agreement.entities_missing),
                float(agreement.entity_clashes),
                agreement.number_share,
                float(agreement.number_clashes),
                float(len(polarity_conflicts(statement, passage))),
                float((negations(statement) > 0) != (negations(passage) > 0)),
                float(hedged(statement) != hedged(passage)),
                float(len(direction_conflicts(statement, passage))),
                math.log1p(len(tokens(statement))),
            )
            out.append(PairSignals(values, passage))
        return out
