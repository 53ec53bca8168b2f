"""Reading patients' misspelt medical names (real K-QA spellings) as the names the archive and
the dictionaries know, and leaving everything else as written."""

from __future__ import annotations

import pytest

from assistant.knowledge import lexicon
from assistant.understanding import FocusCatalogue, Speller, understand
from assistant.understanding.spelling import english

# words some archived answer uses as written (the keyword index's vocabulary in the product)
ARCHIVE_WORDS = frozenset(["bananas", "congestion", "contagious", "relaxant", "swallowing"])


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(
        ["Hemorrhoids", "Gout", *lexicon().names()],
        lambda word: english(word) or word in ARCHIVE_WORDS,
    )


@pytest.mark.parametrize(
    ("written", "read_as"),
    [
        ("hemmroids", "hemorrhoids"),
        ("chylamdia", "chlamydia"),
        ("ghonerrea", "gonorrhea"),
        ("benedryl", "benadryl"),
        ("Allopurinal", "allopurinol"),
        ("Amoxcicilin", "amoxicillin"),
        ("menigitis", "meningitis"),
    ],
)
def test_real_kqa_misspellings_are_read_as_known_names(
    speller: Speller, written: str, read_as: str
) -> None:
    assert speller.read(written) == read_as


@pytest.mark.parametrize(
    "word",
    # English words (Alright, ambient, Dramamine), archive words, names as spelt, short words,
    # and names near a name of something else ("Augmentin" is not "Argentine")
    [
        "Alright",
        "ambient",
        "Dramamine",
        "congestion",
        "hemorrhoids",
        "Tylenol",
        "socks",
        "Augmentin",
        "abreva",
    ],
)
def test_known_short_and_unmatched_words_are_left_as_written(speller: Speller, word: str) -> None:
    assert speller.read(word) is None


def test_a_question_is_corrected_and_every_correction_reported(speller: Speller) -> None:
    text, corrections = speller.correct("Do fissures and hemmroids heal? Hemmroids hurt.")
    assert text == "Do fissures and hemorrhoids heal? hemorrhoids hurt."
    assert [(c.written, c.read_as) for c in corrections] == [("hemmroids", "hemorrhoids")]


def test_the_focus_is_found_through_the_misspelling(speller: Speller) -> None:
    catalogue = FocusCatalogue.build([("m:1", "Hemorrhoids", "information")])
    u = understand(
        "Do fissures and hemmroids heal on their own?", catalogue=catalogue, speller=speller
    )
    assert u.focus == "Hemorrhoids"
    assert u.question == "Do fissures and hemorrhoids heal on their own?"
    without = understand("Do fissures and hemmroids heal on their own?", catalogue=catalogue)
    assert without.focus is None and without.corrections == ()
