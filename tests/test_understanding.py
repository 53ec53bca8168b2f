"""Understanding real K-QA and site questions: what is asked, the focus, the particulars."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.understanding import (
    FocusCatalogue,
    as_named,
    asks_of,
    is_medicine,
    key_of,
    keys_of,
    understand,
)
from assistant.understanding.focus import defined_abbreviations
from assistant.understanding.particulars import (
    for_their_age,
    measured,
    of_adults_only,
    of_children_only,
    particulars_of,
)

PAGE = Path(__file__).resolve().parents[1] / "data" / "site_page_example.txt"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Can't you recommend me an antibiotic for sinusitis?", "treatment"),
        ("Are there any side affects from using Robaxin?", "side_effects"),
        ("Will the keflex make me throw up if Ive had a very low food intake", "side_effects"),
        ("How do you get otitis externa?", "causes"),
        ("How long do shin splints last", "outlook"),
        ("would standard urinalysis detect kidney stones?", "diagnosis"),
        ("How do I measure blood pressure?", "diagnosis"),
        ("Is there a genetic component to pcos?", "inheritance"),
        ("Whats a cluster headache?", "definition"),
        ("If the muscle aches continue without exercising, should I be concerned?", "seriousness"),
        ("Anything I can do for the congestion?", "treatment"),
        ("I have a question, can you be diagnosed with shingles more than once?", "outlook"),
        ("Do fissures and hemmroids heal on their own?", "outlook"),
        ("I am only 22 so am I not a bit young to have an enlarged prostate?", "frequency"),
        ("Does a migraine last for days at a time?", "outlook"),
        # a schedule, not how common it is
        ("Ok I will do the blood pressure checks, how often?", "diagnosis"),
        ("How often do I apply the cream?", "medication"),
        ("What is the most safe amount of Advil to take at one time", "medication"),
        (
            "How long do I need to wait before starting naproxen since I took ibuprofen this "
            "morning?",
            "medication",
        ),
        (
            "Other than that Amoxicillin should start working immediately or does it take time?",
            "medication",
        ),
        ("Because I have a fatty liver, can I safely take Imodium?", "side_effects"),
        # what a finding may be a sign of (K-QA), not the signs of a condition
        ("What does a low pulse possibly indicate?", "causes"),
        ("What does it mean if my urine is cloudy?", "causes"),
        (
            "Is low lipase related to pancreatic cancer or is it mostly related to chronic "
            "pancreatitis or cystic fibrosis.",
            "causes",
        ),
        ("What would indicate a sinus infection?", "symptoms"),
        # what it feels like or brings with it (K-QA 148, 46, 40)
        ("So ringworm doesnt itch?", "symptoms"),
        ("Does herpes have rectal discharge?", "symptoms"),
        (
            "Do migraines always come with headaches because I dont have a headache right now",
            "symptoms",
        ),
        # what to take or do for it; a dosage that differs is no comparison
        ("What can i have for the constant itching that makes me rub my eyes", "treatment"),
        # a parent asks for a child, or nobody in particular
        ("My 8 year old daughter gets migraines. What can we do for them?", "treatment"),
        ("What can be done for migraines?", "treatment"),
        ("Do you suggest anything for hoarse voice", "treatment"),
        ("Whats good for muscular pain", "treatment"),
        ("Do I just apply the Topicort to the rash?", "treatment"),
        ("ok. should I also apply ice", "treatment"),
        ("Would amoxicillin work for a UTI?", "treatment"),
        ("Do you have suggestions for cleaning my wound to keep it safe for my visit", "treatment"),
        ("do you use a different dosage for primary outbreaks?", "medication"),
        ("How is HRV different from heart rate?", "definition"),
        ("And how does Genital herpes and HPV differ?", "definition"),
        ("Okay, what other signs could indicate pink eye if it were to manifest?", "symptoms"),
        # "med" is a medicine; whether it can be cured asks for its treatment (K-QA 131)
        (
            "My wife had mentioned some kind of oral med that was available for foot fungus "
            "issues?",
            "medication",
        ),
        ("Is hep C curable?", "treatment"),
        # whether it is odd that it went away asks whether to worry (K-QA 137)
        (
            "Ok, is it odd the sore throat would have gone away within 24 hours though after "
            "taking the antibiotic?",
            "seriousness",
        ),
        ("My cough went away but came back, why?", "outlook"),
        # being healthy asks no treatment (K-QA 72)
        ("I am a healthy adult but my ALT is elevated can this also cause diarrhea?", "causes"),
        # a test's reading asks how it is found (K-QA 151)
        ("So what does the non reactive mean for the hep a igm", "definition"),
        # how to tell what it is asks how it is found
        (
            "Is there anything I can do to confirm it is shingles versus an allergic reaction?",
            "diagnosis",
        ),
        # what a vaccine is, is how it prevents (the batch topic "Shingles vaccine")
        ("What should patients know about Shingles vaccine?", "prevention"),
        ("What should patients know about Shingles?", "definition"),
    ],
)
def test_what_real_kqa_questions_ask(question: str, expected: str) -> None:
    assert asks_of(question)[0] == expected


@pytest.mark.parametrize(
    "question",
    [
        # K-QA 64: the draft said the archive did not "cover the outlook"
        "How long do I need to wait before starting naproxen since I took ibuprofen this morning?",
        "How long should I wait to take Advil after Tylenol?",
        "How long should I wait between doses of ibuprofen?",
        "How long does it take to notice the effects of Wellbutrin?",  # K-QA 66
    ],
)
def test_how_long_to_wait_for_a_medicine_asks_how_to_take_it(question: str) -> None:
    assert asks_of(question)[0] == "medication" and "outlook" not in asks_of(question)
    assert asks_of("How long will I wait before the rash goes away?") == ("outlook",)


def test_a_test_reading_asks_how_it_is_found() -> None:
    # K-QA 151: IgM antibodies to hepatitis A, "non reactive"
    assert asks_of("So what does the non reactive mean for the hep a igm") == (
        "definition",
        "diagnosis",
    )
    assert "diagnosis" in asks_of("My IgG antibody titer came back high, what now?")


def test_what_a_question_on_getting_worse_or_lasting_harm_asks() -> None:
    # K-QA: keeping it from progressing is what treatment does, not prevention
    lyme = "Will the antibiotics prevent the lyme disease from progressing?"
    assert asks_of(lyme) == ("medication", "treatment", "outlook")
    assert asks_of("How do I prevent post nasal drip?") == ("prevention",)
    assert "prevention" in asks_of("How can I stop it from spreading to my kids?")
    # what harm it does asks how serious it is, not what causes it
    chlamydia = "do chlamdia often cure itself or does it cause permanent damage"
    assert asks_of(chlamydia) == ("treatment", "seriousness")
    assert asks_of("What causes gout?") == ("causes",)
    # a way to stop it is a treatment
    bleeding = "is there a way to stop the bleeding ?"
    assert asks_of(bleeding) == ("treatment",)


def test_what_would_help_asks_treatment() -> None:
    # K-QA patient questions
    assert asks_of("What would help the pain as of rn because its very painful") == ("treatment",)
    relaxer = "Is there a muscle relaxer I can take to at least alleviate the pain?"
    assert asks_of(relaxer) == ("medication", "treatment")


def test_what_a_patient_may_eat_drink_or_do_asks_for_care() -> None:
    # K-QA 25: "Can diabetics eat sweets?" asked nothing, and the page opened on what diabetes is
    assert asks_of("Can diabetics eat sweets?") == ("treatment",)
    assert asks_of("Is it ok to drink alcohol with gout?") == ("treatment",)
    assert asks_of("Can I exercise with a cold?") == ("treatment",)
    # (what to avoid is still prevention)
    assert asks_of("What foods should I avoid with gout?") == ("prevention",)


def test_when_to_see_a_doctor_is_asked_in_a_patients_words() -> None:
    # K-QA patient questions
    assert asks_of("can you clarify what are ER red flags") == ("seek_care",)
    assert "seek_care" in asks_of(
        "If my symptoms do not improve, at what point should I go see a doctor?"
    )
    assert "seek_care" in asks_of(
        "If my symptoms doesnt improve within the next 48 hours do you recommend me going back "
        "to the ER?"
    )
    assert asks_of(
        "Do I need to go in somewhere to get my ear evaluated because I have had ear "
        "infections before"
    ) == ("seek_care",)
    assert asks_of("What are the warning signs of a stroke?")[0] == "seek_care"
    # seeing a doctor already is not asking when to
    assert "seek_care" not in asks_of("I saw my doctor last week and she said it is gout.")


def test_what_the_focus_causes_asks_its_side_effects_or_symptoms() -> None:
    catalogue = FocusCatalogue.build([("m:1", "Gout", "information")])
    # K-QA: "Doe the buspar cause sleepiness?"
    assert understand("Does the Lexapro cause sleepiness?", catalogue=catalogue).asks == (
        "side_effects",
    )
    assert understand("What causes gout?", catalogue=catalogue).asks == ("causes",)
    # what a condition causes asks its symptoms (K-QA), not which of them causes it
    sinus = FocusCatalogue.build([("m:2", "Sinusitis", "information")])
    asked = understand("Could a sinus infection cause loss of taste and smell?", catalogue=sinus)
    assert asked.focus == "Sinusitis"
    assert asked.asks == ("symptoms",)
    others = understand("what other sinus infections would cause this", catalogue=sinus)
    assert others.asks == ("causes",)
    # and so what it contributes to (K-QA 48), not what contributes to it
    thyroid = FocusCatalogue.build([("m:5", "Hypothyroidism", "information")])
    weight = understand("Does low thyroid contribute to weight gain?", catalogue=thyroid)
    assert weight.asks == ("symptoms",)
    assert understand("What contributes to gout?", catalogue=catalogue).asks == ("causes",)
    # a medicine against a condition is no condition, and what it causes its side effects
    depression = FocusCatalogue.build(
        [("m:3", "Depression", "information"), ("m:4", "Antidepressants", "information")]
    )
    anti = understand(
        "Is there any anti-depressant that doesnt cause nausea?", catalogue=depression
    )
    assert (anti.focus, anti.asks) == ("Antidepressants", ("side_effects",))  # K-QA
    why = understand("Why do I need Lexapro?", catalogue=catalogue)
    assert why.focus == "escitalopram"
    assert why.asks == ("causes",)


def test_a_reaction_to_what_is_no_medicine_is_no_side_effect() -> None:
    catalogue = FocusCatalogue.build([("m:1", "Allergy", "information")])
    bite = "is it normal for an allergic reaction to become red one week after I was bit?"
    assert understand(bite, catalogue=catalogue).asks == ("seriousness",)  # K-QA
    drug = "Is a rash a reaction to the Lexapro?"
    assert "side_effects" in understand(drug, catalogue=catalogue).asks


def test_asks_are_read_from_whole_words() -> None:
    # K-QA: "testicular" holds "test", and was read as asking how chlamydia is tested
    assert asks_of("But is testicular pain not a symptom of chlamydia?") == ("symptoms",)
    assert asks_of("Is it significant that my ALT is high?") == ("definition",)  # no "signs"


def test_a_solution_asked_for_is_a_treatment() -> None:
    question = "Can you provide a short term solution that is designed for insomnia?"  # K-QA
    assert asks_of(question) == ("treatment",)


def test_one_last_question_asks_no_outlook() -> None:
    question = "One last question, can viral infections cause purulence to form in the eye?"
    assert asks_of(question) == ("causes",)  # K-QA


def test_what_is_the_treatment_asks_treatment_not_definition() -> None:
    assert asks_of("What is the treatment for gout?") == ("treatment",)


def test_focus_from_the_archive_foci_with_lay_and_plural_names() -> None:
    catalogue = FocusCatalogue.build(
        [
            ("m:1", "Gout", "information"),
            ("m:2", "Gout", "treatment"),
            ("m:3", "Diabetes", "information"),
            ("m:4", "Shingles", "treatment"),
        ]
    )
    gout = understand("What is the treatment for gout?", catalogue=catalogue)
    assert gout.focus == "Gout"
    # the treatment answer first, then the general answer (its sentences on treatment)
    assert gout.records_for("treatment") == ["m:2", "m:1"]
    assert understand("Can diabetics eat sweets?", catalogue=catalogue).focus == "Diabetes"
    # the lexicon maps the medical name to the archive's lay focus
    assert understand("Is herpes zoster contagious?", catalogue=catalogue).focus == "Shingles"
    assert understand("Tell me about Lexapro", catalogue=catalogue).focus == "escitalopram"
    # "herpes" alone is herpes simplex (K-QA)
    hsv = FocusCatalogue.build([("m:6", "Herpes Simplex", "information")])
    assert understand("Herpes causes pain while urinating?", catalogue=hsv).focus == (
        "Herpes Simplex"
    )
    # a tear is a rip, not the eye's tears, but a tear duct is theirs (K-QA)
    tears = FocusCatalogue.build([("m:7", "Tears", "information")])
    rip = "Guessing fissure/tear is a low level seriousness?"
    assert understand(rip, catalogue=tears).focus is None
    assert understand("Do you think its just a clogged tear duct?", catalogue=tears).focus == (
        "Tears"
    )
    # a steroid medicine is no anabolic steroid, the archive's "Steroids" (K-QA)
    steroids = FocusCatalogue.build([("m:11", "Steroids", "information")])
    for medicine in (
        "What is an example of a topical steroid",
        "Is there a steroid cream I can use?",
    ):
        assert understand(medicine, catalogue=steroids).focus is None
    assert understand("Are anabolic steroids harmful?", catalogue=steroids).focus == "Steroids"
    # reviewed lay names (K-QA): passing out is fainting, a muscle relaxer a medicine
    syncope = FocusCatalogue.build([("m:10", "Syncope", "information")])
    faint = "Is there anything I can do about feeling like Im going to pass out?"
    assert understand(faint, catalogue=syncope).focus == "Syncope"
    relaxer = understand("Any thoughts on a mild muscle relaxer?", catalogue=syncope)
    assert relaxer.focus == "central muscle relaxants"
    assert relaxer.unanswered == "muscle relaxer (central muscle relaxants)"
    # a common kind the archive has no answer on is about the condition it has answers on
    meningitis = FocusCatalogue.build([("m:9", "Meningitis", "treatment")])
    viral = understand("How would they treat viral meningitis?", catalogue=meningitis)
    assert viral.focus == "Meningitis"  # K-QA
    assert viral.kind_asked == "viral meningitis"
    # so is one that its last words name: a cluster headache is a headache (K-QA), but iron
    # deficiency anemia is no kind of iron
    headache = FocusCatalogue.build([("m:13", "Headache", "information"), ("m:14", "Iron", "x")])
    cluster = understand("Whats a cluster headache?", catalogue=headache)
    assert (cluster.focus, cluster.kind_asked) == ("Headache", "cluster headache")
    anemia = understand("Does iron deficiency anemia cause hair loss?", catalogue=headache)
    assert anemia.focus != "Iron" and anemia.kind_asked is None
    assert understand("What causes a headache?", catalogue=headache).kind_asked is None
    # a word that only stems alike is no kind: chronic pancreatitis of pancreatic cancer (K-QA)
    pancreas = FocusCatalogue.build([("m:15", "Pancreatic Cancer", "information")])
    lipase = "Is low lipase related to pancreatic cancer or to chronic pancreatitis?"
    assert understand(lipase, catalogue=pancreas).kind_asked is None
    # and lipase, which the drug dictionary knows, is a level given, not a medicine asked about
    level = understand(lipase, catalogue=pancreas)
    assert level.levels_unanswered == (("lipase", "lipase"),)
    assert level.medicines_unanswered == ()
    taken = understand("Can I take lipase for pancreatic cancer?", catalogue=pancreas)
    assert (taken.medicines_unanswered, taken.levels_unanswered) == ((("lipase", "lipase"),), ())
    # poison ivy's rash is no poisoning (K-QA)
    poison = FocusCatalogue.build([("m:8", "Poisoning", "information")])
    assert understand("Is poison ivy contagious between people?", catalogue=poison).focus is None
    assert understand("What should I do after a poisoning?", catalogue=poison).focus == "Poisoning"
    # MedlinePlus's "Poison Ivy, Oak and Sumac" answers on each of the three (K-QA)
    plants = FocusCatalogue.build(
        [("m:8", "Poisoning", "information"), ("m:11", "Poison Ivy, Oak and Sumac", "information")]
    )
    ivy = understand("Is poison ivy contagious between people?", catalogue=plants)
    assert ivy.focus == "Poison Ivy" and ivy.focus_records == ("m:11",)
    oak = understand("I have a rash from poison oak, what can I put on it?", catalogue=plants)
    assert oak.asks == ("treatment",) and "Poison Oak" in (oak.focus, *(f.name for f in oak.also))
    # ringworm is tinea, which the archive answers as "Tinea Infections" (K-QA)
    tinea = FocusCatalogue.build([("m:12", "Tinea Infections", "information")])
    assert understand("what causes ringworm ?", catalogue=tinea).focus == "Tinea Infections"
    # a burning feeling is no burn (K-QA)
    burns = FocusCatalogue.build([("m:5", "Burns", "information")])
    burning = "YesIs there anything I can use to ease the burning?"
    assert understand(burning, catalogue=burns).focus is None
    assert understand("How do I treat burns?", catalogue=burns).focus == "Burns"


def test_medicines_asked_about_that_the_archive_lacks() -> None:
    catalogue = FocusCatalogue.build([("m:1", "Breastfeeding", "information")])
    u = understand("Is it safe to take zyrtec / Claritin while breastfeeding?", catalogue=catalogue)
    assert u.focus == "Breastfeeding"  # K-QA
    assert u.medicines_unanswered == (("zyrtec", "cetirizine"), ("Claritin", "loratadine"))
    assert [as_named(*m) for m in u.medicines_unanswered] == [
        "Zyrtec (cetirizine)",
        "Claritin (loratadine)",
    ]
    assert as_named("activated charcoal", "charcoal") == "activated charcoal"
    # a generic name as running text writes it, though MeSH heads it with a capital (K-QA 116)
    assert as_named("Cymbalta", "Duloxetine") == "Cymbalta (duloxetine)"
    assert as_named("HCTZ", "Hydrochlorothiazide") == "HCTZ (hydrochlorothiazide)"
    # a generic name the question capitalises is a generic name (K-QA 34)
    assert as_named("Sertraline", "sertraline") == "sertraline"


def test_a_term_the_reply_defines_or_the_focus_is_no_term_to_explain() -> None:
    catalogue = FocusCatalogue.build([("m:1", "Tendinitis", "information")])
    question = "Is it normal for tendinitis to only affect just extension, and not flexion?"
    reply = "Tendinitis is inflammation of the tendon, a fibrous tissue connecting a muscle."
    assert understand(question, reply, catalogue=catalogue).terms == ()  # K-QA 100
    assert "tendinitis" not in understand(question, catalogue=FocusCatalogue()).terms


def test_the_site_page_question_its_particulars_and_the_reply_terms() -> None:
    lines = PAGE.read_text(encoding="utf-8").splitlines()
    question = " ".join(lines[3:8])
    reply = " ".join(lines[10:12])
    u = understand(question, reply, age_range="40~49", sex="female")
    assert "0.2 cm" in u.particulars.sizes
    assert u.particulars.age == "40~49" and u.particulars.sex == "female"
    assert any("ultrasound" in d for d in u.particulars.done)
    # "I asked the doctor if it was a lipoma, but he said it was not": not the focus
    assert u.focus is None
    assert understand("Is it a lipoma? It is soft.").focus == "lipoma"
    assert "definition" in u.asks
    for term in ("calcification", "echogenic lesions", "fat necrosis"):
        assert term in u.terms


def test_a_focus_inside_a_longer_condition_is_not_the_focus() -> None:
    catalogue = FocusCatalogue.build(
        [("m:iron", "Iron", "information"), ("m:shingles", "Shingles", "information")]
    )
    # the archive has answers on iron, none on the anemia: the topic is still the anemia
    anemia = understand(
        "Iron deficiency anemia", title="Iron deficiency anemia", catalogue=catalogue
    )
    assert anemia.focus is not None and "anemia" in anemia.focus.lower()
    assert anemia.focus_records == ()
    # a vaccine question is still about the disease the archive answers on
    vaccine = understand("Shingles vaccine", title="Shingles vaccine", catalogue=catalogue)
    assert vaccine.focus == "Shingles" and vaccine.focus_records == ("m:shingles",)


def test_terms_the_reply_explains_in_place_or_that_are_plain_are_not_listed() -> None:
    reply = (
        "Seasonal influenza (flu) is an acute respiratory infection caused by influenza viruses "
        "and is characterized by signs and symptoms such as fever, severe malaise (feeling "
        "unwell), sore throat and a runny nose."
    )
    terms = understand("How long does this years flu usually last?", reply).terms
    assert not {"influenza", "infection", "signs and symptoms", "malaise", "runny nose"} & set(
        terms
    )
    # a medical name is still listed, the lay one is not
    heart = understand(
        "I had a heart attack last year. Can I take ibuprofen?",
        "Your myocardial infarction was small.",
    ).terms
    assert heart == ("myocardial infarction",)
    # nor are brand names in brackets after the medicine they name (K-QA 174)
    reply = (
        "During pregnancy, Methotrexate (Otrexup, Rasuvo, RediTrex) and thalidomide (Contergan,"
        " Thalomid) should not be used to treat ulcerative colitis."
    )
    question = "What medications are contraindicated for a pregnant woman with ulcerative colitis?"
    assert not {"rasuvo", "thalomid", "otrexup"} & set(understand(question, reply).terms)


def test_a_grouped_focus_answers_to_its_own_name() -> None:
    catalogue = FocusCatalogue.build(
        [("m:1", "Scabies", "information"), ("c:1", "Parasites - Scabies", "treatment")]
    )
    scabies = understand("What is the oral option to get rid of scabies?", catalogue=catalogue)
    assert scabies.records_for("treatment") == ["c:1", "m:1"]
    assert keys_of("Parasites - Scabies") == {key_of("Parasites - Scabies"), key_of("Scabies")}
    assert key_of("Anxiety") in keys_of("Anxiety Disorders")
    assert keys_of("Iron deficiency anemia") == {key_of("Iron deficiency anemia")}


@pytest.mark.parametrize(
    ("focus", "names"),
    [
        ("Enlarged Prostate (BPH)", ["Enlarged Prostate", "BPH"]),
        ("Prostate Enlargement: Benign Prostatic Hyperplasia", ["Benign Prostatic Hyperplasia"]),
        ("Gum (Periodontal) Disease", ["Gum Disease", "Periodontal Disease"]),
        ("Parasites - Enterobiasis (also known as Pinworm Infection)", ["Pinworm Infection"]),
        ("Kidney Failure: What to Expect", ["Kidney Failure"]),
        ("Nausea and Vomiting", ["Nausea", "Vomiting"]),
        ("Diverticulosis and Diverticulitis", ["Diverticulosis", "Diverticulitis"]),
    ],
)
def test_a_focus_titled_with_an_alias_answers_to_each_name(focus: str, names: list[str]) -> None:
    assert {key_of(n) for n in names} <= keys_of(focus)
    # a record without a focus, titled "What is (are) ?", names nothing: not every "what is"
    assert keys_of("What is (are) ?") == {key_of("What is (are) ?")}
    # a GARD syndrome named by two features is one condition, and a topic on a condition
    # and a group of people names one condition
    for one in ("Osteopoikilosis and dacryocystitis", "Alcohol Use and Older Adults"):
        assert keys_of(one) == {key_of(one)}
    # "(Including Multiple Myeloma)" and "(Recreational)" name no other thing
    assert keys_of("Water Safety (Recreational)") == {
        key_of("Water Safety (Recreational)"),
        key_of("Water Safety"),
    }


def test_a_lay_name_finds_the_archive_focus_under_its_medical_name() -> None:
    catalogue_rows = [
        ("m:1", "Prostate Enlargement: Benign Prostatic Hyperplasia", "frequency"),
        ("m:2", "Flu", "information"),
        ("m:3", "Gastroenteritis", "information"),
    ]
    catalogue = FocusCatalogue.build(catalogue_rows)
    kqa_74 = "I am only 22 so am I not a bit young to have an enlarged prostate?"
    assert understand(kqa_74, catalogue=catalogue).focus_records == ("m:1",)
    # the same words in another order are the same focus: MedlinePlus's "Enlarged Prostate"
    # and NIDDK's "Prostate Enlargement: …" (not the Flu's records)
    both = FocusCatalogue.build(
        [("m:5", "Enlarged Prostate (BPH)", "information"), *catalogue_rows]
    )
    assert understand(kqa_74, catalogue=both).focus_records == ("m:5", "m:1")
    # "stomach flu" is gastroenteritis, asked about beside the flu, not the flu twice
    flu = understand("Are the stomach flu and the flu the same thing?", catalogue=catalogue)
    assert (flu.focus, [a.name for a in flu.also]) == ("Gastroenteritis", ["Flu"])


def test_pain_named_by_where_it_hurts_finds_its_condition() -> None:
    catalogue = FocusCatalogue.build(
        [
            ("m:1", "Sore Throat", "information"),
            ("m:2", "Sprains and Strains", "information"),
            ("m:3", "Pain", "information"),
            ("m:4", "Pain Relievers", "information"),
        ]
    )
    # K-QA 124 and 87: the pain is the throat's, the strain a muscle's
    throat = understand("Is there anything youd recommend for the throat pain", catalogue=catalogue)
    assert (throat.focus, throat.named) == ("Sore Throat", "throat pain")
    strain = "If this is just muscle strain, how many days should I expect the pain to go away?"
    assert understand(strain, catalogue=catalogue).focus == "Sprains and Strains"
    # K-QA 181 and 156: a pain the archive has no answer on is named as the patient names it,
    # with its medical name written as running text writes it
    muscle = understand("Whats good for muscular pain", catalogue=catalogue)
    assert muscle.unanswered == "muscular pain (myalgia)"
    ear = understand("What can I do to help the ear pain?", catalogue=catalogue)
    assert ear.unanswered == "ear pain (earache)"


def test_a_condition_the_archive_lacks_is_named_as_the_patient_names_it() -> None:
    """K-QA 2 and 128 said "no past answer on infection" and "… on keratosis": the
    dictionaries know only the generic "infection" and "keratosis"; the page now names what
    the patient asked about."""
    catalogue = FocusCatalogue.build([("m:1", "Gout", "information")])
    respiratory = understand("Am I contagious with respiratory infection?", catalogue=catalogue)
    assert (respiratory.named, respiratory.unanswered) == ("respiratory infection",) * 2
    pilaris = "Lets assume its keratosis pilaris.Are there any pharmaceutical options"
    assert understand(pilaris, catalogue=catalogue).unanswered == "keratosis pilaris"
    # not a word that says nothing of which ("an infection"), nor an English word after it
    assert understand("Is an infection serious?", catalogue=catalogue).named == "infection"
    assert understand("Is blepharitis contagious?", catalogue=catalogue).named == "blepharitis"


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        # K-QA 120: pain is no focus, as the archive's own "Pain" is none; the medicine is,
        # answered from its class
        ("Is there anything I can take for the pain that isnt ibuprofen based?", "Pain Relievers"),
        # K-QA 90: "OTC" is how a medicine is sold; K-QA 194: what a shampoo is free of
        ("In case it is fungal, would it be bad to pick up an OTC anti-fungal?", None),
        ("if you were to prescribe an antifungal shampoo, are there sulfate free options?", None),
        ("I get aches all over when it rains", None),
    ],
)
def test_words_that_name_no_condition_or_medicine_are_no_focus(
    question: str, focus: str | None
) -> None:
    catalogue = FocusCatalogue.build(
        [("m:3", "Pain", "information"), ("m:4", "Pain Relievers", "information")]
    )
    u = understand(question, catalogue=catalogue)
    assert (u.focus, u.unanswered) == (focus, None)


def test_a_medicine_asked_to_be_avoided_asks_about_the_rest_of_its_class() -> None:
    catalogue = FocusCatalogue.build([("m:4", "Pain Relievers", "information")])
    # K-QA 120: no page on ibuprofen "itself", but on pain relievers
    other = understand(
        "Is there anything I can take for the pain that isnt ibuprofen based?", catalogue=catalogue
    )
    assert (other.focus, other.member) == ("Pain Relievers", None)
    assert "ibuprofen" not in other.terms  # (a page on its class says what it is)
    assert is_medicine("Pain Relievers")
    instead = understand("Can I take Tylenol instead of ibuprofen?", catalogue=catalogue)
    assert (instead.focus, instead.member) == ("Pain Relievers", ("Tylenol", "acetaminophen"))
    # a question that asks about the medicine itself still does
    itself = understand("Isn't ibuprofen bad for the stomach?", catalogue=catalogue)
    assert itself.member == ("ibuprofen", "ibuprofen")


@pytest.mark.parametrize(
    ("question", "called"),
    [
        # K-QA 101, 130, 198, 170: the patient's own name beside the archive's
        ("Is it normal to have really bad abdominal cramping with the stomach flu?", "stomach flu"),
        ("My older sister has pcos. Is there a genetic component to pcos?", "PCOS"),
        ("what causes ringworm ?", "ringworm"),
        (
            "What is the best hypertension treatment for patients who are also diabetic?",
            "hypertension",
        ),
        # the same name, written apart (K-QA 138), sharing a word, or a verb (K-QA 186)
        ("Okay, what other signs could indicate pink eye if it were to manifest?", None),
        ("What is the best treatment for high blood pressure?", None),
        ("Will the keflex make me throw up if Ive had a very low food intake", None),
    ],
)
def test_the_question_s_own_name_for_its_focus(question: str, called: str | None) -> None:
    catalogue = FocusCatalogue.build(
        [
            ("m:1", "Gastroenteritis", "information"),
            ("m:2", "Polycystic ovarian syndrome", "information"),
            ("m:3", "Tinea Infections", "information"),
            ("m:4", "Pinkeye", "information"),
            ("m:5", "High Blood Pressure", "information"),
            ("m:6", "Vomiting", "information"),
        ],
        abbreviations={"PCOS": "Polycystic ovarian syndrome"},
    )
    u = understand(question, catalogue=catalogue)
    assert u.focus_records
    assert u.also_called == called


def test_a_second_condition_asked_about_with_the_focus() -> None:
    catalogue = FocusCatalogue.build(
        [
            ("m:1", "Genital Herpes", "information"),
            ("m:2", "HPV", "information"),
            ("m:3", "Gout", "information"),
            ("m:4", "Diabetes", "information"),
        ]
    )
    # K-QA: "And how does Genital herpes and HPV differ?"
    both = understand("And how does Genital herpes and HPV differ?", catalogue=catalogue)
    assert both.focus == "Genital Herpes"
    assert [(f.name, f.records) for f in both.also] == [("HPV", ("m:2",))]
    assert both.also[0].records_for("definition") == ["m:2"]
    # named in the same question but not asked about together
    apart = understand(
        "I have gout. Does it matter that my father has diabetes?", catalogue=catalogue
    )
    assert apart.also == ()
    # an editor's topic is one condition
    titled = understand("Genital herpes and HPV", title="Genital Herpes", catalogue=catalogue)
    assert titled.also == ()
    # the first named of the two is the focus, though the other has the longer name (K-QA)
    rash = FocusCatalogue.build([("m:5", "Shingles", "symptoms"), ("m:6", "Allergy", "symptoms")])
    question = (
        "Is there anything I can do to confirm it is shingles versus like an allergic reaction?"
    )
    versus = understand(question, catalogue=rash)
    assert (versus.focus, [a.name for a in versus.also]) == ("Shingles", ["Allergy"])


def test_the_condition_a_medicine_or_care_is_for_is_the_focus() -> None:
    catalogue = FocusCatalogue.build(
        [
            ("m:1", "Antibiotics", "information"),
            ("m:2", "Sinusitis", "treatment"),
            ("m:3", "Surgery", "information"),
            ("m:4", "Hernia", "information"),
        ]
    )
    # K-QA: the medicine is what is asked, the condition what the question is about
    asked = understand("Can't you recommend me an antibiotic for sinusitis?", catalogue=catalogue)
    assert (asked.focus, asked.other_foci) == ("Sinusitis", ("Antibiotics",))
    assert "medication" in asked.asks
    assert understand("Is surgery needed for a hernia?", catalogue=catalogue).focus == "Hernia"
    # a question about the medicine itself keeps it
    assert understand("What are antibiotics?", catalogue=catalogue).focus == "Antibiotics"
    # and so does one for a bare "infection" the archive has no answer on (K-QA)
    bare = understand("Dont I need antibiotics for an infection?", catalogue=catalogue)
    assert bare.focus == "Antibiotics"


def test_a_question_that_only_names_what_was_done_is_about_it() -> None:
    catalogue = FocusCatalogue.build(
        [("m:gout", "Gout", "treatment"), ("m:us", "Ultrasound", "information")]
    )
    # the whole question is one "my doctor told me" sentence: its condition is the focus
    gout = understand(
        "I have gout and my doctor told me to take colchicine, how should I take it?",
        catalogue=catalogue,
    )
    assert gout.focus == "Gout"
    assert gout.focus_records == ("m:gout",)
    took = understand(
        "If I took trazodone when would be the best time to take it?", catalogue=catalogue
    )
    assert took.focus == "trazodone"
    # a test already done is still not the focus when the question names something else
    lump = understand(
        "I went to a clinic for an ultrasound last week. Could the lump be gout?",
        catalogue=catalogue,
    )
    assert lump.focus == "Gout"


def test_an_abbreviation_the_archive_defines_names_its_focus() -> None:
    answers = [
        ("Pelvic Inflammatory Disease", "Pelvic inflammatory disease (PID) is an infection."),
        ("Polycystic Ovary Syndrome", "Polycystic ovary syndrome (PCOS) happens when …"),
        # two foci that are one concept (the dictionaries' synonyms) define it alike
        ("Polycystic ovarian syndrome", "Polycystic ovarian syndrome (PCOS) is …"),
        # defined for two foci: it stands for neither
        ("Acquired Immunodeficiency Syndrome", "Acquired immunodeficiency syndrome (AS) is …"),
        ("Ankylosing Spondylitis", "Ankylosing spondylitis (AS) is a type of arthritis."),
        ("Gout", "Gout is a form of arthritis."),
        ("HIV/AIDS", "HIV/AIDS (AIDS) is the last stage of HIV infection."),
    ]
    abbreviations = defined_abbreviations(answers)
    assert abbreviations == {
        "PID": "Pelvic Inflammatory Disease",
        "PCOS": "Polycystic Ovary Syndrome",
        "AIDS": "HIV/AIDS",
    }
    catalogue = FocusCatalogue.build(
        [
            ("m:pid", "Pelvic Inflammatory Disease", "information"),
            ("m:pcos", "Polycystic Ovary Syndrome", "information"),
            ("m:aids", "HIV/AIDS", "information"),
        ],
        abbreviations,
    )
    assert understand("How is PID treated?", catalogue=catalogue).focus == (
        "Pelvic Inflammatory Disease"
    )
    # in small letters too, where the word is no English word
    pcos = understand("Is there a genetic component to pcos?", catalogue=catalogue)
    assert pcos.focus == "Polycystic Ovary Syndrome"
    assert pcos.named == "pcos"
    # but not where it is an English word: "aids" is not AIDS
    assert understand("Which hearing aids help?", catalogue=catalogue).focus is None


@pytest.mark.parametrize(
    ("question", "same"),
    [
        ("Is Valtrex the same thing as valacyclovir?", ("Valtrex", "valacyclovir", "drug")),
        (
            "Do you recommend Cyclobenzaprine over Flexeril or are they the same?",
            ("Cyclobenzaprine", "Flexeril", "drug"),
        ),
        ("Is flu test same as influenza test ?", ("flu", "influenza", "disease")),
        # two medicines, a plural, or no question of sameness
        ("Whats the difference between Valtrex and Acyclovir?", None),
        ("Is a migraine different from migraines?", None),
        ("Can I take Tylenol and acetaminophen together?", None),
    ],
)
def test_two_names_asked_whether_they_are_one(
    question: str, same: tuple[str, str, str] | None
) -> None:
    assert understand(question).same_names == same


def test_a_combination_asked_against_one_of_its_parts() -> None:
    """K-QA 91: "Is Augmentin the same thing as Amoxcicilin?" (misspelt: the speller reads
    it in the draft); the dictionary names Augmentin by its two medicines."""
    combined = understand("Is Augmentin the same thing as amoxicillin?").combination
    assert combined == ("Augmentin", "amoxicillin and clavulanic acid", "amoxicillin")
    assert understand("Is Augmentin the same thing as amoxicillin?").same_names is None
    bactrim = understand("Is Bactrim different from trimethoprim?").combination
    assert bactrim == ("Bactrim", "trimethoprim and sulfamethoxazole", "trimethoprim")
    # no question of sameness, or no part of it named
    assert understand("Can I take Augmentin with amoxicillin?").combination is None
    assert understand("Is Augmentin the same as Keflex?").combination is None


@pytest.mark.parametrize(
    ("question", "child"),
    [
        ("What should patients know about Migraine in children?", True),  # a batch topic
        ("My 7 year old son gets migraines, what can we do?", True),
        ("My 3-month-old baby has a rash on her cheeks", True),
        ("Can a child with a fever go to school?", True),
        ("Childhood asthma", True),
        ("I am 16 and have acne on my back", True),
        # K-QA: a baby that is no patient, and the patient's own childhood
        ("Is the miconazole powder the same as regular baby powder?", False),
        ("Is accutane like an antibiotic and would it affect a baby if I got pregnant?", False),
        ("I had chickenpox as a child, can I get shingles?", False),
        ("I had asthma in childhood, is it back?", False),
        ("I am 34 and have acne on my back", False),
        # the age it states decides: a grown son is no child, a parent's own age is none
        ("My 30 year old son has migraines", False),
        ("I am 35 and my 4 year old daughter has a fever", True),
    ],
)
def test_a_question_about_a_child_is_told_apart(question: str, child: bool) -> None:
    assert particulars_of(question).child is child


def test_an_age_range_under_eighteen_is_a_child() -> None:
    assert particulars_of("Is this rash serious?", age_range="10~17").child
    assert not particulars_of("Is this rash serious?", age_range="10~19").child
    assert not particulars_of("Is this rash serious?", age_range="40~49").child


@pytest.mark.parametrize(
    ("question", "adult"),
    [
        # K-QA: the asker's own case, or a stated grown-up
        ("I am a healthy adult but my ALT is elevated can this also cause diarrhea?", True),
        ("Ok I will do the blood pressure checks, how often?", True),
        ("I am 34 and have acne on my back", True),
        ("My 30 year old son has migraines", True),
        # a child, a baby or a pregnancy is part of the question; nobody in particular is none
        ("I am 16 and have acne on my back", False),
        ("My 3-month-old baby has a rash on her cheeks", False),
        ("Is accutane like an antibiotic and would it affect a baby if I got pregnant?", False),
        ("Is it safe to take zyrtec / Claritin while breastfeeding?", False),
        ("Is poison ivy contagious between people?", False),
        ("What should patients know about Gout?", False),
    ],
)
def test_a_question_about_a_grown_up_is_told_apart(question: str, adult: bool) -> None:
    assert particulars_of(question).adult is adult


def test_an_age_range_of_eighteen_or_over_is_a_grown_up() -> None:
    assert particulars_of("Is this rash serious?", age_range="40~49").adult
    assert not particulars_of("Is this rash serious?", age_range="10~19").adult


@pytest.mark.parametrize(
    ("sentence", "children"),
    [
        ("Children should have their blood pressure checked starting at 3 years of age.", True),
        ("Your child will need to take antibiotics for at least 3 to 5 days.", True),
        (
            "Infection with the rotavirus is the most common cause of acute diarrhea in children.",
            True,
        ),
        # children named with grown-ups, and the grown-up's own childhood, are no other age
        (
            "Medications to treat diarrhea in adults can be dangerous for infants and children.",
            False,
        ),
        ("If you had chickenpox as a child, the virus stays in your body.", False),
        ("Shingles is caused by the virus that gave you chickenpox when you were a child.", False),
        ("People of all ages can get diarrhea.", False),
        # what a grown-up can pass on to a child (NINDS on shingles, K-QA 78)
        ("A person with a shingles rash can pass the virus to someone, usually a child.", False),
    ],
)
def test_what_is_said_of_children_alone(sentence: str, children: bool) -> None:
    assert of_children_only(sentence) is children


def test_a_level_the_question_gives_is_measured() -> None:
    assert measured("Is low lipase related to pancreatic cancer?", "lipase")  # K-QA 104
    assert measured("My potassium levels are high", "potassium")
    assert not measured("Can I take ibuprofen and naproxen?", "ibuprofen")
    assert not measured("Is a high dose of ibuprofen safe?", "ibuprofen")


def test_a_grown_up_keeps_the_sentences_before_those_said_of_children() -> None:
    """MedlinePlus on blood pressure (K-QA 136): the pair "Talk with your doctor …" and
    "Children also can …" is kept to its first sentence for a grown-up; nothing is cut for a
    question about nobody in particular."""
    talk = "Talk with your doctor about how often you should have your blood pressure checked."
    pair = (
        f"{talk} Children also can develop high blood pressure, especially if they're overweight."
    )
    grown_up = particulars_of("Ok I will do the blood pressure checks, how often?")
    assert for_their_age(pair, grown_up) == talk
    assert for_their_age("Children should have it checked from the age of 3.", grown_up) == ""
    assert (
        for_their_age(pair, particulars_of("How often should blood pressure be checked?")) == pair
    )
    child = particulars_of("How often should my 5 year old son have his blood pressure checked?")
    assert for_their_age(pair, child) == pair


@pytest.mark.parametrize(
    ("sentence", "adults"),
    [
        ("Migraine is three times more common in women than in men.", True),
        ("Most adults should have their blood pressure checked at least once a year.", True),
        ("Women whose attacks follow their cycle have fewer attacks after menopause.", True),
        # an aside in brackets is no subject; children named with grown-ups are children too
        ("These include stress, lack of sleep, and hormonal changes (in women).", False),
        ("Basilar migraines occur in men and women of all ages, most in adolescent girls.", False),
        ("Many things can trigger a migraine.", False),
    ],
)
def test_what_is_said_of_grown_ups_alone(sentence: str, adults: bool) -> None:
    assert of_adults_only(sentence) is adults


@pytest.mark.parametrize(
    ("reply", "terms", "not_terms"),
    [
        # K-QA 71: the verb before a listed condition is no part of its name, nor the name
        # before a comma
        (
            "Possible causes for right lower abdominal pain in a young female include "
            "Appendicitis, Inflammatory bowel disease, Diverticulitis, Kidney stone.",
            ("appendicitis", "diverticulitis"),
            ("include appendicitis", "disease diverticulitis"),
        ),
        # K-QA 53, 166, 157: nor a participle, nor "known as", which says what it means
        (
            "When evaluating suspected epididymitis, doctors typically assess signs and "
            "symptoms and perform a physical examination of the scrotum.",
            ("epididymitis",),
            ("suspected epididymitis",),
        ),
        (
            "Inflammation of the eyelid margins, known as blepharitis, is a common eye "
            "condition that is not contagious.",
            (),
            ("blepharitis", "as blepharitis"),
        ),
        (
            "Anogenital warts, also called Condyloma acuminata, are a sign of HPV infection.",
            (),
            ("condyloma", "called condyloma"),
        ),
        # K-QA 21, 117: symptoms in everyday words are no terms
        (
            "Taking both together may increase the risk of side effects such as drowsiness, "
            "dizziness, and impaired coordination.",
            (),
            ("drowsiness", "dizziness"),
        ),
        (
            "There are a variety of drugs suitable for treating nausea and vomiting.",
            (),
            ("vomiting",),
        ),
        # the site page's terms stay whole
        (
            "The ultrasound showed an echogenic lesion consistent with fat necrosis.",
            ("echogenic lesion", "fat necrosis"),
            ("necrosis",),
        ),
    ],
)
def test_the_reply_s_terms_are_the_words_a_patient_may_not_know(
    reply: str, terms: tuple[str, ...], not_terms: tuple[str, ...]
) -> None:
    found = understand("What does this mean?", reply).terms
    assert set(terms) <= set(found)
    assert not set(not_terms) & set(found)


def test_a_group_of_conditions_as_patients_name_it() -> None:
    """K-QA 163, "What is a neurological issue": MedlinePlus answers on "Neurologic Diseases";
    patients say "problems" and "issues" where the archive names a group "Diseases" or
    "Disorders". One disease ("Huntington disease") and one kind ("Skin Infections") are no
    group, and a focus named so itself ("Balance Problems") stays its own."""
    catalogue = FocusCatalogue.build(
        [
            ("m:1", "Neurologic Diseases", "information"),
            ("m:2", "Kidney Diseases", "information"),
            ("m:3", "Kidney Diseases", "treatment"),
            ("m:4", "Kidney Disorders", "information"),
            ("m:5", "Skin Infections", "information"),
            ("m:6", "Huntington disease", "information"),
            ("m:7", "Balance Problems", "information"),
            ("m:8", "Balance Disorders", "information"),
        ]
    )

    def foci(text: str) -> list[str]:
        return [f.name for f in catalogue.find(text)]

    assert foci("What is a neurological issue") == ["Neurologic Diseases"]
    assert foci("do I have kidney problems?") == ["Kidney Diseases"]
    assert understand("Are my kidney issues serious?", catalogue=catalogue).focus_records == (
        "m:2",
        "m:3",
    )
    assert foci("I have skin problems") == []
    assert foci("Huntington issues") == []
    assert foci("my balance problems") == ["Balance Problems"]
    assert foci("my balance issues") == ["Balance Problems"]
