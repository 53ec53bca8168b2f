"""Red-flag detection in patient questions, and escalation wording in drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.knowledge.redflags import (
    default_categories,
    detect_red_flags,
    has_escalation,
    load_categories,
)


def categories(text: str) -> list[str]:
    return [flag.category for flag in detect_red_flags(text)]


POSITIVES = [
    ("chest_pain", "I'm 55 and for the last hour I've had chest pain that goes into my left arm."),
    ("chest_pain", "Crushing pressure... there is a squeezing feeling in my chest when I walk."),
    ("chest_pain", "Could my father be having a heart attack? He is sweating and pale."),
    ("breathing", "My son has asthma and tonight he can't breathe properly even with his inhaler."),
    ("breathing", "I get short of breath climbing one flight of stairs since last week."),
    ("breathing", "My grandmother's lips are turning blue and she is very tired."),
    ("stroke", "My mother's face is drooping on one side and her speech is slurred."),
    ("stroke", "He suddenly can't lift his right arm and his words are garbled."),
    ("suicide", "I have been thinking about killing myself, nothing helps anymore."),
    ("suicide", "My daughter has been cutting herself and says she wants to die."),
    ("bleeding", "I've been vomiting blood since this morning after drinking."),
    ("bleeding", "For two days I have black, tarry stools and I feel dizzy."),
    ("bleeding", "After the tooth extraction the bleeding won't stop."),
    ("anaphylaxis", "After eating shrimp my throat feels tight and my lips are swollen."),
    ("anaphylaxis", "I got hives all over after a bee sting and now I have trouble breathing."),
    ("infant_fever", "My 6-week-old baby has a fever of 38.2 and is sleepy."),
    ("infant_fever", "Our newborn feels hot, temperature 100.8 F. Should we wait?"),
    ("infant_fever", "My 2 month old has had a fever since last night."),
    ("severe_headache", "I suddenly got the worst headache of my life while lifting weights."),
    ("severe_headache", "She has a headache and a stiff neck since yesterday."),
    ("consciousness", "My husband passed out in the kitchen and hit his head."),
    ("consciousness", "My toddler had a seizure with a high temperature this afternoon."),
    ("abdominal_pain", "I have severe abdominal pain on the right side that keeps getting worse."),
    ("overdose", "My friend took too many sleeping pills an hour ago."),
    ("overdose", "My 3 year old swallowed some bleach from under the sink."),
    ("pregnancy_bleeding", "I am 9 weeks pregnant and started bleeding this morning."),
]


@pytest.mark.parametrize(("category", "question"), POSITIVES)
def test_red_flag_fires(category: str, question: str) -> None:
    assert category in categories(question)


NEGATIVES = [
    "My chest feels fine but I have a cough and a sore throat.",
    "No chest pain, just a lump on my calf that the doctor said is benign.",
    "He has no fever and is eating well.",
    "My baby is 2 years old with fever of 38.5, should I worry?",
    "My 6 month old has a fever after vaccines.",
    "I had food poisoning last week and now my stomach is better.",
    "My 3-week-old baby has a rash on her cheeks but no fever.",
    "I am pregnant and not bleeding, just tired.",
    "I don't have trouble breathing, only a runny nose.",
    "Is heat stroke dangerous for runners?",
    "There is a lump about 0.2 cm under my calf skin; the ultrasound showed calcification.",
]


@pytest.mark.parametrize("question", NEGATIVES)
def test_red_flag_stays_quiet(question: str) -> None:
    assert categories(question) == []


def test_negation_does_not_cross_a_clause() -> None:
    assert categories("No fever, but now I have crushing chest pain.") == ["chest_pain"]
    assert categories("I have no chest pain but I can't breathe.") == ["breathing"]


def test_suicidal_thoughts_fire_even_when_denied() -> None:
    # we would rather over-warn: "not suicidal" still gets the crisis line
    assert categories("I'm not suicidal, but I keep thinking about ending my life.") == ["suicide"]


def test_each_flag_has_escalation_wording_that_counts_as_escalation() -> None:
    for category in default_categories():
        assert has_escalation(category.escalation), category.id


def test_matched_words_are_reported() -> None:
    (flag,) = detect_red_flags("My 6-week-old has a fever.")
    assert flag.category == "infant_fever"
    assert "6-week-old" in flag.matched and "fever" in flag.matched


@pytest.mark.parametrize(
    "text",
    [
        "Call 911 (or your local emergency number) now.",
        "Go to the emergency department right away if the pain spreads.",
        "You can call or text 988, the Suicide and Crisis Lifeline.",
        "Get to the nearest ER.",
        "Call Poison Control now.",
    ],
)
def test_escalation_found(text: str) -> None:
    assert has_escalation(text)
    assert has_escalation(["Calcification is common.", text])


@pytest.mark.parametrize(
    "text",
    [
        "Please see your doctor if the lump grows.",
        "You do not need to go to the emergency room for this.",
        "There is no need to call 911.",
        "Talk to your healthcare provider about follow-up.",
    ],
)
def test_escalation_not_found(text: str) -> None:
    assert not has_escalation(text)
    assert not has_escalation([text])


def test_a_bad_data_file_names_the_file_and_category(tmp_path: Path) -> None:
    path = tmp_path / "flags.toml"
    path.write_text('[[category]]\nid = "x"\nlabel = "x"\nescalation = "Call 911."\n')
    with pytest.raises(ValueError, match=r"flags\.toml.*category #1 \(x\)"):
        load_categories(path)
    path.write_text('[[category]]\nid = "y"\nlabel = "y"\nescalation = "e"\nany_of = ["(a"]\n')
    with pytest.raises(ValueError, match="category y: bad pattern"):
        load_categories(path)
