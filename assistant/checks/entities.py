"""Agreement of medical entities and numbers between a claim and its evidence, normalised.

Names are normalised through the project's lexicon (``assistant.knowledge.lexicon``, built
from MIT-licensed MeSH, drug and abbreviation dictionaries): "heart attack", "MI" and
"myocardial infarction" are one concept, as are "Lexapro" and "escitalopram". The shipped
checks vocabulary (``checks/data/medical_terms.txt``) adds the names it knows. Numbers are
compared after :func:`assistant.checks.agreement.quantities` normalised them ("50mg" =
"50 mg", "twice" = "2 times").

:func:`entity_agreement` counts what a judge needs: how many of the claim's concepts and
numbers the evidence states, and whether the passage the claim aligns with names *another*
concept of the same kind, or the same kind of quantity with another value (a contradiction
cue).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.checks.agreement import Vocabulary, default_vocabulary, quantities
from assistant.knowledge.lexicon import Lexicon, lexicon


@dataclass(frozen=True, slots=True)
class Entity:
    kind: str  # disease, drug or abbreviation (lexicon), drug or condition (vocabulary)
    canonical: str


def entities(
    text: str, words: Lexicon | None = None, vocabulary: Vocabulary | None = None
) -> set[Entity]:
    """The medical concepts ``text`` names, by canonical name."""
    words = words or lexicon()
    found = {Entity(_kind(m.kind), m.canonical.lower()) for m in words.find(text)}
    for m in (vocabulary or default_vocabulary()).find(text):
        known = (words.canonical(s) for s in (m.name, *m.concept.spellings))
        name = next((k for k in known if k), m.concept.name)
        found.add(Entity(_kind(m.concept.kind), name.lower()))
    return found


def _kind(kind: str) -> str:
    return {"condition": "disease", "abbreviation": "disease"}.get(kind, kind)


@dataclass(frozen=True, slots=True)
class EntityAgreement:
    """What the evidence states of the claim's entities and numbers."""

    entities: int  # concepts the claim names
    entities_missing: int  # of those, named nowhere in the evidence
    entity_clashes: int  # missing ones where the passage names another of the same kind
    numbers: int  # numbers the claim states
    numbers_missing: int  # of those, stated nowhere in the evidence
    number_clashes: int  # claim quantities whose unit the passage states with other values

    @property
    def entity_share(self) -> float:
        """Share of the claim's concepts the evidence names (1.0 when it names none)."""
        return 1.0 - self.entities_missing / self.entities if self.entities else 1.0

    @property
    def number_share(self) -> float:
        return 1.0 - self.numbers_missing / self.numbers if self.numbers else 1.0


def entity_agreement(
    claim: str,
    evidence: str,
    passage: str,
    words: Lexicon | None = None,
    vocabulary: Vocabulary | None = None,
) -> EntityAgreement:
    """Entities and numbers of ``claim`` against ``evidence`` (the whole answer) and the
    ``passage`` of it the claim aligns with."""
    named = entities(claim, words, vocabulary)
    stated = entities(evidence, words, vocabulary)
    in_passage = entities(passage, words, vocabulary)
    missing = {e for e in named if e not in stated}
    clashes = sum(any(p.kind == e.kind and p not in named for p in in_passage) for e in missing)
    claimed = quantities(claim)
    evidence_q = set(quantities(evidence))
    numbers = {q.number for q in evidence_q}
    numbers_missing = sum(not (q in evidence_q if q.unit else q.number in numbers) for q in claimed)
    passage_q = quantities(passage)
    number_clashes = 0
    for q in claimed:
        same_kind = [s for s in passage_q if q.unit is not None and s.unit == q.unit]
        if same_kind and q not in same_kind:
            number_clashes += 1
    return EntityAgreement(
        entities=len(named),
        entities_missing=len(missing),
        entity_clashes=clashes,
        numbers=len(claimed),
        numbers_missing=numbers_missing,
        number_clashes=number_clashes,
    )
