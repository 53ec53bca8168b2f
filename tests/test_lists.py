"""Run-in bulleted lists written out as sentences, on real MedQuAD (MedlinePlus) text."""

from __future__ import annotations

from pathlib import Path

from assistant.corpus.headings import split_headings
from assistant.corpus.lists import join_inline_lists, join_paragraph_lists
from assistant.knowledge import capitals
from assistant.text import split_sentences


def test_a_list_that_runs_into_the_next_sentence_becomes_that_sentence() -> None:
    text = (
        "Many things can trigger a migraine. These include - Anxiety - Stress - Lack of food or "
        "sleep - Exposure to light - Hormonal changes (in women) Doctors used to believe "
        "migraines were linked to the opening and narrowing of blood vessels in the head."
    )
    assert split_sentences(join_inline_lists(text)) == [
        "Many things can trigger a migraine.",
        "These include anxiety, stress, lack of food or sleep, exposure to light, and hormonal "
        "changes (in women).",
        "Doctors used to believe migraines were linked to the opening and narrowing of blood "
        "vessels in the head.",
    ]


def test_the_last_item_ends_where_a_sentence_or_the_credit_starts() -> None:
    addison = (
        "Symptoms include - Weight loss - Muscle weakness - Fatigue that gets worse over time - "
        "Low blood pressure - Patchy or dark skin Lab tests can confirm that you have Addison "
        "disease."
    )
    assert join_inline_lists(addison) == (
        "Symptoms include weight loss, muscle weakness, fatigue that gets worse over time, low "
        "blood pressure, and patchy or dark skin. Lab tests can confirm that you have Addison "
        "disease."
    )
    # an opener may precede a name: "As PH worsens", "Most STDs"
    stds = (
        "There are more than 20 types of STDs, including - Chlamydia - Gonorrhea - Syphilis - "
        "Trichomoniasis Most STDs affect both men and women."
    )
    written = join_inline_lists(stds)
    assert written.endswith("and trichomoniasis. Most STDs affect both men and women.")
    steroids = (
        "They include - Acne - Heart problems, including heart attack - Kidney damage - "
        "Aggressive behavior NIH: National Institute on Drug Abuse"
    )
    assert join_inline_lists(steroids) == (
        "They include acne; heart problems, including heart attack; kidney damage; and "
        "aggressive behavior. NIH: National Institute on Drug Abuse"
    )


def test_names_keep_their_capital() -> None:
    text = (
        "Degenerative nerve diseases include - Alzheimer's disease - Lewy body disease - "
        "Wilson disease - HIV infection - African Americans over age 40 - A lump in the neck"
    )
    assert join_inline_lists(text) == (
        "Degenerative nerve diseases include Alzheimer's disease, Lewy body disease, Wilson "
        "disease, HIV infection, African Americans over age 40, and a lump in the neck."
    )
    assert capitals.is_name("Wilson") and capitals.is_name("medicare")
    assert not capitals.is_name("Anxiety") and not capitals.is_name("heart")


def test_a_condition_is_written_as_its_answers_write_it_in_running_text() -> None:
    """The archive heads its answers "Scabies", "High Blood Pressure", "Down Syndrome"; a
    draft's running text writes them as those answers do mid-sentence."""
    answers = list(capitals.medquad_answers())
    assert capitals.as_written("Scabies", answers) == "scabies"
    assert capitals.as_written("High Blood Pressure", answers) == "high blood pressure"
    assert capitals.as_written("Down Syndrome", answers) == "Down syndrome"
    assert capitals.as_written("Lyme Disease", answers) == "Lyme disease"
    # where they never write it mid-sentence, a common word's capital goes, a name's stays
    assert capitals.as_written("Blood Pressure Medicines", []) == "blood pressure medicines"
    assert capitals.as_written("Wilson Disease", []) == "Wilson disease"
    assert capitals.as_written("COPD", []) == "COPD"
    # a title names it with every word capitalized: no way running text writes it (K-QA 49
    # had "About Diabetes Medicines" from "What I need to know about Diabetes Medicines")
    title = "For more, see the NIDDK health topic, What I need to know about Diabetes Medicines."
    said = "If you can't control your diabetes, you may need diabetes medicines."
    assert capitals.as_written("Diabetes Medicines", [title, title, said]) == "diabetes medicines"
    assert capitals.as_written("Diabetes Medicines", [title]) == "diabetes medicines"


def test_what_is_not_surely_a_list_is_left_as_it_is() -> None:
    unchanged = [
        # a dash that glosses an item
        "Causes include - Strabismus - a disorder in which the two eyes don't line up - "
        "Refractive error in an eye",
        # items that are sentences
        "The risks include the following: - Neuroblastoma may be overdiagnosed. - False-negative "
        "test results can occur.",
        # no phrase that introduces a list (GHR's headings and resources)
        "Diagnostic Tests - Drug Therapy - Surgery and Rehabilitation - Genetic Counseling",
        # one item only, and an item too long to be one
        "Symptoms include - Fever",
        "Signs include - Decreased appetite and a feeling of fullness after eating only a small "
        "amount of food that lasts for days",
    ]
    for text in unchanged:
        assert join_inline_lists(text) == text


def test_warning_signs_after_if_you_have_finish_that_sentence() -> None:
    meningitis = (  # MedlinePlus "Meningitis"
        "Meningitis can progress rapidly. You should seek medical care quickly if you have - "
        "Sudden fever - Severe headache - A stiff neck Early treatment can help prevent serious "
        "problems, including death."
    )
    assert split_sentences(join_inline_lists(meningitis))[1:] == [
        "You should seek medical care quickly if you have sudden fever, severe headache, or a "
        "stiff neck.",
        "Early treatment can help prevent serious problems, including death.",
    ]
    assert (
        join_inline_lists(  # MedlinePlus "Pets and Animal Bites"
            "Take your pet to the veterinarian if you notice: - Loss of appetite - Strange lumps"
        )
        == "Take your pet to the veterinarian if you notice loss of appetite or strange lumps."
    )
    # NCI's items each end in a full stop; the last ends at its first
    leukemia = (
        "Check with your doctor if you have any of the following: - Feeling very tired. - "
        "Weight loss for no known reason. - Night sweats. - Fever. Sometimes CML does not "
        "cause any symptoms at all."
    )
    assert split_sentences(join_inline_lists(leukemia)) == [
        "Check with your doctor if you have any of the following: feeling very tired, weight "
        "loss for no known reason, night sweats, or fever.",
        "Sometimes CML does not cause any symptoms at all.",
    ]
    # a sign may be a long one; its brackets do not count toward its length
    breast = (  # NCI "Breast Cancer"
        "Check with your doctor if you have any of the following: - A nipple turned inward "
        "into the breast. - Scaly, red, or swollen skin on the breast, nipple, or areola (the "
        "dark area of skin around the nipple). - Dimples in the breast that look like the skin "
        "of an orange, called peau dorange."
    )
    assert join_inline_lists(breast) == (
        "Check with your doctor if you have any of the following: a nipple turned inward into "
        "the breast; scaly, red, or swollen skin on the breast, nipple, or areola (the dark "
        "area of skin around the nipple); or dimples in the breast that look like the skin of "
        "an orange, called peau dorange."
    )
    unchanged = [
        # an item that is sentences
        "Check with your child's doctor if your child has any of the following: - A lump or "
        "swelling that keeps getting bigger or does not go away. It may be painful. - Headache.",
        # "if the leukemia has spread": no one who has
        "The following tests may be used to determine if the leukemia has spread: - Chest "
        "x-ray. - Lumbar puncture.",
    ]
    for text in unchanged:
        assert join_inline_lists(text) == text


def test_steps_after_what_they_are_for_become_that_sentence() -> None:
    athletes_foot = (  # MedlinePlus "Athlete's Foot"
        "To prevent it - Keep your feet clean, dry, and cool - Wear clean socks - Don't walk "
        "barefoot in public areas Treatments include over-the-counter antifungal creams."
    )
    assert split_sentences(join_inline_lists(athletes_foot)) == [
        "To prevent it, keep your feet clean, dry, and cool; wear clean socks; and don't walk "
        "barefoot in public areas.",
        "Treatments include over-the-counter antifungal creams.",
    ]
    # the credit without a colon that ends MedlinePlus's answer is no part of the last step
    botulism = (
        "To prevent botulism: - Be very careful when canning foods at home - Do not let babies "
        "eat honey Centers for Disease Control and Prevention"
    )
    assert join_inline_lists(botulism) == (
        "To prevent botulism, be very careful when canning foods at home and do not let babies "
        "eat honey. Centers for Disease Control and Prevention"
    )
    unchanged = [
        # not what a sentence opens on: "… is to avoid mosquito bites: - Use insect repellent"
        "The best way to prevent it is to avoid mosquito bites: - Use insect repellent - Wear "
        "long sleeves",
        # no steps
        "To prevent it - Your doctor may give you a vaccine - The vaccine works",
    ]
    for text in unchanged:
        assert join_inline_lists(text) == text


def test_split_headings_writes_lists_out_for_chunks_and_plans() -> None:
    text = "Symptoms\nSymptoms include - Fever - Cough - Sore throat Most people recover."
    assert split_headings(text, "Flu").split("\n")[1] == (
        "Symptoms include fever, cough, and sore throat. Most people recover."
    )


def test_the_shipped_word_list_is_the_archive_counted_again(tmp_path: Path) -> None:
    out = capitals.build(out=tmp_path / "capitalized_words.txt")
    assert out.read_bytes() == capitals.NAMES_FILE.read_bytes()


INSOMNIA_RISK = (  # MedQuAD 8_NHLBI_QA_XML/0000081#3, "Who is at risk for Insomnia?"
    "However, older adults are more likely to have insomnia than younger people.\n\n"
    "People who might be at increased risk for insomnia include those who:\n\n"
    "Have a lot of stress.\n\n"
    "Are depressed or have other emotional distress, such as divorce or death of a spouse.\n\n"
    "Have lower incomes.\n\n"
    "Work at night or have frequent major shifts in their work hours.\n\n"
    "Travel long distances with time changes.\n\n"
    "Have certain medical conditions or sleep disorders that can disrupt sleep. For more "
    'information, go to "What Causes Insomnia?"\n\n'
    "Have an inactive lifestyle.\n\n"
    "Young and middle-aged African Americans also might be at increased risk for insomnia. "
    "Research shows that, compared with Caucasian Americans, it takes African Americans longer "
    "to fall asleep. They also have lighter sleep, don't sleep as well, and take more naps."
)


def test_the_items_of_a_list_that_finishes_its_sentence_are_never_sentences() -> None:
    # read alone, "Travel long distances with time changes." is advice nobody gave
    sentences = split_sentences(split_headings(INSOMNIA_RISK, "Insomnia"))
    assert not any(s.startswith(("Have ", "Are ", "Work ", "Travel ")) for s in sentences)
    # the line that introduced them stays, and what follows the list is kept
    assert "People who might be at increased risk for insomnia include those who:" in sentences
    assert sentences[0].startswith("However, older adults")
    assert any(s.startswith("Young and middle-aged African Americans") for s in sentences)
    # "… may ask whether you:" and "… if:" lists finish their sentence too
    asks = "Your doctor may ask whether you:\nTake any medicines.\nSmoke.\nYou may need tests."
    assert "Take any medicines." not in split_sentences(split_headings(asks))
    # a list after a complete sentence is left alone
    tips = "Try these tips:\nEat more slowly.\nIf you smoke, quit or cut down."
    assert split_headings(tips) == tips


def test_a_list_left_bulleted_ends_where_the_next_sentence_starts() -> None:
    """MedlinePlus "Yeast Infections": the treatment runs into the last item; written out, it
    is a sentence of its own. Items ending in full stops, titles and names stay as they are."""
    yeast = (
        "Yeast infections affect different parts of the body in different ways: - Thrush is a "
        "yeast infection that causes white patches in your mouth - Candida esophagitis is "
        "thrush that spreads to your esophagus. It can make it hard to swallow. - Yeast "
        "infections of the skin cause itching and rashes - Yeast infections in your "
        "bloodstream can be life-threatening Antifungal medicines get rid of yeast infections "
        "in most people."
    )
    assert split_sentences(join_inline_lists(yeast))[-1] == (
        "Antifungal medicines get rid of yeast infections in most people."
    )
    unchanged = [
        # NCI's items end in full stops: "Hepatitis A" is no end of one
        "How is it spread? - It spreads by mouth. - Hepatitis A and E usually resolve on "
        "their own.",
        # a title of a page, and a name
        "See these pages: - Tobacco (includes help with quitting) - Cigarette Smoking: Health "
        "Risks and How to Quit",
        "Patients were studied: - Those with fever - Those from whom vancomycin-resistant "
        "Staphylococcus aureus was isolated in 2002.",
        "Vitamins help with: - Bone growth - Immune system Vitamin A is an antioxidant.",
    ]
    for text in unchanged:
        assert join_inline_lists(text) == text


HYPOTHYROIDISM = (
    "Hypothyroidism has many symptoms that can vary from person to person. Some common "
    "symptoms of hypothyroidism are\n\n- fatigue - weight gain - a puffy face - cold "
    "intolerance - joint and muscle pain - constipation - dry skin - dry, thinning hair - "
    "decreased sweating - heavy or irregular menstrual periods and impaired fertility - "
    "depression - slowed heart rate\n\nHowever, hypothyroidism develops slowly, so many people "
    "dont notice symptoms of the disease."
)  # NIDDK, "What are the symptoms of Hypothyroidism ?" (MedQuAD)


def test_a_list_on_a_line_of_its_own_becomes_the_sentence_that_introduces_it() -> None:
    """K-QA 48 ("Does low thyroid contribute to weight gain?") got no symptom of
    hypothyroidism: NIDDK's list stood apart from its introduction, and neither was quoted."""
    sentences = split_sentences(split_headings(HYPOTHYROIDISM, "Hypothyroidism"))
    assert sentences[1] == (
        "Some common symptoms of hypothyroidism are fatigue; weight gain; a puffy face; cold "
        "intolerance; joint and muscle pain; constipation; dry skin; dry, thinning hair; "
        "decreased sweating; heavy or irregular menstrual periods and impaired fertility; "
        "depression; and slowed heart rate."
    )
    assert sentences[2].startswith("However, hypothyroidism develops slowly")
    adrenal = "The most common symptoms are\n\n- fatigue - muscle weakness - weight loss"
    assert join_paragraph_lists(adrenal) == (
        "The most common symptoms are fatigue, muscle weakness, and weight loss."
    )
    # items that are sentences, or long, are no such list
    sentences_listed = "Causes include\n\n- Genetics. Many people with gout have it - Diet"
    assert join_paragraph_lists(sentences_listed) == sentences_listed
