"""Glued section headings and repeated lists in flattened MedQuAD answers (real passages)."""

from __future__ import annotations

import pytest

from assistant.corpus.headings import collapse_repeats, is_heading, split_headings
from assistant.text import split_sentences

# NIHSeniorHealth, "What is (are) Gout ?" (shortened): three glued headings and a question
GOUT_WHAT = (
    "Sudden, Intense Joint Pain Gout is a form of arthritis that causes the sudden onset of "
    "intense pain and swelling in the joints, which also may be warm and red. Attacks "
    "frequently occur at night. Where Gout Usually Occurs Sometime during the course of the "
    "disease, many patients will develop gout in the big toe. Who is at Risk? Adult men, "
    "particularly those between the ages of 40 and 50, are more likely to develop gout than "
    "women. A Buildup of Uric Acid Before an attack, needle-like crystals of uric acid build "
    "up in connective tissue, in the joint space between two bones, or in both."
)
# NIHSeniorHealth, "What causes Gout ?" (shortened): a heading, and every item said twice
GOUT_CAUSES = (
    "A Buildup of Uric Acid Most people with gout have too much uric acid in their blood, a "
    "condition called hyperuricemia. Risk Factors These risk factors are associated with "
    "gout. - Genetics. Many people with gout have a family history of the disease. Genetics. "
    "Many people with gout have a family history of the disease. - Gender and age. Gout is "
    "more common in men than in women and more common in adults than in children. Gender and "
    "age. Gout is more common in men than in women and more common in adults than in children."
)


def test_glued_headings_of_the_gout_page_go_on_lines_of_their_own() -> None:
    assert split_headings(GOUT_WHAT, "Gout").split("\n") == [
        "Sudden, Intense Joint Pain",
        "Gout is a form of arthritis that causes the sudden onset of intense pain and swelling"
        " in the joints, which also may be warm and red. Attacks frequently occur at night.",
        "Where Gout Usually Occurs",
        "Sometime during the course of the disease, many patients will develop gout in the big"
        " toe.",
        "Who is at Risk?",
        "Adult men, particularly those between the ages of 40 and 50, are more likely to"
        " develop gout than women.",
        "A Buildup of Uric Acid",
        "Before an attack, needle-like crystals of uric acid build up in connective tissue, in"
        " the joint space between two bones, or in both.",
    ]


def test_repeated_label_and_text_are_collapsed_and_the_heading_split() -> None:
    assert split_headings(GOUT_CAUSES, "Gout").split("\n") == [
        "A Buildup of Uric Acid",
        "Most people with gout have too much uric acid in their blood, a condition called"
        " hyperuricemia.",
        "Risk Factors",
        "These risk factors are associated with gout. - Genetics. Many people with gout have a"
        " family history of the disease. - Gender and age. Gout is more common in men than in"
        " women and more common in adults than in children.",
    ]


def test_headings_become_units_of_their_own_for_the_sentence_splitter() -> None:
    sentences = split_sentences(split_headings(GOUT_CAUSES, "Gout"))
    assert sentences[:4] == [
        "A Buildup of Uric Acid",
        "Most people with gout have too much uric acid in their blood, a condition called"
        " hyperuricemia.",
        "Risk Factors",
        "These risk factors are associated with gout.",
    ]
    assert [s for s in sentences if is_heading(s)] == ["A Buildup of Uric Acid", "Risk Factors"]


@pytest.mark.parametrize(
    ("text", "title", "lines"),
    [
        (  # NIHSeniorHealth, Heart Failure: a heading said again as the subject
            "Coronary heart disease can weaken the heart. High Blood Pressure High blood "
            "pressure is the force of blood pushing against the walls of the arteries.",
            "Heart Failure",
            [
                "Coronary heart disease can weaken the heart.",
                "High Blood Pressure",
                "High blood pressure is the force of blood pushing against the walls of the"
                " arteries.",
            ],
        ),
        (  # CancerGov: a one-word heading said again
            "Information about clinical trials is available from the NCI website. Chemotherapy"
            " Chemotherapy is a cancer treatment that uses drugs to stop the growth of cancer"
            " cells.",
            "Melanoma",
            [
                "Information about clinical trials is available from the NCI website.",
                "Chemotherapy",
                "Chemotherapy is a cancer treatment that uses drugs to stop the growth of cancer"
                " cells.",
            ],
        ),
        (  # CancerGov: a stage heading before "In stage …"
            "Stage IIIA In stage IIIA, the tumor has spread to nearby lymph nodes.",
            "Male Breast Cancer",
            ["Stage IIIA", "In stage IIIA, the tumor has spread to nearby lymph nodes."],
        ),
        (  # NIHSeniorHealth, COPD: the sentence opens at "When", before the name
            "COPD Develops Slowly, Has No Cure When COPD is severe, shortness of breath and "
            "other symptoms can get in the way of doing even the most basic tasks.",
            "COPD",
            [
                "COPD Develops Slowly, Has No Cure",
                "When COPD is severe, shortness of breath and other symptoms can get in the way"
                " of doing even the most basic tasks.",
            ],
        ),
        (  # CancerGov: the heading said twice, then the sentence that starts with it
            "Stage II Stage II AIDS-related lymphoma is divided into stage II and stage IIE.",
            "AIDS-Related Lymphoma",
            ["Stage II", "Stage II AIDS-related lymphoma is divided into stage II and stage IIE."],
        ),
        (  # NIHSeniorHealth, Rheumatoid Arthritis: the record's name opens the sentence
            "An Inflammatory, Autoimmune Disease Rheumatoid arthritis is an inflammatory "
            "disease that causes pain, swelling, stiffness, and loss of function in the joints.",
            "Rheumatoid Arthritis",
            [
                "An Inflammatory, Autoimmune Disease",
                "Rheumatoid arthritis is an inflammatory disease that causes pain, swelling,"
                " stiffness, and loss of function in the joints.",
            ],
        ),
    ],
)
def test_real_glued_headings_are_split(text: str, title: str, lines: list[str]) -> None:
    assert split_headings(text, title).split("\n") == lines


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # a Title-Case subject is not a heading, with the record's title known or not
        (
            "Adult Acute Lymphoblastic Leukemia is a type of cancer in which the bone marrow "
            "makes too many lymphocytes.",
            "Adult Acute Lymphoblastic Leukemia",
        ),
        (
            "Adult Acute Lymphoblastic Leukemia is a type of cancer in which the bone marrow "
            "makes too many lymphocytes.",
            None,
        ),
        ("High Blood Pressure is a common condition in older adults.", "High Blood Pressure"),
        ("Parkinson's Disease is a brain disorder that leads to shaking.", "Parkinson's Disease"),
        ("Vitamin A is important for normal vision and the immune system.", None),
        ("Hepatitis B becomes chronic when the body cannot fight off the virus.", None),
        # a name's qualifier before the record's name (GHR)
        (
            "Type 1 Pfeiffer syndrome is caused by mutations in either the FGFR1 or FGFR2 gene.",
            "Pfeiffer syndrome",
        ),
        (
            "Types I and III Waardenburg syndrome are caused by mutations in the PAX3 gene.",
            "Waardenburg syndrome",
        ),
        (  # NINDS: a name's letter, not an article
            "Niemann-Pick disease has three categories. Type A, the most severe form, occurs in "
            "early infancy.",
            "Niemann-Pick Disease",
        ),
        (  # CancerGov: "(WHO)" is an abbreviation, not the word "who"
            "The World Health Organization (WHO) tumor grades are based on how abnormal the "
            "cancer cells look under a microscope.",
            "Adult Central Nervous System Tumors",
        ),
        (  # GHR: a list item after a colon runs into the next sentence; not a heading
            "These resources address the diagnosis or management of this condition: - "
            "MedlinePlus Encyclopedia: Omphalocele Repair These resources from MedlinePlus offer"
            " information about the diagnosis and management of various health conditions.",
            "Manitoba oculotrichoanal syndrome",
        ),
        (  # GARD: the question heading is already a sentence of its own; left alone
            "How is cleidocranial dysplasia inherited? Cleidocranial dysplasia is inherited in "
            "an autosomal dominant manner.",
            "Cleidocranial dysplasia",
        ),
        (  # a proper noun after an initial is not a heading
            "The NINDS supports research on this disorder. Morris K. Udall Centers of Excellence"
            " for Parkinson's Disease Research program . These Centers study the disease.",
            None,
        ),
        ("Finasteride and dutasteride are drugs that lower male hormone levels.", None),
    ],
)
def test_sentences_that_open_with_capitals_stay_whole(text: str, title: str | None) -> None:
    assert split_headings(text, title) == text


@pytest.mark.parametrize(
    "text",
    [
        # GHR: "Brugada syndrome" and "Brugada syndrome 1" are two entries
        "These resources address the management of Brugada syndrome: - Genetic Testing "
        "Registry: Brugada syndrome - Genetic Testing Registry: Brugada syndrome 1 - MedlinePlus"
        " Encyclopedia: Arrhythmias",
        # CancerGov: the repeat does not start where an item does
        "- Supraglottic laryngectomy with or without radiation therapy. - A clinical trial of "
        "radiation therapy. - A clinical trial of chemoprevention.",
        # CancerGov: a heading said again as the subject of its sentence is not a repeat
        "Lymphoblastic lymphoma is a lot like acute lymphoblastic leukemia. Anaplastic large "
        "cell lymphoma Anaplastic large cell lymphoma is a type of lymphoma.",
        "Gene Review: Gene Review: Hemophagocytic Lymphohistiocytosis, Familial",  # too short
    ],
)
def test_repeats_that_are_not_list_copies_stay(text: str) -> None:
    assert collapse_repeats(text) == text


def test_a_bulleted_list_followed_by_its_plain_copy_is_kept_once() -> None:
    # NIHSeniorHealth, "What are the symptoms of Gout ?" (shortened)
    text = (
        "Other signs and symptoms of gout include - hyperuricemia -- high levels of uric acid "
        "in the body - the presence of uric acid crystals in joint fluid - more than one attack "
        "of acute arthritis. hyperuricemia -- high levels of uric acid in the body the presence "
        "of uric acid crystals in joint fluid more than one attack of acute arthritis."
    )
    assert collapse_repeats(text) == (
        "Other signs and symptoms of gout include - hyperuricemia -- high levels of uric acid "
        "in the body - the presence of uric acid crystals in joint fluid - more than one attack "
        "of acute arthritis."
    )


def test_each_item_said_twice_inside_its_bullet_is_kept_once() -> None:
    text = (
        "These can include - hyperuricemia -- high levels of uric acid in the body hyperuricemia"
        " -- high levels of uric acid in the body - the presence of uric acid crystals in joint"
        " fluid the presence of uric acid crystals in joint fluid"
    )
    assert collapse_repeats(text) == (
        "These can include - hyperuricemia -- high levels of uric acid in the body - the "
        "presence of uric acid crystals in joint fluid"
    )


def test_lines_already_apart_stay_and_splitting_twice_changes_nothing() -> None:
    text = "Key Points\n- Gout is a form of arthritis.\n\nRisk Factors\nThese are the risks."
    assert split_headings(text, "Gout") == text
    once = split_headings(GOUT_WHAT + " " + GOUT_CAUSES, ["Gout", None])
    assert split_headings(once, "Gout") == once
    assert once.split() == collapse_repeats(GOUT_WHAT + " " + GOUT_CAUSES).split()


@pytest.mark.parametrize(
    "line",
    [
        "Who is at Risk?",
        "Risk Factors",
        "Sudden, Intense Joint Pain",
        "Stage 0 (Carcinoma in Situ)",
        "Key Points",
        "Treatment Options for Adult Acute Lymphoblastic Leukemia",
        "  Outlook  ",
    ],
)
def test_is_heading(line: str) -> None:
    assert is_heading(line)


@pytest.mark.parametrize(
    "line",
    [
        "Gout is a form of arthritis.",
        "These risk factors are associated with gout.",
        "Have you ever felt you should cut down on your drinking?",
        "How is cleidocranial dysplasia inherited?",  # a question in sentence case
        "What Drugs Are Used to Treat Parkinson's Disease and How Do They Work?",  # too long
        "- Genetics.",
        "Genetics.",
        "Stage I - Stage II - Stage III",
        "Blood tests",  # sentence case: may be a list item as well as a heading
        "http://www.ninds.nih.gov/research/parkinsonsweb/index.htm",
        "",
    ],
)
def test_is_not_heading(line: str) -> None:
    assert not is_heading(line)


# MedlinePlus, "Cold Sores": the source lost a full stop
COLD_SORES = (
    "Type 1 usually causes oral herpes, or cold sores. Type 2 usually affects the genital area"
    " Some people have no symptoms from the infection. But others develop painful sores."
)


def test_a_sentence_that_lost_its_full_stop_is_cut_from_the_next() -> None:
    units = split_sentences(split_headings(COLD_SORES, "Cold Sores"))
    assert "Some people have no symptoms from the infection." in units
    assert "Type 2 usually affects the genital area" in units


@pytest.mark.parametrize(
    "text",
    [
        "Read Choosing a Medigap Policy: A Guide to Health Insurance for People with Medicare.",
        "Vitamin A is needed for vision. Hepatitis A and B are different.",
        "It was named after the doctor who first described it.",
    ],
)
def test_title_words_and_ordinary_sentences_are_not_cut(text: str) -> None:
    assert split_headings(text) == text
