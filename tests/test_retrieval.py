"""Hybrid retrieval over a real index (embedded Chroma and a Chroma server)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from langchain_core.documents import Document

from assistant.corpus import Record
from assistant.embeddings import MiniLMEmbedder
from assistant.index import Archive
from assistant.retrieval import Filters, HybridRetriever, UnknownFilterValue
from assistant.retrieval.hybrid import diversified
from assistant.retrieval.langchain import ArchiveRetriever
from tests.conftest import CALF_QUERY


@pytest.fixture(scope="module")
def retriever(archive: Archive) -> HybridRetriever:
    return HybridRetriever(archive)


def test_page_example_comes_first(retriever: HybridRetriever, page_record: Record) -> None:
    sources = retriever.search(CALF_QUERY, 5)
    assert sources[0].record_id == page_record.id
    top = sources[0]
    assert (top.doctor, top.specialty, top.reply_date) == (
        "Ke Fangxu",
        "Surgery",
        date(2022, 3, 24),
    )
    assert top.reply and "calcification" in top.reply
    assert top.passages[0].dense is not None and top.passages[0].keyword is not None


@pytest.mark.parametrize("mode", ["dense", "keyword", "hybrid"])
def test_each_mode_finds_the_focus(
    archive: Archive, medquad_sample: list[Record], mode: str
) -> None:
    target = next(r for r in medquad_sample if r.question_type == "symptoms")
    sources = HybridRetriever(archive, mode=mode).search(target.question, 5)  # type: ignore[arg-type]
    assert target.id in [s.record_id for s in sources]
    assert [s.rank for s in sources] == list(range(1, len(sources) + 1))


def test_results_are_distinct_records_with_capped_passages(
    retriever: HybridRetriever, archive: Archive
) -> None:
    sources = retriever.search("What are the treatments for this disease?", 10)
    assert len(sources) == 10
    assert len({s.record_id for s in sources}) == 10
    assert all(1 <= len(s.passages) <= archive.settings.max_chunks_per_record for s in sources)
    assert all(p.chunk_id.startswith(s.record_id + "::") for s in sources for p in s.passages)
    # an explanation passage is the chunk without the title line it was embedded with
    explanations = [(s, p) for s in sources for p in s.passages if p.kind == "explanation"]
    assert explanations
    assert all(not p.text.startswith(f"{s.title}\n") for s, p in explanations if s.title)


def test_exclude_ids_holds_a_record_out(retriever: HybridRetriever, page_record: Record) -> None:
    sources = retriever.search(CALF_QUERY, 5, Filters(exclude_ids=frozenset({page_record.id})))
    assert page_record.id not in [s.record_id for s in sources]


def test_specialty_filter_matches_a_part(retriever: HybridRetriever) -> None:
    surgery = retriever.search(CALF_QUERY, 5, Filters(specialty="surgery"))
    assert [s.specialty for s in surgery] == ["Surgery"]
    genetics = retriever.search("inherited condition", 5, Filters(specialty="Medical genetics"))
    assert genetics and all("Medical genetics" in (s.specialty or "") for s in genetics)


def test_dataset_and_date_filters(retriever: HybridRetriever, page_record: Record) -> None:
    medquad = retriever.search(CALF_QUERY, 5, Filters(dataset="medquad"))
    assert medquad and all(s.dataset == "MedQuAD" for s in medquad)
    dated = retriever.search(CALF_QUERY, 5, Filters(date_from=date(2022, 1, 1)))
    assert [s.record_id for s in dated] == [page_record.id]  # MedQuAD records carry no dates
    assert retriever.search(CALF_QUERY, 5, Filters(date_to=date(2021, 12, 31))) == []


def test_unknown_filter_values_are_named(retriever: HybridRetriever) -> None:
    with pytest.raises(UnknownFilterValue, match=r"Known specialties: .*Surgery"):
        retriever.search(CALF_QUERY, 5, Filters(specialty="Dermatology"))
    with pytest.raises(UnknownFilterValue, match="Known datasets"):
        retriever.search(CALF_QUERY, 5, Filters(dataset="PubMedQA"))


def test_blank_query_gives_nothing(retriever: HybridRetriever) -> None:
    assert retriever.search("   ", 5) == []


def test_diversification_changes_near_duplicates(archive: Archive) -> None:
    plain = HybridRetriever(archive, diversify=False).search("genetic changes inheritance", 8)
    diverse = HybridRetriever(archive).search("genetic changes inheritance", 8)
    assert plain[0].record_id == diverse[0].record_id  # MMR keeps the most relevant first
    assert len({s.record_id for s in diverse}) == 8


def test_langchain_retriever(retriever: HybridRetriever, page_record: Record) -> None:
    lc = ArchiveRetriever(retriever=retriever, k=3)
    documents = lc.invoke(CALF_QUERY)
    assert all(isinstance(d, Document) for d in documents)
    assert documents[0].id == page_record.id
    assert documents[0].metadata["doctor"] == "Ke Fangxu"
    assert documents[0].page_content in documents[0].metadata["passages"]


def test_langchain_vectorstore_reads_the_same_collection(
    archive: Archive, page_record: Record
) -> None:
    hits = archive.vectors.store.similarity_search(CALF_QUERY, k=1)
    assert hits[0].metadata["record_id"] == page_record.id


PROCTITIS_QUESTION = (
    "I'm 34 and for the last month I have had rectal bleeding and a feeling that I need to go "
    "all the time. My GP said it looks like proctitis and sent me home. I have read a lot "
    "online and now I am scared. What can be done about it, is there any medicine?"
)


def test_a_patient_question_gets_the_answer_on_its_focus_that_treats(archive: Archive) -> None:
    """Long and personal: the focus's treatment answer comes first with the focus list on."""
    focused = HybridRetriever(archive).search(PROCTITIS_QUESTION, 5)
    assert (focused[0].focus, focused[0].question_type) == ("Proctitis", "treatment")
    plain = HybridRetriever(archive, focus=False).search(PROCTITIS_QUESTION, 5)
    assert (plain[0].focus, plain[0].question_type) != ("Proctitis", "treatment")


def test_a_misspelt_focus_is_searched_as_read(archive: Archive) -> None:
    sources = HybridRetriever(archive).search("how do you treat hemmroids at home", 3)
    assert sources[0].focus == "Hemorrhoids"
    assert ("Hemorrhoids", "treatment") in [(s.focus, s.question_type) for s in sources]


def test_the_focus_list_keeps_to_the_filters(
    archive: Archive, medquad_sample: list[Record], page_record: Record
) -> None:
    proctitis = frozenset(r.id for r in medquad_sample if r.focus == "Proctitis")
    treatment = sorted(
        r.id for r in medquad_sample if r.focus == "Proctitis" and r.question_type == "treatment"
    )
    kept = HybridRetriever(archive).search(
        PROCTITIS_QUESTION, 10, Filters(exclude_ids=frozenset(treatment))
    )
    assert not set(treatment) & {s.record_id for s in kept}
    assert kept[0].record_id in proctitis  # the focus's other answers still come first
    site = HybridRetriever(archive).search(PROCTITIS_QUESTION, 10, Filters(dataset="site"))
    assert [s.record_id for s in site] == [page_record.id]


def test_an_answer_the_focus_list_brings_comes_with_its_answer_not_its_question(
    archive: Archive,
) -> None:
    """The focus's answers that no search found bring their first answer passage: the chunk
    "Proctitis / What are the treatments for Proctitis ?" has nothing to quote or show."""
    sources = HybridRetriever(archive).search(PROCTITIS_QUESTION, 10)
    on_focus = [s for s in sources if s.focus == "Proctitis"]
    assert len(on_focus) >= 3
    for source in on_focus:
        kinds = [p.kind for p in source.passages]
        assert "explanation" in kinds, (source.record_id, source.passages[0].text)


NAUSEA_QUESTION = "Are there more than one type of nausea medication?"  # K-QA's
NAUSEA = (  # the answers on nausea and vomiting (MedlinePlus's; NIDDK's on cyclic vomiting)
    "Nausea is an uneasy or unsettled feeling in the stomach together with an urge to vomit. "
    "Nausea and vomiting, or throwing up, are not diseases. They can be symptoms of many "
    "different conditions.",
    "People with cyclic vomiting syndrome should get plenty of rest and take medications to "
    "prevent a vomiting episode, stop an episode in progress, speed up recovery, or relieve "
    "associated symptoms.",
)
VARICOSE = (  # found for "medication" and "type" alone (NHLBI's varicose veins)
    "Varicose veins are treated with lifestyle changes and medical procedures. The goals of "
    "treatment are to relieve symptoms, prevent complications, and improve appearance."
)


def test_diversification_weighs_closeness_to_the_question(embedder: MiniLMEmbedder) -> None:
    """K-QA's nausea question: fused ranks alone rate a record found for a word it shares with
    the question as high as the second answer on nausea, and diversification then prefers it
    for being unlike the first (the varicose veins' treatments came second). Closeness to the
    question keeps the answer on nausea second."""
    vectors = np.stack([embedder.embed_one(t) for t in (*NAUSEA, VARICOSE)])
    fused = np.array([0.033, 0.030, 0.030])
    question = embedder.embed_one(NAUSEA_QUESTION)
    assert diversified(vectors, fused, question, 3, 0.7)[:2] == [0, 1]
    assert diversified(vectors, fused, None, 3, 0.7)[:2] == [0, 2]  # by fused rank alone
