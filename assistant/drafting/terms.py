"""Plain explanations of the terms in a doctor's reply and in a question.

For each term the understanding found ("fat necrosis", "echogenic lesions", "calcification"),
the archive is searched for a sentence that says what the term is ("Fat necrosis is …",
"… is called fat necrosis"), and the plainest such sentence is quoted. A term the archive
does not explain is reported, so the draft can say so instead of guessing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pydantic import BaseModel, ConfigDict

from assistant.drafting.arrange import named_in, names_any, on_a_rare_disease
from assistant.drafting.definitions import defines
from assistant.drafting.plan import standalone
from assistant.retrieval import Filters, Retriever, Source
from assistant.text import reading_grade, split_sentences

SEARCHED = 6  # archive answers searched per term


class TermQuote(BaseModel):
    """A sentence of the archive that explains ``term``."""

    model_config = ConfigDict(frozen=True)

    term: str
    text: str
    source: Source

    @property
    def record_id(self) -> str:
        return self.source.record_id


def _plainness(sentence: str) -> float:
    """Lower is plainer: the reading grade, then length."""
    return reading_grade(sentence) + len(sentence.split()) / 20


def _of_its_disease(source: Source, sentence: str, term: str) -> bool:
    """Whether ``sentence`` tells of the rare disease its answer is on, and names the term in
    passing: "Pyruvate dehydrogenase deficiency is characterized by the buildup of a chemical
    called lactic acid …" is no explanation of the lactic acid a skin cream holds (K-QA 128)."""
    return (
        on_a_rare_disease(source)
        and named_in(source, sentence)
        and not names_any(source.focus or "", [term])
    )


def explain_terms(
    terms: Sequence[str],
    retriever: Retriever,
    exclude_ids: frozenset[str] = frozenset(),
    limit: int = 3,
    avoid: Iterable[str] = (),
) -> tuple[list[TermQuote], list[str]]:
    """The plainest archive sentence explaining each of the first ``limit`` terms, and the
    terms the archive does not explain."""
    found: list[TermQuote] = []
    unexplained: list[str] = []
    used = set(avoid)
    for term in terms[:limit]:
        sources = retriever.search(f"what is {term}", SEARCHED, Filters(exclude_ids=exclude_ids))
        candidates: list[tuple[float, str, int]] = []
        for source in sources:
            texts = [source.reply or "", *(p.text for p in source.passages)]
            for text in texts:
                for sentence in split_sentences(text):
                    sentence = sentence.strip()
                    if (
                        6 <= len(sentence.split()) <= 35
                        and sentence.endswith(".")
                        and sentence not in used
                        and defines(sentence, term)
                        and standalone(sentence)  # not "This is called reactivation."
                        and not _of_its_disease(source, sentence, term)
                    ):
                        candidates.append((_plainness(sentence), sentence, source.rank))
        if candidates:
            _, text, rank = min(candidates)
            used.add(text)
            source = next(s for s in sources if s.rank == rank)
            found.append(TermQuote(term=term, text=text, source=source))
        else:
            unexplained.append(term)
    return found, unexplained


__all__ = ["TermQuote", "explain_terms"]
