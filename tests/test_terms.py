"""Explaining the terms of a reply: which archive sentences say what a term is, and which
sentences can be quoted on their own (real sentences from MedQuAD answers and the site page)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.corpus import Record
from assistant.drafting.composer import refers_back
from assistant.drafting.definitions import defines
from assistant.drafting.plan import standalone
from assistant.drafting.terms import explain_terms
from assistant.embeddings import MiniLMEmbedder
from assistant.index import Archive
from assistant.retrieval import HybridRetriever


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        ("Fat necrosis is a benign condition in which fatty tissue is damaged.", "fat necrosis"),
        (
            "A lipoma is a slow-growing, fatty lump that is most often situated between "
            "your skin and the underlying muscle layer.",
            "lipoma",
        ),
        ("Gout is a form of arthritis that causes sudden attacks of pain.", "gout"),
        # an adjective in -ed is no passive: "red", "raised"; nor is "is called", "defined as"
        ("Hives are red, itchy, raised areas of the skin.", "hives"),
        ("Anemia is defined as a low number of red blood cells.", "anemia"),
        ("Calcinosis cutis, or calcium deposits in the skin, is rare.", "calcinosis cutis"),
        ("Sometimes calcium builds up in tissue, a process called calcification.", "calcification"),
        (
            "Echogenic lesions are areas that reflect more sound waves than the tissue "
            "around them.",
            "echogenic lesions",
        ),
        (
            "Diverticulitis occurs when the diverticula become inflamed, or irritated and "
            "swollen, and infected.",
            "diverticulitis",
        ),
    ],
)
def test_sentences_that_say_what_a_term_is(sentence: str, term: str) -> None:
    assert defines(sentence, term)


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        # mentions the term without saying what it is
        (
            "In the early stage when fat necrosis predominates, many physicians tend not to treat.",
            "fat necrosis",
        ),
        (
            "If no other primary cause for brain calcification is detected, testing should be "
            "considered.",
            "calcification",
        ),
        ("Doctors treat gout with medicines.", "gout"),
        # who gets it, or what causes it, is not what it is (K-QA 19, on colchicine's uses)
        ("Pericarditis occurs in people of all ages.", "pericarditis"),
        ("Fat necrosis can be caused by an injury to the breast.", "fat necrosis"),
        # nor how it passes or what brings it on (K-QA 157: under "What the words in the
        # reply mean")
        ("HPV infection is spread mainly through sexual contact.", "HPV infection"),
        ("Hives are usually caused by an allergic reaction.", "hives"),
        ("Asthma is inherited in families.", "asthma"),
    ],
)
def test_mentions_are_not_definitions(sentence: str, term: str) -> None:
    assert not defines(sentence, term)


@pytest.mark.parametrize(
    "sentence",
    [
        "Examples of such medicines include aspirin and ibuprofen.",
        "These include pain, swelling and redness.",
        "Here are other medical problems that contribute to anemia:",
        "In addition, your doctor may order a blood test.",
        "This condition is usually harmless.",
        "It can affect any joint.",
        "The following symptoms may occur.",
    ],
)
def test_sentences_that_lean_on_their_predecessor_are_not_quoted_alone(sentence: str) -> None:
    assert not standalone(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Gout is a form of arthritis that causes sudden attacks of pain.",
        "Medicines such as colchicine can relieve a gout attack.",
        "A doctor can remove a lipoma with a small cut in the skin.",
    ],
)
def test_self_contained_sentences_are_quoted(sentence: str) -> None:
    assert standalone(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Where Gout Usually Occurs Sometime during the course of the disease, gout may affect "
        "other joints.",
        "Sudden, Intense Joint Pain Gout is a form of arthritis.",
        "Certain medical conditions History of cervical, vaginal, or vulvar cancer Cervical "
        "cancer is related to HPV infection.",
        "You are more likely to get gout if you - Are a man - Drink alcohol.",
        "Eat Well People with diabetes don't need to buy or prepare special foods.",
        "Learn more about how diabetes can affect your mouth and teeth.",
    ],
)
def test_headings_and_lists_glued_into_a_sentence_are_not_quoted(sentence: str) -> None:
    assert not standalone(sentence)


def test_a_term_is_explained_by_a_sentence_that_stands_alone(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    answer = (
        "Some patients get sick again after stopping treatment. This is called reactivation "
        "(recurrence) and may occur within one year. Reactivation is the return of an "
        "infection after it was under control."
    )
    archive = Archive(Settings(home=tmp_path, collection="terms"), embedder=embedder)
    archive.ingest([Record(id="t:1", question="What is reactivation?", long_explanation=answer)])
    found, missing = explain_terms(["reactivation"], HybridRetriever(archive))
    assert missing == [] and [q.text for q in found] == [
        "Reactivation is the return of an infection after it was under control."
    ]


def test_a_rare_disease_s_answer_explains_no_term_it_names_in_passing(
    tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    """K-QA 128: a reply names lactic acid as a skin cream's exfoliant, and "Pyruvate
    dehydrogenase deficiency is characterized by the buildup of a chemical called lactic acid
    …" (GHR) had explained it. The same sentence on a page from another collection, or a GHR
    sentence on its own disease, still explains."""
    sentence = (
        "Pyruvate dehydrogenase deficiency is characterized by the buildup of a chemical "
        "called lactic acid in the body and a variety of neurological problems."
    )
    archive = Archive(Settings(home=tmp_path, collection="rare"), embedder=embedder)
    ghr = Record(
        id="g:1",
        question="What is (are) pyruvate dehydrogenase deficiency ?",
        long_explanation=sentence,
        focus="pyruvate dehydrogenase deficiency",
        specialty="Medical genetics",
    )
    archive.ingest([ghr])
    retriever = HybridRetriever(archive)
    assert explain_terms(["lactic acid"], retriever) == ([], ["lactic acid"])
    found, _ = explain_terms(["pyruvate dehydrogenase deficiency"], retriever)
    assert [q.text for q in found] == [sentence]
    archive.ingest([ghr.model_copy(update={"specialty": "Neurology"})])
    found, _ = explain_terms(["lactic acid"], retriever)
    assert [q.text for q in found] == [sentence]


@pytest.mark.parametrize(
    ("sentence", "predecessor", "resolves"),
    [
        # real MedlinePlus pairs: "This test" has no test before it, "These include" needs none
        (
            "This test has several different names.",
            "A damaged kidney lets some albumin pass into the urine.",
            False,
        ),
        (
            "These include urine tests, x-rays, and examination of the ureter with a scope.",
            "Doctors diagnose problems with the ureters using different tests.",
            True,
        ),
        ("Such medicines include aspirin.", "Some medicines thin the blood.", True),
        (
            "This process can occur in various tissues through different mechanisms.",
            "Calcification refers to the accumulation of calcium salts in a tissue.",
            True,
        ),
    ],
)
def test_a_pair_is_quoted_only_when_its_reference_resolves_inside_it(
    sentence: str, predecessor: str, resolves: bool
) -> None:
    assert refers_back(sentence, predecessor) is resolves
