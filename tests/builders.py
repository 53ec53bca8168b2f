"""Small, realistic objects for tests that need a draft without a drafter."""

from __future__ import annotations

from datetime import date

from assistant.corpus.record import Asker, RelatedFAQ, SimilarQA
from assistant.drafting import Draft, DraftRequest, DraftSentence, Provenance, Section
from assistant.retrieval import Passage, Source

QUESTION = "I have a calcified lump under the skin of my calf. What does calcification mean?"


def make_draft(question: str = QUESTION, specialty: str | None = "Surgery") -> Draft:
    """A small, complete draft: one cited source, Similar Q&A, Related FAQ, a disclaimer."""
    source = Source(
        rank=1,
        record_id="site:abc",
        score=0.03,
        passages=(
            Passage(
                chunk_id="site:abc::1", text="Calcium builds up.", kind="explanation", score=0.03
            ),
        ),
        title="Calcified lumps",
        doctor="Ke Fangxu",
        specialty="Surgery",
    )
    return Draft(
        request=DraftRequest(
            question=question,
            reply="These are typically benign.",
            asker=Asker(name="Niming", sex="female", age_range="40~49"),
            ask_date=date(2022, 3, 24),
            doctor="Ke Fangxu",
            specialty=specialty,
            reply_date=date(2022, 3, 24),
        ),
        title="Understanding calcified lumps",
        sections=[
            Section(
                kind="opening", sentences=(DraftSentence(text="Here is more.", origin="template"),)
            ),
            Section(
                kind="explanation",
                heading="What this may be",
                sentences=(
                    DraftSentence(text="Calcium builds up.", citations=(1,), origin="source"),
                ),
            ),
        ],
        sources=[source],
        similar_qa=[
            SimilarQA(title="Soft lumps in the calf", doctor="Li Yongheng", specialty="Orthopedics")
        ],
        related_faq=[
            RelatedFAQ(topic="Lipoma", specialty="Plastic Surgery"),
            RelatedFAQ(specialty="Orthopedics"),
        ],
        provenance=Provenance(drafter="grounded-composer", model="none (no language model)"),
        disclaimer="General information, not a diagnosis.",
    )
