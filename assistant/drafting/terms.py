"""Plain explanations of the terms in a doctor's reply and in a question.

For each term the understanding found ("fat necrosis", "echogenic lesions", "calcification"),
the archive is searched for a sentence that says what the term is ("Fat necrosis is …",
"… is called fat necrosis"), and the plainest such sentence is quoted. A term the archive
does not explain is reported, so the draft can say so instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import Stemmer
from pydantic import BaseModel, ConfigDict

from assistant.drafting.plan import standalone
from assistant.retrieval import Filters, Retriever, Source
from assistant.text import reading_grade, split_sentences

_STEM = Stemmer.Stemmer("english")
_WORD = re.compile(r"[A-Za-z]+")
_COPULA = re.compile(
    r"^(?:is|are|means|refers? to|describes?|happens|occurs|develops|forms|can be|may be)\b",
    re.I,
)
_NAMED = re.compile(r"\b(?:called|known as|termed)\s*$", re.I)
_ASIDE = re.compile(r"^\s*(?:\([^)]{0,80}\)|,[^,]{0,80},)")  # "(FN)", ", or calcium deposits,"
_OPENER = re.compile(r"^(?:an?|the)\s+", re.I)
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


def _stems(text: str) -> list[str]:
    return list(_STEM.stemWords([w.lower() for w in _WORD.findall(text)]))


def _variants(term: str) -> list[list[str]]:
    """The term's stems, then its medical head word alone ("echogenic lesions" -> "echogenic")."""
    stems = _stems(term)
    out = [stems]
    if len(stems) > 1:
        longest = max(term.split(), key=len)
        out.append(_stems(longest))
    return out


def defines(sentence: str, term: str) -> bool:
    """Whether ``sentence`` says what ``term`` is: "Fat necrosis is …", "A lipoma is …",
    "… a condition called calcinosis"."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]
    stems = _STEM.stemWords([w.lower() for _, _, w in words])
    for variant in _variants(term):
        n = len(variant)
        for i in range(len(stems) - n + 1):
            if stems[i : i + n] != variant:
                continue
            before = sentence[: words[i][0]]
            after = _ASIDE.sub("", sentence[words[i + n - 1][1] :]).lstrip(" ,)")
            if i <= 2 and (_OPENER.sub("", before).strip() == "") and _COPULA.match(after):
                return True
            if _NAMED.search(before):
                return True
    return False


def _plainness(sentence: str) -> float:
    """Lower is plainer: the reading grade, then length."""
    return reading_grade(sentence) + len(sentence.split()) / 20


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


__all__ = ["TermQuote", "defines", "explain_terms"]
