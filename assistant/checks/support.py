"""Is a claim supported by its evidence? The ``SupportScorer`` seam and the offline scorer.

``OfflineSupportScorer`` embeds each claim and every evidence sentence (and every pair of
adjacent sentences, since one written sentence often merges two) with MiniLM, takes the
closest, and then lets the agreement checks veto it: numbers, doses, durations, drug and
condition names in the claim must be stated by the evidence passage it matched.

The threshold, 0.70, was read off real pairs (all-MiniLM-L6-v2, cosine of the best sentence
or sentence pair; see ``tests/test_checks_support.py`` for the cases kept as tests):

- a verbatim sentence scores 1.00; a close paraphrase of a page sentence 0.97, a merge of two
  sentences 0.95, "Lipomas are harmless lumps made of fat tissue…" 0.88;
- a fabricated but on-topic claim ("…caused by lymphoma and need chemotherapy") 0.69 — it is
  the agreement check (lymphoma) that is meant to catch these, not the threshold;
- unrelated medical sentences (blood pressure, asthma, ibuprofen for headache) 0.15-0.22;
- on the 399 physician-labelled K-QA pairs (``data/kqa_nli_physician_labels.csv``, claim vs
  model answer) 0.70 keeps 77% of entailed claims and passes 43% of neutral or contradicted
  ones before the agreement checks (0.60: 93% / 68%; 0.80: 41% / 13%); with them, 69% of
  entailed claims are supported and 30% of the others pass. Similarity is a weak judge: this
  scorer is a reviewer's aid, and the LLM judge is the stronger scorer.

Two more gates, the learned judge's signals (``checks.alignment``, ``checks.polarity``), when
the embedder gives token vectors (MiniLM does): the claim's IDF-weighted **token recall**
against the best window of its evidence's sentences must reach ``DEFAULT_RECALL`` (0.60), and
the claim must not **negate** a content word the matched passage states plainly (or the other
way round). The operating point is chosen for a reviewer, to whom a missed unsupported sentence
costs more than a false flag: on the 399 K-QA pairs (statement against the model answer;
"unsupported" = the physicians' majority is not entailment, 62% of them) the cosine rule alone
flags unsupported statements with precision 0.78 and recall 0.70; with the two gates
precision 0.73 and recall 0.82 (``bench/bench_support.py``, which prints the grid: recall gate
0.55 gives 0.74 / 0.79, 0.65 gives 0.70 / 0.86). 0.60 was picked from an estimate before the
scorer itself was measured; counting a miss twice a false flag, 0.65 is slightly better.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from assistant.checks.agreement import Vocabulary, default_vocabulary, disagreements
from assistant.checks.alignment import Idf, TokenEmbedder, best_alignment
from assistant.checks.polarity import polarity_conflicts
from assistant.embeddings.minilm import TokenVectors
from assistant.text import split_sentences

DEFAULT_THRESHOLD = 0.70
DEFAULT_RECALL = 0.60

Verdict = Literal["supported", "not_supported", "contradicted"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A passage a claim may rest on; ``label`` is ``"reply"`` or a citation such as ``"[2]"``."""

    text: str
    label: str


@dataclass(frozen=True, slots=True)
class Support:
    """How well the evidence supports one claim."""

    score: float  # 0..1
    supported: bool
    evidence: str | None = None  # the closest evidence sentence (or sentence pair)
    evidence_from: str | None = None  # its label
    reasons: tuple[str, ...] = ()
    verdict: Verdict | None = field(default=None)


class SupportScorer(Protocol):
    """Scores claims against one set of evidence; one result per claim, in order."""

    @property
    def name(self) -> str: ...

    def score(self, claims: Sequence[str], evidence: Sequence[Evidence]) -> list[Support]: ...


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


NO_EVIDENCE = "there is no evidence to check it against"


@dataclass(frozen=True, slots=True)
class _Unit:
    text: str  # one sentence, or two adjacent ones joined
    item: int  # index of the evidence it came from


class OfflineSupportScorer:
    """Embedding similarity with agreement vetoes; no network, deterministic."""

    def __init__(
        self,
        embedder: Embedder,
        threshold: float = DEFAULT_THRESHOLD,
        vocabulary: Vocabulary | None = None,
        cache_size: int = 4096,
        recall: float | None = DEFAULT_RECALL,
        idf: Idf | None = None,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self.embedder = embedder
        self.threshold = threshold
        # the token gates need token vectors: MiniLMEmbedder has them, a bare Embedder may not
        self.recall = recall if isinstance(embedder, TokenEmbedder) else None
        self._idf = idf
        self._tokens: dict[str, TokenVectors] = {}
        self.vocabulary = vocabulary or default_vocabulary()
        self.cache_size = cache_size
        self._cache: dict[str, NDArray[np.float32]] = {}

    @property
    def name(self) -> str:
        gates = "" if self.recall is None else f", token recall ≥ {self.recall:.2f}, polarity"
        return f"offline (MiniLM similarity ≥ {self.threshold:.2f}{gates} + agreement)"

    def score(self, claims: Sequence[str], evidence: Sequence[Evidence]) -> list[Support]:
        units = _units(evidence)
        if not claims:
            return []
        if not units:
            return [Support(0.0, False, reasons=(NO_EVIDENCE,)) for _ in claims]
        # a claim that is an evidence sentence (or pair) word for word is what the evidence
        # says: nothing to measure, so the evidence is embedded only for the others (a quoting
        # drafter's sentences all are; a part cut out of a sentence is no quote)
        quoted = _quoted(claims, units)
        out: dict[int, Support] = {
            i: Support(
                1.0,
                True,
                units[u].text,
                evidence[units[u].item].label,
                (f"quoted word for word from {evidence[units[u].item].label}",),
            )
            for i, u in quoted.items()
        }
        rest = [i for i in range(len(claims)) if i not in quoted]
        if rest:
            vectors = self._vectors([u.text for u in units])
            similarity = self.embedder.embed([claims[i] for i in rest]) @ vectors.T
            for i, row in zip(rest, similarity, strict=True):
                out[i] = self._judge(claims[i], row, units, evidence)
        return [out[i] for i in range(len(claims))]

    def _judge(
        self,
        claim: str,
        row: NDArray[np.float32],
        units: list[_Unit],
        evidence: Sequence[Evidence],
    ) -> Support:
        # the best unit of each evidence passage, best passage first
        best: dict[int, int] = {}
        for u, unit in enumerate(units):
            if unit.item not in best or row[u] > row[best[unit.item]]:
                best[unit.item] = u
        ranked = sorted(best.values(), key=lambda u: -float(row[u]))
        first: Support | None = None
        for u in ranked:
            score = float(np.clip(row[u], 0.0, 1.0))
            item = evidence[units[u].item]
            if score < self.threshold:
                if first is not None:
                    return first
                needs = f"needs {self.threshold:.2f}"
                reason = f"closest evidence is only {score:.2f} similar ({needs})"
                vetoes = disagreements(claim, item.text, self.vocabulary)
                return Support(score, False, units[u].text, item.label, (reason, *vetoes))
            vetoes = disagreements(claim, item.text, self.vocabulary)
            vetoes += self._gates(claim, units[u].text, item.text)
            found = Support(
                score,
                not vetoes,
                units[u].text,
                item.label,
                tuple(vetoes) or (f"{score:.2f} similar to {item.label}",),
            )
            if not vetoes:
                return found
            first = first or found
        assert first is not None  # ranked is not empty when there are units
        return first

    def _gates(self, claim: str, passage: str, evidence: str) -> list[str]:
        """The token-recall and polarity gates; empty when the claim passes both."""
        if self.recall is None:
            return []
        reasons = [
            f'says "{w}" with the opposite polarity (negated in one, not the other)'
            for w in polarity_conflicts(claim, passage)
        ]
        sentences = split_sentences(evidence) or [evidence]
        claim_tokens, *evidence_tokens = self._token_vectors([claim, *sentences])
        if self._idf is None:
            self._idf = Idf.load()
        best, _ = best_alignment(claim_tokens, evidence_tokens, self._idf)
        if best.recall < self.recall:
            reasons.append(
                f"only {best.recall:.2f} of its words align with the source "
                f"(needs {self.recall:.2f})"
            )
        return reasons

    def _token_vectors(self, texts: list[str]) -> list[TokenVectors]:
        new = list(dict.fromkeys(t for t in texts if t not in self._tokens))
        if len(self._tokens) + len(new) > self.cache_size:
            self._tokens.clear()
            new = list(dict.fromkeys(texts))
        if new:
            assert isinstance(self.embedder, TokenEmbedder)  # self.recall is None otherwise
            self._tokens.update(zip(new, self.embedder.token_vectors(new), strict=True))
        return [self._tokens[t] for t in texts]

    def _vectors(self, texts: list[str]) -> NDArray[np.float32]:
        """Embeddings of evidence texts, re-using those seen in earlier calls."""
        new = list(dict.fromkeys(t for t in texts if t not in self._cache))
        if len(self._cache) + len(new) > self.cache_size:
            self._cache.clear()
            new = list(dict.fromkeys(texts))
        if new:
            self._cache.update(zip(new, self.embedder.embed(new), strict=True))
        return np.stack([self._cache[t] for t in texts])


def _quoted(claims: Sequence[str], units: list[_Unit]) -> dict[int, int]:
    """The claims that are a unit whole, word for word: claim index -> its first unit."""
    first: dict[tuple[str, ...], int] = {}
    for u, unit in enumerate(units):
        first.setdefault(tuple(unit.text.split()), u)
    found = {i: first.get(tuple(claim.split())) for i, claim in enumerate(claims)}
    return {i: u for i, u in found.items() if u is not None}


def _units(evidence: Sequence[Evidence]) -> list[_Unit]:
    units: list[_Unit] = []
    for i, item in enumerate(evidence):
        sentences = split_sentences(item.text)
        units.extend(_Unit(s, i) for s in sentences)
        units.extend(_Unit(f"{a} {b}", i) for a, b in pairwise(sentences))
    return units
