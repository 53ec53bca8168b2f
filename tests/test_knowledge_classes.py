"""Medicine classes: the reviewed file loads, and a bad one says what to fix."""

from pathlib import Path

import pytest

from assistant.knowledge import lexicon
from assistant.knowledge.classes import MedicineClasses, medicine_classes


def test_a_medicine_by_any_of_its_names_has_its_class() -> None:
    classes = medicine_classes()
    assert classes.class_of("Lexapro") == "Antidepressants"
    assert classes.class_of("sertraline") == classes.class_of("Zoloft") == "Antidepressants"
    assert classes.class_of("Tylenol") == "Pain Relievers"
    assert classes.class_of("Keflex") == "Antibiotics"
    assert classes.class_of("lisinopril") == "Blood Pressure Medicines"
    # a combination, by the class its parts share ("Augmentin", a lay name for amoxicillin
    # and clavulanic acid; Excedrin's aspirin is in no class, its acetaminophen is)
    assert classes.class_of("Augmentin") == classes.class_of("Bactrim") == "Antibiotics"
    assert classes.class_of("Excedrin") == "Pain Relievers"
    assert classes.class_of("Suboxone") is None  # buprenorphine and naloxone: in no class
    # left out on purpose (taken mostly for what the class's answer does not speak of), and
    # what is no medicine
    assert classes.class_of("trazodone") is None
    assert classes.class_of("aspirin") is None
    assert classes.class_of("gout") is None
    assert classes.class_of("no such word") is None


def test_a_class_file_with_an_unknown_or_doubled_medicine_says_what_to_fix(
    tmp_path: Path,
) -> None:
    unknown = tmp_path / "classes.toml"
    unknown.write_text('[classes]\n"Antidepressants" = ["sertraline", "sertralene"]\n')
    with pytest.raises(ValueError, match=r"classes\.toml: .*'sertralene' is no medicine"):
        MedicineClasses.load(unknown, lexicon())
    doubled = tmp_path / "doubled.toml"
    doubled.write_text('[classes]\n"Antidepressants" = ["Zoloft"]\n"Other" = ["sertraline"]\n')
    with pytest.raises(ValueError, match="'sertraline' is in 'Antidepressants' and in 'Other'"):
        MedicineClasses.load(doubled, lexicon())
    broken = tmp_path / "broken.toml"
    broken.write_text('[classes]\n"Antidepressants" = ["sertraline"\n')
    with pytest.raises(ValueError, match=r"broken\.toml: .*fix the file"):
        MedicineClasses.load(broken, lexicon())


def test_the_kinds_within_a_class_are_told_apart() -> None:
    """The "Pain Relievers" answer speaks of narcotics and of NSAIDs apart."""
    classes = medicine_classes()
    assert "narcotics" in classes.other_kinds("ibuprofen")
    assert "NSAIDs" in classes.own_kinds("Advil") and "NSAIDs" not in classes.other_kinds("Advil")
    assert {"narcotics", "NSAIDs"} <= set(classes.other_kinds("Tylenol"))
    assert "NSAIDs" in classes.own_kinds("Excedrin")  # its aspirin (in no class) is one
    assert "anticoagulants" in classes.own_kinds("Coumadin")
    assert classes.other_kinds("Zoloft") == () == classes.own_kinds("Zoloft")


def test_a_kind_with_a_medicine_of_another_class_says_what_to_fix(tmp_path: Path) -> None:
    bad = tmp_path / "kinds.toml"
    bad.write_text(
        '[classes]\n"Pain Relievers" = ["ibuprofen"]\n"Antidepressants" = ["sertraline"]\n'
        '[kinds.NSAIDs]\nclass = "Pain Relievers"\nnames = ["NSAIDs"]\n'
        'medicines = ["ibuprofen", "sertraline"]\n'
    )
    with pytest.raises(ValueError, match=r"kinds\.toml: kind 'NSAIDs': sertraline not in"):
        MedicineClasses.load(bad, lexicon())
    unnamed = tmp_path / "unnamed.toml"
    unnamed.write_text(
        '[classes]\n"Pain Relievers" = ["ibuprofen"]\n'
        '[kinds.NSAIDs]\nclass = "Painkillers"\nnames = ["NSAIDs"]\nmedicines = ["ibuprofen"]\n'
    )
    with pytest.raises(ValueError, match="needs a class of the file"):
        MedicineClasses.load(unnamed, lexicon())
