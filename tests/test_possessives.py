"""Apostrophes MedQuAD's text lost, put back where they surely were (real MedQuAD phrases)."""

from __future__ import annotations

import pytest

from assistant.corpus.headings import split_headings
from assistant.corpus.possessives import restore_possessives


@pytest.mark.parametrize(
    ("lost", "restored"),
    [
        ("because the bodys immune system attacks", "because the body's immune system attacks"),
        ("the symptoms affect a mans daily life", "the symptoms affect a man's daily life"),
        ("can also increase a persons risk.", "can also increase a person's risk."),
        ("history of the patients health habits", "history of the patient's health habits"),
        ("Check with your childs doctor if", "Check with your child's doctor if"),
        ("Childrens hospitals and womens clinics", "Children's hospitals and women's clinics"),
    ],
)  # fmt: skip
def test_lost_apostrophes_are_put_back(lost: str, restored: str) -> None:
    assert restore_possessives(lost) == restored


@pytest.mark.parametrize(
    "kept",
    [
        "Most patients need no treatment.",  # a plural and its verb
        "the patients were followed for five years",
        "Ask the doctors and nurses who care for you.",
        "symptoms that patients report",
        "He mans the desk.",
    ],
)
def test_plurals_and_verbs_are_left_alone(kept: str) -> None:
    assert restore_possessives(kept) == kept


def test_cleaned_text_reaches_chunks_and_plans() -> None:
    assert "the body's immune" in split_headings("It happens when the bodys immune system fails.")
