"""What a question asks: what it is, causes, symptoms, tests, treatment, medicines, side
effects, outlook, prevention, "is this serious", inheritance, how common.

Rules over the question's words (consumer questions are short, personal and varied; the
rules read them better than a model trained on MedQuAD's templated questions, which are
used to test them). Each ask names the MedQuAD ``question_type`` values whose answers are
its evidence.
"""

from __future__ import annotations

import re
from typing import Literal

Ask = Literal[
    "definition",
    "causes",
    "symptoms",
    "diagnosis",
    "treatment",
    "medication",
    "side_effects",
    "outlook",
    "prevention",
    "seriousness",
    "seek_care",
    "inheritance",
    "frequency",
]

# what each ask is called in a sentence ("The past answers do not cover the causes for
# gout") and in the LLM's plan ("Asked: treatment")
ASK_WORDS: dict[Ask, str] = {
    "definition": "what it is",
    "causes": "the causes",
    "symptoms": "the symptoms",
    "diagnosis": "how it is tested",
    "treatment": "treatment",
    "medication": "the medicine asked about",
    "side_effects": "side effects",
    "outlook": "the outlook",
    "seriousness": "how serious it is",
    "seek_care": "when to see a doctor",
    "prevention": "prevention",
    "inheritance": "inheritance",
    "frequency": "how common it is",
}
# the archive's question types that answer each ask, best first; a general answer
# ("information") last, where only its sentences that talk about the ask are quoted
EVIDENCE_TYPES: dict[Ask, tuple[str, ...]] = {
    "definition": ("information",),
    "causes": ("causes", "susceptibility", "genetic changes", "information"),
    "symptoms": ("symptoms", "information"),
    "diagnosis": ("exams and tests", "information"),
    "treatment": ("treatment", "considerations", "information"),
    "medication": ("treatment", "considerations", "information"),
    "side_effects": ("treatment", "considerations", "complications", "information"),
    "outlook": ("outlook", "stages", "complications", "information"),
    "prevention": ("prevention", "information"),
    "seriousness": ("outlook", "complications", "symptoms", "information"),
    # the focus's answers that tell when to see a doctor, and for what signs
    "seek_care": ("symptoms", "information", "treatment", "complications"),
    "inheritance": ("inheritance", "genetic changes", "information"),
    "frequency": ("frequency", "information"),
}

# asks that a section of another kind also answers
ANSWERED_BY: dict[str, tuple[str, ...]] = {
    "medication": ("medication", "treatment", "side_effects"),
    "treatment": ("treatment", "medication"),
    "side_effects": ("side_effects", "medication", "treatment"),
    "seriousness": ("seriousness", "outlook", "symptoms"),
}

# an ask the archive may answer inside another ask's answers, where it has none of its own:
# preventing migraine attacks is told among migraine's treatments ("Prevention involves the
# use of medications and behavioral changes."), and what treatment brings about, the outlook
# ("Antibiotics can cure most cases of Lyme disease.")
TOLD_UNDER: dict[Ask, Ask] = {"prevention": "treatment", "outlook": "treatment"}

# MedQuAD question type -> the ask it answers
ASK_OF_TYPE: dict[str, Ask] = {
    "information": "definition",
    "causes": "causes",
    "susceptibility": "causes",
    "genetic changes": "inheritance",
    "inheritance": "inheritance",
    "symptoms": "symptoms",
    "exams and tests": "diagnosis",
    "treatment": "treatment",
    "considerations": "treatment",
    "outlook": "outlook",
    "stages": "outlook",
    "complications": "outlook",
    "prevention": "prevention",
    "frequency": "frequency",
}

# how long a medicine takes to work: "How long does it take to notice the effects of
# Wellbutrin?" asks how to take it, not the outlook
_TAKES_EFFECT = (
    r"take (\w+ ){0,3}to (notice|see|feel) (the |any )?(effects?|results?|benefits?|a difference)"
)

_RULES: tuple[tuple[Ask, str], ...] = (
    (
        "side_effects",
        r"side[- ]?(effects?|affects?)|adverse|reactions? to|"
        # "Will the keflex make me throw up …?"
        r"make me (feel )?(sick|dizzy|tired|sleepy|drowsy|nauseous|nauseated|throw up|vomit)|"
        # (not "cleaning my wound to keep it safe for my next visit")
        r"(?<!keep it )(?<!keep them )safe (to|for|during|while)|safely (take|use|have)|"
        r"(affect|harm|hurt) (the |my )?(baby|liver|kidneys?)|"
        r"interact\w*|mix\w* (with|alcohol)|together with|while (taking|on)",
    ),
    (
        "medication",
        r"\b(doses?|dosage|how much|how many (mg|pills|tablets)|mg\b|take (it|this|them)|"
        # "What is the most safe amount of Advil to take at one time"
        r"(safe|safest|maximum|max|right|correct|recommended) amount|"
        # when a medicine works: "Amoxicillin should start working immediately or does it take
        # time?"
        r"starts? (to )?work(ing)?|kicks? in|"
        # "How long do I need to wait before starting naproxen since I took ibuprofen?", "How
        # long should I wait between doses?", "how long after drinking can I take it?"
        r"(how long (\w+ ){0,4})?wait\w* (\w+ ){0,3}before (starting|taking|using|switching)|"
        r"how long (\w+ ){0,4}wait\w* (\w+ ){0,2}(after|between|to (take|start|use))|"
        r"how long (after|between)|"
        # "How long does it take to notice the effects of Wellbutrin?"
        rf"{_TAKES_EFFECT}|"
        r"should i take|can i take|could i take|i (can|could|should) take|tablets?|pills?|"
        r"prescri\w*|antibiotics?|"
        r"over the counter|otc|cream|ointment|drops?|inhaler|medicines?|medications?|meds?|drugs?)",
    ),
    (
        "treatment",
        r"\b(treat\w*|cure\w*|(in)?curable|get rid of|remed\w*|therap\w*|surgery|operat\w*|"
        r"solutions?|"
        r"options? (for|to)|what (helps|works)|"
        # what a patient may eat, drink or do with it is care: "Can diabetics eat sweets?", "Is
        # it ok to drink alcohol with gout?", "Can I exercise with a cold?"
        r"(can|could|should|may) (i|we|you|diabetics|people|he|she|they|someone) (still )?"
        r"(eat|drink|exercise|work out)|"
        r"(ok|okay|fine|alright|all right) (for \w+ )?to (eat|drink|exercise|work out)|"
        # (not "anything I can do to confirm it is shingles", which asks how it is found)
        r"(what (can|should|do|could) (i|we) do|(anything|something) (i|we) can (do|take|use))"
        r"(?! to (confirm|tell|know|find out|check|test|make sure|figure out))|can do for|"
        # "My 8 year old daughter gets migraines. What can we do for them?", "what can be
        # done for migraines?"
        r"what (can|could|should) be done|"
        # "What can i have for the constant itching", "anything for hoarse voice", "whats
        # good for muscular pain"
        r"what (can|could|should) i (have|take|use|try|put on) for|(anything|something) for|"
        # "I have a rash from poison oak, what can I put on it?", "Do I just apply the Topicort
        # to the rash?", "should I also apply ice"
        r"what (can|could|should) i (put|use|apply) on (it|them|this|that|my)|"
        r"(?<!often )(do|should|can|could) i (just |also |still )?(apply|put)|"
        r"(what's|whats|what is) good for|suggestions? (for|on)|"
        # "Would amoxicillin work for a UTI?", "Is there something like ambien which could
        # help on those occasions where I … really need to sleep?"
        r"works? (for|on)|(which|that|what) (could|would|will|can|might) help|alleviat\w*|"
        r"how (can|do) i (stop|fix|heal|relieve|manage)|help (with|for)|"
        # "Is there a way to stop the bleeding?"
        r"ways? to (stop|ease|fix|calm|soothe)|"
        # "Will the antibiotics prevent the lyme disease from progressing?"
        r"(prevent\w*|stop|keep) .{0,30} from (progress\w*|getting worse|worsening|advanc\w*)|"
        # "do fissures heal on their own?" asks the outlook, not how to treat them
        # (not "healthy" nor "health": "I am a healthy adult but my ALT is elevated, can this
        # also cause diarrhea?" asks no treatment)
        r"relie\w*|manag\w*|heal(s|ed|ing)?(?! on (its|their|my|your) own)|recommend\w*)",
    ),
    (
        "causes",
        # (not "does it cause permanent damage", which asks what comes of it: the outlook)
        r"\b(caus\w*(?! (any |permanent |lasting |long[- ]term )*(damage|harm|complications)\b)|"
        r"why (do|does|did|am|is|would|have)|reason\w*|trigger\w*|due to|"
        r"how (do|did|does|can) (you|i|one|people) (get|catch)|contagious|spread|risk factors?|"
        r"because of|come from|linked to|related to|relation|contribut\w* to|"
        # what a finding may be a sign of: "What does a low pulse possibly indicate?", "What
        # does it mean if my urine is cloudy?" (not "what would indicate a sinus infection?")
        r"what (does|do|could|might|can) .{1,60}\bindicate|indicative of|"
        r"what (does|could|might) (it|that|this) mean (if|when|that))",
    ),
    (
        "symptoms",
        r"\b(symptoms?|signs?|feel like|what does .{1,40} (look|feel) like|"
        # what it feels like or brings with it: "So ringworm doesnt itch?", "Does herpes have
        # rectal discharge?", "Do migraines always come with headaches?"
        r"(does|do|doesn'?t|don'?t|did|will|would|can|could|should|supposed to) (\w+ ){0,3}"
        r"(itch|hurt|burn|sting|swell|bleed|ache|throb|tingle|ooze)|"
        r"(does|do|can|could) (\w+ ){1,3}have (\w+ ){0,2}(discharge|pain|fever|rash|itching|"
        r"swelling|bleeding|blisters|sores|headaches?)|(come|comes) with|"
        r"is it normal (to|for) .{0,30}(pain|hurt|ache|itch|bleed|swell)|how do i know if|"
        r"what (would|could|might|can) indicate)",
    ),
    (
        "diagnosis",
        # "diagnosed with shingles" says having it, not how it is found
        r"\b(tests?|test for|diagnos\w*+(?!\s+with)|scan|ultrasound|x-?rays?|mri|ct\b|blood work|"
        r"biopsy|detect|check (for|if)|checks|check-?ups?|monitor\w*|screen\w*|urinalysis|"
        # "How do I measure blood pressure?" (not "preventive measures")
        r"measur(e|ing)|"
        r"results?|"
        # a test's reading: "what does the non reactive mean for the hep a igm"
        r"(non[- ]?)?reactive|ig[gm]|antibod(y|ies)|titers?|"
        r"(?<!just to )confirm (it|if|whether|what|that it)|rule (it |this |that )?out|"
        r"(find|figure) out (if|whether|what))",
    ),
    (
        "outlook",
        # "how long will it last?", not "one last question" nor "my last period"
        # (not how long to wait between medicines, which asks how to take them)
        r"\b(how long(?! (\w+ ){0,4}wait)(?! (after|between|before) )"
        rf"(?! (\w+ ){{0,3}}{_TAKES_EFFECT})|"
        r"(?<!one )(?<!the )(?<!my )(?<!at )(?<!your )(?<!his )(?<!her )"
        r"last(s|ed|ing)?\b(?! (question|questions|thing|time|night|week|month|year|dose|visit))|"
        r"(go|goes|gone|went|going) away|heal|recover\w*|prognosis|outlook|life expectancy|"
        r"permanent(?! (damage|harm|problems))|(come|comes|came|coming) back|more than once|"
        r"recur\w*|turn into|"
        r"progress\w*|get worse|"
        r"long[- ]term)",
    ),
    (
        "prevention",
        # (not "prevent the lyme disease from progressing", which asks what treatment does)
        r"\b(prevent\w*(?! .{0,30} from (progress|getting worse|worsening|advanc))|"
        r"stop .{0,20} from(?! (progress|getting worse|worsening|advanc))|avoid\w*|"
        r"keep .{0,30} from (getting|catching|spreading|passing)|"
        r"reduce (the |my )?risk|vaccin\w*)",
    ),
    (
        "seek_care",
        # "If my symptoms do not improve, at what point should I go see a doctor?", "do you
        # recommend me going back to the ER?", "can you clarify what are ER red flags"
        r"\b((go|going|get) (back )?(to )?(see )?(a|the|my|your) (doctor|dr|gp|physician|er|"
        r"emergency room|hospital)|see (a|the|my|your) (doctor|dr|gp|physician)|urgent care|"
        r"emergency room|(the|an?) er|er red flags|red flags|warning signs|"
        r"get (it|this|that|them) (checked|looked at|evaluated)|"
        r"go in (somewhere )?to get)",
    ),
    (
        "seriousness",
        # "is it odd the sore throat would have gone away within 24 hours …?"
        r"\b(serious|worr\w*|concern\w*|dangerous|normal|odd|strange|unusual|should i be|"
        r"cancer|emergency|"
        r"harmful|benign|is it bad|bad idea|alarm\w*|complications?|"
        # "does it cause permanent damage"
        r"(permanent|lasting|long[- ]term) (damage|harm|problems))",
    ),
    (
        "inheritance",
        r"\b(genetic\w*|inherit\w*|hereditary|runs? in (the |my )?famil\w*|passed down)",
    ),
    (
        "frequency",
        # not "how often": patients ask it of a schedule ("How often do I apply the cream?",
        # "the blood pressure checks, how often?"), never of how many people have a condition
        r"\b(how common|common is|how many people|prevalen\w*|rare|"
        # who gets it: "am I not a bit young to have an enlarged prostate?"
        r"(too|a bit|very|so) (young|old) (to|for)|young to (have|get)|at (my|his|her) age)\b",
    ),
    (
        "definition",
        r"\b(what does .{1,60} (mean|stand for)|meaning of|tell me (more )?about|"
        # (not "a different dosage")
        r"know (much )?about|explain|differences? between|(the|any|a) difference|"
        r"different (from|than)|differs? from|(do|does|is|are) .{1,50} differ\b|same as)",
    ),
)
# whole words only: "testicular pain" asks no test, "is it significant?" no signs
_COMPILED = tuple((ask, re.compile(rf"(?:{pattern})\b", re.I)) for ask, pattern in _RULES)


def without_asks(text: str) -> str:
    """``text`` without the words that say what it asks: "Could esophagitis cause muscle
    stiffness in the neck when swallowing?" keeps "esophagitis … muscle stiffness in the neck
    when swallowing"; "Is blepharitis contagious?" only "Is blepharitis"."""
    for _, pattern in _COMPILED:
        text = pattern.sub(" ", text)
    return text


_WHAT_VACCINE = re.compile(
    r"\b(?:what (?:is|are)|know about|tell me about|more about)(?: the| a)?(?: [\w-]+){0,2} "
    r"(?:vaccines?|vaccinations?|shots?)\b",
    re.I,
)


def asks_of(text: str) -> tuple[Ask, ...]:
    """What ``text`` asks, in the order the question raises it; ``("definition",)`` when no
    rule fires (a question naming only a topic asks what it is)."""
    found: list[tuple[int, int, Ask]] = []
    for priority, (ask, pattern) in enumerate(_COMPILED):
        match = pattern.search(text)
        if match:
            found.append((match.start(), priority, ask))
    if not found:
        return ("definition",)  # "What is gout?", or a topic alone
    asks = [ask for _, _, ask in sorted(found)]
    # what a vaccine is, is how it prevents: "What should patients know about Shingles
    # vaccine?" is answered by the prevention answers first
    if "definition" in asks and "prevention" in asks and _WHAT_VACCINE.search(text):
        asks.remove("prevention")
        asks.insert(0, "prevention")
    # a medicine question is also a treatment question (its evidence is the treatment answers)
    if "medication" in asks and "treatment" not in asks and "side_effects" not in asks:
        asks.append("treatment")
    return tuple(dict.fromkeys(asks))
