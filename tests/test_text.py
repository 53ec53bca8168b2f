"""The sentence splitter on the site's own "More Info" text and on the cases that trip it."""

from __future__ import annotations

import time
from itertools import pairwise
from pathlib import Path

import pytest

from assistant.corpus import load
from assistant.text import sentence_spans, split_sentences

REPO = Path(__file__).parents[1]


@pytest.fixture(scope="module")
def more_info() -> str:
    [page] = load(REPO / "data" / "site_page_example.txt", format="pages").records
    assert page.long_explanation is not None
    return page.long_explanation


@pytest.fixture(scope="module")
def sentences(more_info: str) -> list[str]:
    return split_sentences(more_info)


def test_numbered_list_items_stay_whole(sentences: list[str]) -> None:
    for item in (
        "1. Dystrophic Calcification: This is the most common type of calcification seen in "
        "benign masses.",
        "3. Calcified Lipomas: While your doctor indicated that the mass is not a lipoma, it is "
        "worth noting that lipomas can sometimes undergo calcification.",
        "5. Chronic Inflammatory Conditions: Conditions that cause chronic inflammation in the "
        "area can lead to calcification as well.",
    ):
        assert item in sentences
    # the number is never a sentence of its own
    assert not any(s.rstrip(".").isdigit() for s in sentences)


def test_sentences_after_a_list_item_are_split(sentences: list[str]) -> None:
    assert (
        "It occurs in damaged or necrotic tissue, where calcium deposits form as a result of "
        "tissue injury or inflammation." in sentences
    )
    assert "This type of calcification is often associated with benign conditions." in sentences


def test_decimals_are_not_split(sentences: list[str]) -> None:
    assert (
        "In your case, the ultrasound revealed a calcified mass measuring approximately 0.2 cm "
        "in the subcutaneous tissue of your calf." in sentences
    )
    assert "Your mass is small (0.2 cm), which is generally a good sign." in sentences
    assert split_sentences("The lump is 0.2 cm wide. It is benign.") == [
        "The lump is 0.2 cm wide.",
        "It is benign.",
    ]


def test_a_footnote_number_ends_its_sentence_and_stays_with_it() -> None:
    """MedQuAD keeps some footnote numbers ("… suggestive of benign prostatic hyperplasia.1
    Although …"): two sentences, the first ending on its number (so no one quotes it as a
    clean sentence), while "2.5 mg" and "B12.3" stay whole."""
    text = "Many men had symptoms.1 Although rare before 40, they rise with age. Take 2.5 mg."
    assert split_sentences(text) == [
        "Many men had symptoms.1",
        "Although rare before 40, they rise with age.",
        "Take 2.5 mg.",
    ]
    assert split_sentences("Vitamin B12.3 Tablets help.") == ["Vitamin B12.3 Tablets help."]
    # NIDDK's footnote after a number reads as a decimal: "65.2" is "65." and note 2, and
    # "keep their BMI lower than 25.4" is lower than 25 (note 4); "2.2 Mb" is a size
    glued = "Hemorrhoids are most common among adults ages 45 to 65.2 Hemorrhoids are also common."
    assert split_sentences(glued) == [
        "Hemorrhoids are most common among adults ages 45 to 65.2",
        "Hemorrhoids are also common.",
    ]
    bmi = "People should aim to keep their BMI lower than 25.4  Experts recommend activity."
    assert split_sentences(bmi)[1] == "Experts recommend activity."
    size = "Most cases are approximately 2.2 Mb in size and include the gene."
    assert split_sentences(size) == [size]


def test_headings_on_their_own_line_are_their_own_sentence(sentences: list[str]) -> None:
    for heading in ("What Does Calcification Mean?", "Clinical Significance", "Conclusion"):
        assert heading in sentences
    index = sentences.index("Clinical Significance")
    assert sentences[index + 1].startswith("The fact that your physician")
    assert sentences[index - 1].startswith("5. Chronic Inflammatory Conditions")


def test_line_bullets_are_kept_one_per_sentence(sentences: list[str]) -> None:
    assert "- An increase in the size of the mass" in sentences
    assert (
        "- Symptoms: If the mass is not causing pain, discomfort, or other symptoms, it is "
        "typically not a cause for concern." in sentences
    )
    # the sentence after a bullet's first sentence is split off
    assert "Your mass is small (0.2 cm), which is generally a good sign." in sentences


def test_the_whole_more_info_text_is_segmented_as_expected(sentences: list[str]) -> None:
    assert len(sentences) == 38
    assert sentences[0].startswith("Understanding calcified masses in the calf")
    assert sentences[-1] == (
        "If you have any further questions or concerns, do not hesitate to reach out to your "
        "physician for clarification and guidance."
    )


def test_doctor_title_does_not_end_a_sentence() -> None:
    assert split_sentences("Dr. Ke Fangxu reply Surgery") == ["Dr. Ke Fangxu reply Surgery"]
    assert split_sentences("I asked Dr. Ke about it. He said it was benign.") == [
        "I asked Dr. Ke about it.",
        "He said it was benign.",
    ]


def test_common_abbreviations_do_not_end_a_sentence() -> None:
    text = "Some masses, e.g. lipomas, calcify. Others, i.e. cysts, do not. See Fig. 2 for more."
    assert split_sentences(text) == [
        "Some masses, e.g. lipomas, calcify.",
        "Others, i.e. cysts, do not.",
        "See Fig. 2 for more.",
    ]


def test_inline_bullets_start_new_sentences() -> None:
    text = "Common symptoms include: - Fever. - Cough. - Shortness of breath. See a doctor."
    assert split_sentences(text) == [
        "Common symptoms include:",
        "Fever.",
        "Cough.",
        "Shortness of breath.",
        "See a doctor.",
    ]


def test_inline_numbered_list_keeps_numbers_with_their_items() -> None:
    # the form of a reply on the site's page ("Hello: 1. Fibromas do not develop ...")
    text = (
        "Hello: 1. Fibromas do not develop in the calves. 2. Due to individual constitution, "
        "there is a higher tendency for growth. 3. Observation is sufficient."
    )
    assert split_sentences(text) == [
        "Hello: 1. Fibromas do not develop in the calves.",
        "2. Due to individual constitution, there is a higher tendency for growth.",
        "3. Observation is sufficient.",
    ]


def test_a_number_ending_a_sentence_still_ends_it() -> None:
    assert split_sentences("Cases rose to 2. Doctors were worried.") == [
        "Cases rose to 2.",
        "Doctors were worried.",
    ]


def test_lines_are_units() -> None:
    assert split_sentences("Symptoms\nfever and cough\n\nTreatment\nrest") == [
        "Symptoms",
        "fever and cough",
        "Treatment",
        "rest",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "  Leading spaces. And a tab\tinside.  \n\n  Next line!  Trailing?   ",
        "Windows line ends.\r\nSecond line.\r\n",
        "Hello, Dr.\nKe...\nThere is a lump about 0.2 cm under my calf skin.\n",
    ],
)
def test_spans_map_back_to_the_exact_text(text: str) -> None:
    spans = sentence_spans(text)
    assert spans
    assert [text[a:b] for a, b in spans] == split_sentences(text)
    for a, b in spans:
        piece = text[a:b]
        assert piece == piece.strip() and piece
    assert spans == sorted(spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in pairwise(spans))


def test_spans_of_the_more_info_text_map_back(more_info: str, sentences: list[str]) -> None:
    spans = sentence_spans(more_info)
    assert [more_info[a:b] for a, b in spans] == sentences
    # every character outside the spans is whitespace: no text is lost between sentences
    outside = list(more_info)
    for a, b in spans:
        outside[a:b] = [" "] * (b - a)
    assert "".join(outside).strip() == ""


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \t \r\n  "])
def test_empty_or_whitespace_gives_nothing(text: str) -> None:
    assert sentence_spans(text) == []
    assert split_sentences(text) == []


def test_punctuation_only_lines_are_not_sentences() -> None:
    assert split_sentences("First.\n---\n...\nSecond.") == ["First.", "Second."]


def test_spanish_is_split() -> None:
    text = "¿Qué es la calcificación? Es la acumulación de calcio. El Dr. Pérez lo explicó."
    assert split_sentences(text) == [
        "¿Qué es la calcificación?",
        "Es la acumulación de calcio.",
        "El Dr. Pérez lo explicó.",
    ]


def test_chinese_does_not_crash_and_keeps_every_character() -> None:
    text = "我的小腿有一个肿块。\n这是什么\uff1f医生说是良性的。"
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == [
        "我的小腿有一个肿块。",
        "这是什么\uff1f医生说是良性的。",
    ]


@pytest.mark.timeout(60)  # the old patterns took minutes here: fail, do not hang the suite
@pytest.mark.parametrize(
    "unit",
    [".", " !", "1. ", "a.", " ", "?.", ".)", "x. A"],
)
def test_splitting_grows_linearly_on_hostile_input(unit: str) -> None:
    """Runs of end marks, spaces and list numbers that made the old patterns backtrack for
    minutes: ten times the input costs about ten times the work (quadratic would be 100)."""

    def cost(n: int) -> float:
        text = "Why" + unit * n + " A"
        start = time.process_time()
        for _ in range(3):
            split_sentences(text)
        return time.process_time() - start

    cost(1_000)  # warm-up
    small, large = cost(10_000), cost(100_000)
    assert large < 30 * max(small, 1e-3)


def test_sentences_the_source_ran_together_are_parted_for_quoting() -> None:
    text = "Upper body discomfort.You may feel pain in one or both arms. See e.g. Table 2."
    assert split_sentences(text, run_together=True) == [
        "Upper body discomfort.",
        "You may feel pain in one or both arms.",
        "See e.g. Table 2.",
    ]
    # the index keeps the text as the source wrote it
    assert (
        split_sentences(text)[0] == "Upper body discomfort.You may feel pain in one or both arms."
    )
