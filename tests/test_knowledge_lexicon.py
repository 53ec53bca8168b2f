"""The medical vocabulary (assistant/knowledge): real names, K-QA questions, shipped data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.knowledge import Lexicon, Mention, lexicon

KQA = Path(__file__).parents[1] / "data" / "kqa_answered.jsonl"


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return lexicon()


def kqa_question(record_id: str) -> str:
    with KQA.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["id"] == record_id:
                return str(row["question"])
    raise AssertionError(f"{record_id} not in {KQA}")


def found(lex: Lexicon, text: str) -> list[tuple[str, str, str]]:
    return [(m.surface, m.canonical, m.kind) for m in lex.find(text)]


def test_lexicon_is_loaded_once_and_shared() -> None:
    assert lexicon() is lexicon()
    assert len(lexicon()) > 20_000


def test_heart_attack_and_myocardial_infarction_are_one_concept(lex: Lexicon) -> None:
    assert lex.canonical("heart attack") == "myocardial infarction"
    assert lex.canonical("Heart Attacks") == "myocardial infarction"
    assert lex.canonical("myocardial infarction") == "myocardial infarction"
    assert "myocardial infarction" in lex.synonyms("heart attack")
    assert "heart attack" in lex.synonyms("myocardial infarction")
    assert "Heart Attack" in lex.synonyms("Heart Attack")  # itself, as written, once
    assert "heart attack" not in lex.synonyms("Heart Attack")


def test_plain_name_glosses_a_medical_term(lex: Lexicon) -> None:
    assert lex.plain_name("myocardial infarction") == "heart attack"
    assert lex.with_plain_name("myocardial infarction") == "myocardial infarction (heart attack)"
    assert lex.plain_name("herpes zoster") == "shingles"
    assert lex.plain_name("hypertension") == "high blood pressure"
    assert lex.plain_name("urticaria") == "hives"


def test_plain_name_is_conservative(lex: Lexicon) -> None:
    assert lex.plain_name("heart attack") is None  # already the plain name
    assert lex.plain_name("Pinkeye") is None  # the same name written apart: "pink eye"
    assert lex.with_plain_name("shingles") == "shingles"
    assert lex.plain_name("gout") is None  # plain already, no other name
    assert lex.plain_name("plantar fasciitis") is None  # "policeman's heel" is no commoner
    assert lex.plain_name("breast neoplasms") is None  # neoplasms are not all cancer
    assert lex.plain_name("escitalopram") is None  # a brand is not a plain name
    assert lex.plain_name("no such illness") is None


def test_brand_and_generic_drug_names(lex: Lexicon) -> None:
    for brand in ("Lexapro", "lexapro", "LEXAPRO", "Cipralex"):
        assert lex.canonical(brand) == "escitalopram"
    assert "Lexapro" in lex.synonyms("escitalopram")
    assert lex.canonical("Lipitor") == "atorvastatin"
    assert lex.canonical("Tylenol") == "acetaminophen"
    assert lex.canonical("paracetamol") == "acetaminophen"
    assert lex.concept("Lexapro") is not None
    assert lex.concept("Lexapro").kind == "drug"  # type: ignore[union-attr]


def test_a_name_as_the_dictionary_writes_it(lex: Lexicon) -> None:
    assert lex.written("zyrtec") == "Zyrtec"  # a brand keeps its capital
    assert lex.written("cetirizine") == "cetirizine"
    assert lex.written("ZYRTEC") == "ZYRTEC"  # written with capitals: as written
    assert lex.written("flibbertigibbet") == "flibbertigibbet"


def test_unknown_term(lex: Lexicon) -> None:
    assert lex.canonical("flibbertigibbet") is None
    assert lex.synonyms("flibbertigibbet") == frozenset({"flibbertigibbet"})
    assert lex.synonyms("  ") == frozenset()


def test_kqa_question_naming_a_brand_drug(lex: Lexicon) -> None:
    question = kqa_question("kqa:0")  # "...I dont know much about Lexapro would you tell me..."
    mentions = lex.find(question)
    assert [(m.surface, m.canonical, m.kind) for m in mentions] == [
        ("Lexapro", "escitalopram", "drug")
    ]
    m = mentions[0]
    assert question[m.start : m.end] == m.surface


def test_kqa_question_naming_two_brands(lex: Lexicon) -> None:
    question = kqa_question("kqa:17")  # Benadryl makes me super sleepy can I take like Claritin
    assert found(lex, question) == [
        ("Benadryl", "diphenhydramine", "drug"),
        ("Claritin", "loratadine", "drug"),
    ]


def test_find_takes_the_longest_name_on_word_boundaries(lex: Lexicon) -> None:
    text = "She has chronic plantar fasciitis and two heart attacks; no heart-attack since."
    assert found(lex, text) == [
        ("chronic plantar fasciitis", "plantar fasciitis", "disease"),
        ("heart attacks", "myocardial infarction", "disease"),
        ("heart-attack", "myocardial infarction", "disease"),
    ]
    assert found(lex, "goutiness") == []  # not "gout" inside a longer word
    assert found(lex, "Gout.") == [("Gout", "gout", "disease")]


def test_a_name_does_not_run_across_a_sentence_break(lex: Lexicon) -> None:
    assert found(lex, "My heart. Attacks of dizziness.") == [("dizziness", "dizziness", "disease")]


def test_no_false_matches_on_ordinary_words(lex: Lexicon) -> None:
    for text in ("I can see", "it is", "IT is fine", "I can see it is fine, who are you?"):
        assert lex.find(text) == [], text
    assert found(lex, "She wears hearing aids.") == []
    assert found(lex, "He has AIDS.") == [("AIDS", "acquired immunodeficiency syndrome", "disease")]


def test_abbreviation_expansion(lex: Lexicon) -> None:
    assert lex.expand_abbreviation("HTN") == ("hypertension",)
    assert lex.expand_abbreviation("MI") == ("myocardial infarction",)
    assert lex.expand_abbreviation("copd") == ("chronic obstructive pulmonary disease",)
    assert "diabetes mellitus" in lex.expand_abbreviation("DM")
    assert lex.expand_abbreviation("ZZZQ") == ()
    assert lex.canonical("HTN") == "hypertension"
    assert lex.plain_name("MI") == "heart attack"
    assert "MI" in lex.synonyms("MI")


def test_abbreviations_in_text(lex: Lexicon) -> None:
    text = "History of MI and HTN, on metformin for DM; the BP is fine."
    assert found(lex, text) == [
        ("MI", "myocardial infarction", "abbreviation"),
        ("HTN", "hypertension", "abbreviation"),
        ("metformin", "metformin", "drug"),
        # DM and BP have several meanings: not guessed
    ]
    assert found(lex, "MI") == [("MI", "myocardial infarction", "abbreviation")]
    assert found(lex, "history of mi and htn") == []  # only capitals are abbreviations
    assert found(lex, "I took 10 ML") == []  # a unit, not microlaryngoscopy


def test_no_abbreviations_in_a_shouting_text(lex: Lexicon) -> None:
    kinds = {m.kind for m in lex.find("MY DAD HAD AN MI LAST YEAR AND NOW HAS A HEADACHE")}
    assert "abbreviation" not in kinds


def test_mention_is_a_frozen_value() -> None:
    m = Mention(0, 3, "flu", "influenza", "disease")
    with pytest.raises(AttributeError):
        m.start = 1  # type: ignore[misc]


def test_missing_or_foreign_data_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="build_lexicon"):
        Lexicon.load(tmp_path / "nope.json.gz")
    with pytest.raises(ValueError, match="rebuild"):
        Lexicon({"format": 99})


@pytest.mark.parametrize(
    ("lay", "medical"),
    [
        ("stomach flu", "gastroenteritis"),
        ("enlarged prostate", "prostatic hyperplasia"),
        ("low thyroid", "hypothyroidism"),
        ("flu", "influenza"),
        ("mini-stroke", "transient ischemic attack"),
        # MedlinePlus: "Herpes is an infection that is caused by a herpes simplex virus"
        ("herpes", "herpes simplex"),
        # (K-QA patient questions: "How do I do with the itchiness?", "The yeast infection is
        # not transferable?"; "jock itch" stays tinea cruris, the longer name)
        ("itchiness", "Pruritus"),
        ("itch", "Pruritus"),
        ("yeast infection", "candidiasis"),
        ("threw up", "vomiting"),
        # (K-QA 131, 151)
        ("foot fungus", "tinea pedis"),
        ("hep a", "hepatitis A"),
        ("hep c", "hepatitis C"),
        # a brand of one active ingredient the drug dictionary lacks (K-QA 186, 24)
        ("Keflex", "cephalexin"),
        ("Dramamine", "Dimenhydrinate"),
    ],
)
def test_reviewed_lay_names_the_dictionaries_lack(lex: Lexicon, lay: str, medical: str) -> None:
    assert lex.canonical(lay) == medical
    assert lay in lex.synonyms(medical) or lay.replace("-", " ") in lex.synonyms(medical)
    # the longer lay name wins over the name inside it ("flu" in "stomach flu")
    assert found(lex, f"Is the {lay} bad?")[0][1] == medical
    assert found(lex, "I have jock itch")[0][1] == "tinea cruris"


def test_a_lay_name_file_that_clashes_or_names_nothing_says_what_to_fix(tmp_path: Path) -> None:
    from assistant.knowledge.lexicon import DATA_FILE

    clash = tmp_path / "clash.toml"
    clash.write_text('[names]\n"heart attack" = "stroke"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"clash\.toml.*'heart attack' already names"):
        Lexicon.load(DATA_FILE, clash)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[names]\n"tummy bug" = "no such disease"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="no name the lexicon knows"):
        Lexicon.load(DATA_FILE, unknown)


def test_a_combination_medicine_has_its_parts(lex: Lexicon) -> None:
    """The drug dictionary names combinations by their parts; each part is a medicine."""
    assert lex.ingredients("Augmentin") == ("amoxicillin", "clavulanic acid")
    assert lex.ingredients("bactrim") == ("trimethoprim", "sulfamethoxazole")
    assert lex.ingredients("Excedrin") == ("aspirin", "acetaminophen", "caffeine")
    assert lex.ingredients("amoxicillin") == ()  # one medicine
    assert lex.ingredients("gout") == ()  # no medicine


def test_the_words_of_medical_names(lex: Lexicon) -> None:
    """ "Rotavirus" is in no English word list, but in "rotavirus infections"."""
    assert lex.has_word("rotavirus") and lex.has_word("Rotavirus")
    assert not lex.has_word("preventedrotavirus") and not lex.has_word("flu")  # too short
