"""Where a quoted sentence goes on the page, and how quoted records become numbered sources.

The cues say what a sentence talks about (causes, symptoms, tests, treatment, outlook, when to
seek care, and the other things a question asks); :func:`numbered` cites records by first use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TypeVar, cast

from assistant.drafting.models import DraftSentence, Section
from assistant.knowledge import lexicon
from assistant.retrieval import Passage, Source
from assistant.text import split_sentences
from assistant.understanding import ANSWERED_BY, GENERIC, TOLD_UNDER, Ask, key_of, keys_of
from assistant.understanding.spelling import english

AskName = TypeVar("AskName", bound=str)  # an ask, as the caller types it

# Sections of the explanation, in page order, and the cues that put a sentence in one.
TOPICS: dict[str, re.Pattern[str]] = {
    # "Colds rarely cause a fever" and "Later, it can cause bleeding" tell a symptom, not a
    # cause, nor does what depends on it: "Depending on the cause of the problem, medication
    # may also be needed to stop the diarrhea"
    "causes": re.compile(
        r"\b((?<!can )(?<!may )(?<!might )(?<!could )(?<!will )(?<!often )(?<!-)"
        r"(?<!depending on the )(?<!depends on the )(?<!depend on the )"
        r"caus\w*(?! (an? |any )?(fever|headaches?|pain|upset|symptoms|problems|rash|"
        r"itch\w*|swelling|cough))"
        # (what it leads to, counted: "Each year, UTIs cause more than 8 million visits …")
        r"(?! (more than |about |nearly |over |almost )?[\d,.]+)|"
        # the things that "can cause" it, named in a clause: "Substances that often cause
        # reactions are pollen, dust mites, …" (allergy; not "a disease that can cause
        # seizures", which tells what that disease does)
        r"\w+s (that|which) (\w+ )?caus(e|es)|"
        r"due to|result\w* (of|from)|risk factors?|trigger\w*|"
        # who gets it: "You are more likely to get a fungal infection if you … take antibiotics"
        r"(more|less) likely to (get|develop|catch)|at (a )?(higher|greater|increased) risk|"
        # how it passes from one to another: "You can get them by touching an infected person",
        # "It spreads through contact with …", "is contagious" (what "is it contagious?" asks)
        r"(get|catch) (it|them|\w+) (by|from|through) |contagious|"
        r"spreads? (by|through|from|when|easily|to)|(passed|pass it|pass them) (on|to|from)|"
        r"transmit(ted|s)? (by|through|from|to))\b",
        re.I,
    ),
    "symptoms": re.compile(
        # ("pain relievers", "pain-killers" are no symptom, nor the symptoms a doctor looks at:
        # "your health care provider will look at your symptoms and medical history"; nor the
        # itch of a condition's name: "Types of tinea include ringworm, athlete's foot and jock
        # itch.")
        r"\b((?<!at your )(?<!about your )(?<!review your )symptoms?|signs?|"
        r"pain(ful)?(?![ -](relie\w*|medic\w*|kill\w*))|swell\w*|(?<!jock )(?<!swimmer's )itch\w*|"
        r"fever)\b",
        re.I,
    ),
    "diagnosis": re.compile(
        # ("For example, …" is no exam, nor "before you take a test" one of the body)
        r"\b(diagnos\w*|(?<!take a )(?<!taking a )tests?|scans?|ultrasound|mri|ct|x-rays?|"
        # "You can check your pressure at home with a home blood pressure measurement device"
        # (not "preventive measures", "a measure of")
        r"(?<!a )measur(e|ed|ing|ements?)(?! of)|"
        r"biopsy|exam(?!ple)\w*|imaging|monitors|(pressure|heart|glucose|home) monitor|"
        # "your health care provider will look at your symptoms and medical history, to figure
        # out whether you have Lyme disease"
        r"medical history|(figure|find) out (whether|if) you have)\b",
        re.I,
    ),
    "treatment": re.compile(
        # ("a medical condition" is no treatment, nor what only an organ removes: "It helps
        # your body digest food, store energy, and remove poisons", the liver in every answer
        # on hepatitis)
        r"\b(treat\w*|therap\w*|medic(?!al)\w*|surg\w*|manag\w*|drugs?|prescri\w*|"
        r"remov\w*(?! (poisons|toxins|carbon dioxide|debris)\b)|"
        # ("People with GAD can't seem to get rid of their concerns" tells no treatment)
        r"cur(e|es|ed|ing)|anti(biotic|viral|fungal)s?|(?<!seem to )get rid of|creams?|ointments?|"
        r"over-the-counter|lozenges?|eas(e|es|ing) (the|your)|reliev\w*|sooth\w*)\b"
        # (not "medication-resistant arthritis", "drug-induced lupus")
        r"(?!-)",
        re.I,
    ),
    "outlook": re.compile(
        # (watching it, not a device: "Blood pressure monitors can be bought at …" is a test)
        r"\b(prognosis|outlook|benign|recover\w*|harmless|monitor(ing|ed)?|follow-up|observ\w*|"
        # "sores that heal slowly" is a sign, not the outlook
        r"go(es)? away|on (its|their) own|heal(s|ed|ing)?(?! (slowly|poorly))|resolv\w*|"
        r"clears? up)\b",
        re.I,
    ),
}
# what a sentence of advice starts with (a short one with no verb of its own is advice, not a
# list item's label)
_ADVICE_TEXT = """
add apply ask avoid be call change check choose clean consider contact cover cut do don't drink eat
exercise find follow get give go keep learn let limit lose lower maintain make manage never
protect put quit read reduce remember rest see sleep stay stop store take talk tell try use
wait wash watch wear
"""
ADVICE_VERBS = frozenset(_ADVICE_TEXT.split())
# care a patient gives themselves, which answers "what can I do for it?": "For vomiting in
# children and adults, avoid solid foods until vomiting has stopped …", "Drink small amounts
# of clear liquids to avoid dehydration." (not how to prevent it: "Wash your hands to prevent
# …", "Wash your hands often", "Cover your mouth when you cough", nor whom to see)
_NO_CARE = frozenset(
    ["ask", "call", "contact", "see", "talk", "tell", "be", "wash", "cover", "protect", "get"]
)
_SELF_CARE = (
    r"^(?!.*\b(prevent\w*|risk|protect\w*|vaccin\w*)\b)"
    r"(?:(?:for|if|when|while|during)\b[^,]{0,60},\s*)?"
    f"(?:{'|'.join(sorted(ADVICE_VERBS - _NO_CARE))})\\b"
)
SEEK_CARE = re.compile(
    r"\b(see (a|your) (doctor|physician|health ?care)|seek\w* (medical|care|help|attention)|"
    r"call (911|your|a|the (doctor|physician|health ?care|provider|nurse))|emergency|"
    r"contact your|talk (to|with) your (family )?(doctor|health)|"
    r"get (immediate |prompt |urgent |emergency )?medical|consult\w* (a|your)|"
    r"checked by a (doctor|health ?care provider)|"
    # "… or have itching without an apparent cause, you might require medical attention"
    r"(require|need)s? (immediate |prompt |urgent )?medical (attention|care|help)|"
    # "Check with your doctor if you have any of the following: …" (NCI's warning signs)
    r"check with (a|your|your child's) (doctor|health ?care|provider)|"
    # "Let your health care provider know if you have sudden, severe headaches."
    r"let your (family )?(doctor|physician|health ?care (provider|professional)|provider) know)\b",
    re.I,
)

# how long something lasts answers "how long does it last?" ("Migraine headaches may last a
# day or more"), though it is no cue of the outlook on a page that was not asked it
_DURATION = (
    r"\b(last(s|ed|ing)? (for|about|up to|from|between|only|several|a few|an?|\d+|longer|"
    r"as long)\b|(may|can|will|usually|often|typically|generally|could|might|to) last\b|"
    r"duration|within (a few|several|\d+) (hours|days|weeks|months))"
)

# what a picked sentence must say to answer an ask (beyond the page topics above)
_ASK_CUES: dict[str, re.Pattern[str]] = {
    **TOPICS,
    "outlook": re.compile(f"{TOPICS['outlook'].pattern}|{_DURATION}", re.I),
    "treatment": re.compile(f"{TOPICS['treatment'].pattern}|{_SELF_CARE}", re.I),
    "medication": TOPICS["treatment"],
    "side_effects": re.compile(
        r"\b(side effects?|adverse|reactions?|interact\w*|safe(ly|ty)?|risks?|warning|"
        r"overdose|dose|dosage)\b",
        re.I,
    ),
    "seriousness": re.compile(
        r"\b(serious|life-threatening|dangerous|harmless|benign|complications?|"
        r"prognosis|outlook|cancer\w*|malignant)\b",
        re.I,
    ),
    "prevention": re.compile(
        # not "These problems can prevent you from doing your best at work", nor what people
        # with it do: "You may … avoid places where you have had an attack" (panic disorder)
        r"\b(prevent(?!able)\w*(?! (you|them|him|her|people|someone) from)|"
        r"(?<!may )(?<!might )(?<!often )avoid\w*|"
        # (nor what the focus protects: "A cough is a natural reflex that protects your lungs")
        r"reduce (the |your )?risk|vaccin\w*|"
        r"protect\w* (yourself|yourselves|others|against|from|(your |the )?(child|children|baby|"
        r"family|skin|eyes|ears|hearing|teeth)))\b",
        re.I,
    ),
    "inheritance": re.compile(r"\b(inherit\w*|genetic|genes?|famil(y|ies)|hereditary)\b", re.I),
    "frequency": re.compile(
        r"\b(common|rare|affects? (about|approximately|an estimated)|percent|%|\d+ (in|out of) "
        r"\d+)\b",
        re.I,
    ),
}


def tells_a_medicine(text: str) -> bool:
    """Whether ``text`` tells a treatment or names a medicine, which answers "the medicine
    asked about": "Over-the-counter medicines may help", "Take ibuprofen …" (not care alone:
    "Drink small amounts of clear liquids to avoid dehydration")."""
    return TOPICS["treatment"].search(text) is not None or any(
        m.kind == "drug" for m in lexicon().find(text)
    )


# what tells an ask among another ask's answers, where that ask's own cues say less: a
# treatment answer tells the outlook where it says what treatment brings about, not where it
# watches ("Your doctor will monitor your blood levels") or lasts ("for 10 days")
_TOLD_CUES: dict[str, re.Pattern[str]] = {
    "outlook": re.compile(
        r"\b(prognosis|outlook|recover\w*|cur(e|es|ed)|go(es)? away|resolv\w*|clears? up)\b", re.I
    ),
}


def told_under(text: str, ask: str, section_ask: str | None) -> bool:
    """Whether ``text``, quoted under ``section_ask``, answers ``ask`` told there
    (:data:`TOLD_UNDER`): "Prevention involves the use of medications and behavioral changes"
    under migraine's treatment answers how to avoid the attacks, and "Antibiotics can cure
    most cases of Lyme disease" under its treatment (or the medicine asked about) tells the
    outlook."""
    return (
        section_ask is not None
        and TOLD_UNDER.get(cast(Ask, ask)) == _TOPIC_OF_ASK.get(section_ask, section_ask)
        and _TOLD_CUES.get(ask, _ASK_CUES[ask]).search(text) is not None
    )


def unanswered(
    asks: Sequence[AskName], sections: Sequence[tuple[str | None, Sequence[str]]]
) -> list[AskName]:
    """Of ``asks``, those that no section answers, given each section's ask and its
    sentences: a section with a sentence answers its own ask and what is told under it
    (:func:`told_under`); the medicine asked about is answered only by a sentence that tells
    a treatment or names a medicine (care alone, "Drink small amounts of clear liquids …", is
    none). The composer's conclusion and the answer check read the same."""
    answered: set[str] = set()
    for ask, texts in sections:
        if ask is None or not texts:
            continue
        answered.add(ask)
        answered.update(a for a in asks if any(told_under(t, a, ask) for t in texts))
    medicine = any(
        tells_a_medicine(t)
        for ask, texts in sections
        if ask in ANSWERED_BY["medication"]
        for t in texts
    )
    return [
        a
        for a in asks
        if not answered.intersection(ANSWERED_BY.get(a, (a,)))
        or (a == "medication" and not medicine)
    ]


def ask_of(text: str, asks: Sequence[str], focus_names: Sequence[str]) -> str | None:
    """The first of ``asks`` that ``text`` answers ("definition": it names the focus)."""
    for ask in asks:
        if ask == "definition":
            if names_any(text, focus_names):
                return ask
        elif ask in _ASK_CUES and _ASK_CUES[ask].search(text):
            return ask
    return None


_MAY_DEVELOP = r"(may|can|could|might|often|also|likely to) (develop|cause|lead to|trigger)"
# what comes without treatment: "Without treatment, FMF can lead to kidney failure", "diabetes
# that is not well managed causes serious damage to the eyes, …", "Hepatitis A usually gets
# better in a few weeks without treatment" (203 MedQuAD sentences had read as on treatment)
_UNTREATED = re.compile(
    r"\b(left untreated|untreated|if not treated|not (well |properly |adequately )?"
    r"(treated|managed|controlled)|poorly (managed|controlled)|uncontrolled|without treatment)\b",
    re.I,
)
# a condition's clause that sets the scene: "If you have an STD caused by bacteria, …"
_CONDITION = re.compile(r"^(?:if|when|whenever|unless|once)\b[^,;]{3,80},\s*", re.I)
# a medicine taken as what brings a condition on
_TAKING_CAUSES = re.compile(
    r"\b(taking|using|overuse of|use of) (\w+ ){0,2}(antibiotics|medicines?|medications?|"
    r"drugs?|steroids?|pills)\b[^.]{0,60}\b(cause|lead to|trigger|bring on)\b|"
    # "Medicines may cause dizziness, or problems with your ear", "Pregnancy, certain foods,
    # alcohol, and some medications can bring on heartburn" (not a treatment)
    r"\b(medicines|medications|drugs) (may|can|might|could|often) (also )?"
    r"(cause|lead to|trigger|bring on)\b",
    re.I,
)


_OPENS_ON_TOPIC = {
    topic: re.compile(
        rf"^(?:(?:some|the|common|other|possible|main|most common|known|usual)\s+)*(?:{nouns})\b",
        re.I,
    )
    for topic, nouns in (
        ("causes", "causes|risk factors"),
        ("symptoms", "symptoms|signs"),
        ("diagnosis", "tests|diagnosis"),
        ("treatment", "treatments?|therapy|therapies"),
        ("outlook", "prognosis|outlook"),
    )
}


def topic_by_cue(text: str, asks: Sequence[str], focus_names: Sequence[str]) -> str | None:
    """Of ``asks``, the one whose cue comes first in ``text`` ("The goals of treating anemia
    are to treat its underlying cause" is on treatment), but who "may develop" the focus is
    a cause, and what "may cause" it; "definition" when no cue is found and the text names
    the focus."""
    if "causes" in asks and (
        any(
            n and re.search(rf"\b{_MAY_DEVELOP}\W+(an? )?{re.escape(n)}\b", text, re.I)
            for n in focus_names
        )
        or _TAKING_CAUSES.search(text)
    ):
        # "People who get dialysis treatment may develop anemia", "Medicines may cause
        # dizziness", "If you are sick or taking antibiotics, it can multiply and cause an
        # infection" (yeast)
        return "causes"
    # a condition's clause sets the scene, the main clause says what the sentence tells: "If
    # you have an STD caused by bacteria or parasites, your health care provider can treat
    # it with antibiotics" is on treatment, "If you have a stone that won't pass on its own,
    # you may need treatment" is no outlook: where the main clause tells a topic, the
    # condition's cues do not count
    if (condition := _CONDITION.match(text)) and topic_by_cue(
        main := text[condition.end() :], _PRECEDENCE, ()
    ):
        return topic_by_cue(main, asks, focus_names)
    # a sentence that opens on a topic is on it: "Some causes of fainting include heat, …
    # certain medicines, …" is no treatment
    for topic, opening in _OPENS_ON_TOPIC.items():
        if opening.match(text):
            return topic if topic in asks else None
    cued = without_names(text, focus_names)  # (the focus's own name is no cue)
    # what comes without treatment is the outlook, not a treatment (see :data:`_UNTREATED`)
    untreated = _UNTREATED.search(cued)
    cued = _UNTREATED.sub(lambda m: " " * len(m.group()), cued, count=1)
    hits = [
        (m.start(), n, ask)
        for n, ask in enumerate(asks)
        if ask in _ASK_CUES and (m := _ASK_CUES[ask].search(cued))
    ]
    if untreated and "outlook" in asks:
        hits.append((untreated.start(), asks.index("outlook"), "outlook"))
    if hits:
        return min(hits)[2]
    return ask_of(text, ("definition",), focus_names) if "definition" in asks else None


# what having a condition raises the risk of, said of those who have it ("Women with PCOS are
# at higher risk of diabetes", "Ulcerative colitis also increases the risk of developing colon
# cancer"), not of their relatives: "having a close relative with Graves disease … likely
# increases a person's risk" is a risk factor
_RAISED_RISK = (
    r"(at (an? )?(higher|greater|increased) risk|"
    r"(raises?|increases?) (your |their |the |a person's )?risk)"
)
_FAMILY = (
    r"(relatives?|family members?|parents?|mother|father|siblings?|brothers?|sisters?|"
    r"child|children|twins?)( of (people|someone|a person))?"
)


_OF_FAMILY = re.compile(rf"\b{_FAMILY}\s*$", re.I)


def leads_to(text: str, focus_names: Sequence[str]) -> bool:
    """Whether ``text`` tells what having the focus raises the risk of: a complication, not
    a cause (see :data:`_RAISED_RISK`)."""
    for name in focus_names:
        if not name:
            continue
        opens, holder = _risk_patterns(name)
        if opens.match(text):
            return True
        if any(not _OF_FAMILY.search(text[: m.start()]) for m in holder.finditer(text)):
            return True
    return False


@lru_cache(maxsize=1024)
def _risk_patterns(name: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """:func:`leads_to`'s patterns for one name, compiled once (it reads every sentence of a
    page): the name opening the sentence, and those "with" it."""
    named = rf"(an? |the )?{re.escape(name)}s?\b"
    return (
        re.compile(rf"{named} (also |may |can )*{_RAISED_RISK}", re.I),
        re.compile(
            rf"\b(with|who have|who has|having) {named}[^.;]{{0,40}}?\b{_RAISED_RISK}", re.I
        ),
    )


def section_for(
    text: str,
    asked: Sequence[str],
    page: Sequence[str],
    focus_names: Sequence[str],
    answers: str | None = None,
    its_names: Sequence[str] = (),
) -> str | None:
    """The section a picked sentence goes under: of those ``asked``, the one it talks about
    first (a sentence that names the focus but tells its treatment goes under treatment, not
    under "what it is"); else the one its own answer's question asks (``answers``, on what
    that answer names ``its_names``), where it talks about that ("With early diagnosis and prompt
    treatment, most individuals recover from meningitis", from the answer on its outlook,
    is no test); else the first of the ``page``'s sections it talks about."""
    if leads_to(text, focus_names):  # (a complication tells what to expect, never a cause)
        return next((a for a in asked if a in ("outlook", "seriousness")), None) or (
            "outlook" if "outlook" in page else None
        )
    own = answers if answers in page else None
    found = topic_by_cue(text, asked, focus_names) or (own and ask_of(text, (own,), ()))
    if found:
        return found
    if own in TOLD_BY_ITS_ANSWER:
        # a step of a treatment or a test that tells nothing else is one of its answer's
        # ("The doctor injects a chemical solution into the blood vessel to shrink the
        # hemorrhoid", NIDDK on treating hemorrhoids, is no "what it is"), and what it
        # brings about is no cause ("The band cuts off circulation, causing the hemorrhoid to
        # shrink"); what says what the focus, or what its answer is on, is stays a definition
        # ("Hematuria is blood in the urine", from NIDDK's answer on treating hematuria)
        on_page = topic_by_cue(_EFFECT.sub("", text), page, focus_names)
        if on_page in (None, "definition") and not says_what_it_is(
            text, (*focus_names, *its_names)
        ):
            return own
        return on_page
    return topic_by_cue(text, page, focus_names)


# answers whose sentences tell their question's topic even with no cue of it: a treatment's
# or a test's steps
TOLD_BY_ITS_ANSWER = frozenset({"treatment", "diagnosis"})
# what the main clause brings about: ", causing the hemorrhoid to shrink"
_EFFECT = re.compile(r",\s+(causing|leading to|resulting in|which causes)\b[^,;]*(?=[.!?]?$)", re.I)


def names_any(text: str, names: Sequence[str]) -> bool:
    """Whether ``text`` names any of ``names`` (whole words, any case)."""
    return any(n and re.search(rf"\b{re.escape(n)}\b", text, re.I) for n in names)


# words before a condition's name that do not narrow it: "do fissures" (not "a mouth ulcer")
_NOT_A_MODIFIER_WORDS = """
a an the my his her their your our and or of do does did have has had with any some this that
these those about get got for
"""
_NOT_A_MODIFIER = frozenset(key_of(w) for w in _NOT_A_MODIFIER_WORDS.split())


def opens_with(text: str, names: Sequence[str]) -> bool:
    """Whether ``text`` opens with one of ``names`` as what it talks about: "Migraine
    headaches may last a day or more", "The flu can …"."""
    return after_opening(text, names) is not None


def says_what_it_is(text: str, names: Sequence[str]) -> bool:
    """Whether ``text`` opens by saying what one of ``names`` is: "Hemorrhoids are swollen
    blood vessels …", "Phaeohyphomycosis refers to …", "Having diarrhea means passing loose
    stools …" (not "An abscess occurs if pus forms in a cavity in the lung")."""
    return any(
        n and re.match(rf"(having )?{_opening(n)} (is|are|means|refers? to)\b", text, re.I)
        for n in names
    )


def after_opening(text: str, names: Sequence[str]) -> str | None:
    """What ``text`` says after the one of ``names`` it opens with and the word after it
    ("may last a day or more" of "Migraine headaches may last a day or more"); None when it
    opens with none of them."""
    for name in names:
        opening = name and re.match(rf"{_opening(name)}\b\W*\S*", text, re.I)
        if opening:
            return text[opening.end() :]
    return None


def _opening(name: str) -> str:
    """The pattern of ``name`` opening a sentence: "The flu", "Migraines", "An abscess"."""
    return rf"(the |an? )?{re.escape(name)}s?"


def named_in(source: Source, text: str) -> bool:
    """Whether ``text`` names the condition a source is on, or its head word unqualified or
    qualified alike: "do fissures" names "Anal Fissure", "a mouth ulcer" not "Peptic Ulcer",
    "an infection" not "Pinworm Infection" (a generic head word names no condition)."""
    name = _kind_name(source)
    if not name:
        return False
    words = key_of(text).split()
    if f" {name} " in f" {' '.join(words)} ":
        return True
    *modifiers, head = name.split()
    if modifiers and head in GENERIC:
        return False
    return any(
        word == head and (i == 0 or words[i - 1] in _NOT_A_MODIFIER or words[i - 1] in modifiers)
        for i, word in enumerate(words)
    )


def named_beside(source: Source, question: str, focus_names: Sequence[str]) -> bool:
    """Whether ``question`` names the condition ``source`` is on (:func:`named_in`) other
    than by a word that qualifies the focus's own name: "poison ivy" names no "Poisoning"
    (K-QA 76); the focus's head word names its kind ("genital warts" names "Warts"), but a
    Latin one none ("keratosis pilaris" names no "familial pityriasis rubra pilaris")."""
    heads = [n.split()[-1] for n in focus_names if names_any(question, [n])]
    return named_in(source, without_names(question, focus_names)) or any(
        english(head) and named_in(source, head) for head in heads
    )


def calls_it_its_own(source: Source, text: str) -> bool:
    """Whether ``text`` says what it speaks of is the condition its source is on: "A
    headache is considered hemicrania continua if …" is said of hemicrania continua, though it
    opens with "headache" (not "The ear infection otitis media can be a cause of long-term
    hearing loss", from the answer on hearing loss)."""
    name = _kind_name(source)
    said = f" {key_of(text)} "
    return (
        bool(name) and re.search(rf" {_CALLED}(?: an?| the)? {re.escape(name)} ", said) is not None
    )


# what says which condition something is: "is considered", "are called", "is diagnosed as"
# (as keys, stemmed like the names)
_CALLED = "(?:{})".format(
    "|".join(
        re.escape(key_of(f"{verb} {what}"))
        for verb in ("is", "are")
        for what in ("considered", "called", "known as", "diagnosed as", "classified as")
    )
)


def narrower(source: Source, focus_keys: set[str]) -> bool:
    """Whether a source is on a kind of the question's focus, named with more words:
    "familial hemiplegic migraine" (or GARD's "… type 1") for a question on migraine."""
    name = _kind_name(source)
    return any(k and name.endswith(f" {k}") for k in focus_keys)


def _kind_name(source: Source) -> str:
    """The key of a source's focus without the number of its type: GARD's "Familial
    hemiplegic migraine type 1" is familial hemiplegic migraine ("Hemophilia A" stays)."""
    return re.sub(r" (type [0-9a-z]+|[0-9]+[a-z]?)$", "", key_of(source.focus or ""))


def names_own(source: Source, text: str) -> bool:
    """Whether ``text`` names the condition its source is on, by any of its names."""
    said = f" {key_of(text)} "
    return any(f" {key} " in said for key in keys_of(source.focus or ""))


def of_a_rare_disease(source: Source, text: str, names: Sequence[str]) -> bool:
    """Whether ``text`` is from an answer on a rare or inherited disease (the archive's GARD
    and GHR collections, by their specialty) and names neither ``names`` (what the question
    asks about) nor that disease: "Facial muscle weakness can cause swallowing and speech
    difficulties" (oculopharyngeal muscular dystrophy) is said of its patients."""
    return on_a_rare_disease(source) and not names_any(text, names) and not named_in(source, text)


def on_a_rare_disease(source: Source) -> bool:
    """Whether ``source`` answers on a rare or inherited disease (GARD, GHR)."""
    return _RARE.search(source.specialty or "") is not None


_RARE = re.compile(r"\b(rare diseases|medical genetics)\b", re.I)


def said_of_own(source: Source, text: str, question: str, focus_keys: set[str]) -> bool:
    """Whether ``text`` names the condition its source is on, one whose names, as the text
    qualifies them, share no word (but "disease", "disorder" …) with ``question``, and that
    is no kind of the question's focus (``focus_keys``): "Treatment for opsoclonus myoclonus
    may include corticosteroids" is said of opsoclonus myoclonus, nothing on clobetasol
    ("Canker sores are …" is on the sores a question on esophagitis asks about, "… for ear
    barotrauma include chewing gum" on ear pain). A name the archive groups under ("Balance"
    of "Balance Problems") is no whole name."""
    if narrower(source, focus_keys):
        return False
    asked = set(key_of(question).split())
    # a pair by its first sentence: "Some medicines can cause daytime sleepiness. Thus, your
    # symptoms may be due to medicine, not narcolepsy." is on medicines
    said = key_of(next(iter(split_sentences(text)), text)).split()
    named = False
    keys = keys_of(source.focus or "")
    # by a whole name: not "balance" of "Balance Problems" ("… problems with your balance")
    for key in (k for k in keys if not any(o.startswith(f"{k} ") for o in keys)):
        words = key.split()
        for i in range(len(said) - len(words) + 1):
            if said[i : i + len(words)] == words:
                named = True
                qualified = set(words) | ({said[i - 1]} if i else set())
                if (qualified - GENERIC) & asked:
                    return False
    return named


# what an answer says of its own condition without naming it: "the lesions", "the infection"
# (not "the lesions of …", "the infection that …", "the rash in your …")
_ITS_OWN = re.compile(
    r"\bthe (infections?|disease|disorder|condition|illness|syndrome|lesions?|rash(es)?|"
    r"tumou?rs?|growths?|cysts?|bumps|patches|spots|ulcers?|sores?|blisters|nodules?)\b"
    r"(?! (of|in|on|with|by|that|which|caused|called|from|you|your)\b)|"
    # and "this condition": "Although the name of this condition implies that affected
    # individuals always have high levels of immunoglobulin M (IgM), …" (hyper-IgM syndrome)
    r"\bthis (disease|disorder|condition|syndrome)\b|"
    # and what was tried for it, in the few cases reported: "Topical retinoic acids, topical
    # steroids, … have been used without success" (Dowling-Degos disease), "Limited reports
    # indicate at least temporary therapeutic benefit with topical adapalene"
    r"\b(have|has|had) been (used|tried|reported)\b[^.]{0,60}\b(without|with (limited|little|"
    r"some|variable|mixed|varying)) (success|benefit|results)\b|"
    r"\b(case|limited|several|some|few) reports\b|"
    # and that there is no cure: "Neither an effective treatment nor cure is currently
    # available" (pseudopelade of Brocq), said beside Lyme disease
    r"\b(no (known |effective |specific )?(cure|treatment)|neither an? (\w+ )?treatment nor)\b|"
    # and its cases: "Most cases are associated with herpes simplex virus type I" (herpes
    # simplex encephalitis)
    r"^(most|many|some|few|all|other|rare) cases\b(?! of)|"
    # and its signs: "Symptoms may also include jaundice, and in severe cases, …"
    r"^(the )?(symptoms|signs)( and symptoms)? (may |can |often |usually )?(also )?include\b|"
    # and what it is about when it opens on its pain: "The pain gets worse over time" (not
    # "Ice can ease the pain", said of any pain)
    r"^the (pain|swelling|itching|symptoms|attacks|episodes)\b(?! (of|in|from|caused)\b)",
    re.I,
)


def of_its_own(source: Source, text: str, question: str) -> bool:
    """Whether ``text``, from an answer on another condition than the one ``question`` asks
    about, speaks of that condition's own lesions, infection or disease without naming it:
    "Very strong topical steroid creams … may be used to speed the disappearance of the
    lesions" (of granuloma annulare). A pair is read by its first sentence: the second naming
    the condition comes too late ("Most cases are associated with herpes simplex virus type I
    … It is poorly understood why some … develop herpes simplex encephalitis")."""
    first = next(iter(split_sentences(text)), text)
    return (
        bool(source.focus)
        and bool(_ITS_OWN.search(first))
        and not names_own(source, first)
        and not named_in(source, question)
    )


def look_alike(source: Source, text: str) -> bool:
    """Whether a source is on a condition that only looks like one ``text`` names: the same
    head word, qualified otherwise ("Necrotizing Fasciitis" beside "plantar fasciitis")."""
    name = key_of(source.focus or "")
    head = name.rsplit(" ", 1)[-1]
    return bool(head) and head in key_of(text).split() and not named_in(source, text)


def on_focus(source: Source, focus_keys: set[str]) -> bool:
    """Whether a source is about the question's focus (a source with no focus may be)."""
    return not source.focus or not keys_of(source.focus).isdisjoint(focus_keys)


def quoted(text: str, record_id: str) -> DraftSentence:
    return DraftSentence(text=text, origin="source", source_id=record_id)


def numbered(
    sections: list[Section], candidates: Sequence[Source]
) -> tuple[list[Section], list[Source]]:
    """Numbers the records that sentences quote by first use, and gives each cited record one
    source holding every passage the draft quotes from it (``candidates`` may repeat one)."""
    passages: dict[str, list[Passage]] = {}
    first: dict[str, Source] = {}
    for source in candidates:
        first.setdefault(source.record_id, source)
        have = passages.setdefault(source.record_id, [])
        have += [p for p in source.passages if p.text not in {h.text for h in have}]
    number: dict[str, int] = {}
    out = []
    for section in sections:
        sentences = []
        for sentence in section.sentences:
            rid = sentence.source_id
            if sentence.origin == "source" and rid is not None:
                n = number.setdefault(rid, len(number) + 1)
                sentence = sentence.model_copy(update={"citations": (n,)})
            sentences.append(sentence)
        out.append(section.model_copy(update={"sentences": tuple(sentences)}))
    sources = [
        first[rid].model_copy(update={"rank": n, "passages": tuple(passages[rid])})
        for rid, n in number.items()
    ]
    return out, sources


def section_of(sentence: str) -> str:
    if SEEK_CARE.search(sentence):
        return "seek_care"
    for name, pattern in TOPICS.items():
        if pattern.search(sentence):
            return name
    return "about"


# which topic a sentence is mainly about, when its words touch several
_PRECEDENCE = ("treatment", "diagnosis", "prevention", "causes", "outlook", "symptoms")
# the topic whose sentences answer an ask
_TOPIC_OF_ASK = {"medication": "treatment", "side_effects": "treatment", "seriousness": "outlook"}


def fits(sentence: str, ask: str, focus_names: Sequence[str] = ()) -> bool:
    """Whether a sentence of a general answer belongs under ``ask``'s heading: it talks
    about the ask, and not mainly about another topic: the topic it names first ("Most
    people with the flu recover on their own without medical care" is on the outlook,
    "Pain relievers can help" on treatment), of two named at once the one that comes
    first in ``_PRECEDENCE``. The focus's own name is no cue: "Fever also activates your
    body's immune system" is no symptom of fever. What having the focus raises the risk of
    (:func:`leads_to`), and what comes without treatment (:data:`_UNTREATED`), fit only its
    outlook."""
    if SEEK_CARE.search(sentence):
        return False
    if leads_to(sentence, focus_names) or _UNTREATED.search(sentence):
        return ask in ("outlook", "seriousness")
    sentence = without_names(sentence, focus_names)
    return ask_of(sentence, (ask,), ()) == ask and not on_other_topic(sentence, ask)


def without_names(text: str, names: Sequence[str]) -> str:
    """``text`` without ``names`` (whole words, any case)."""
    for name in names:
        if name:
            text = re.sub(rf"\b{re.escape(name)}\b", " ", text, flags=re.I)
    return text


def on_other_topic(sentence: str, ask: str) -> bool:
    """Whether a sentence talks mainly about a page topic other than the one answering
    ``ask`` (see :func:`fits`): "They can be symptoms of many different conditions" is on
    the symptoms, not on a medicine asked about."""
    wanted = _TOPIC_OF_ASK.get(ask, ask)
    topic = topic_by_cue(sentence, _PRECEDENCE, ())
    return topic is not None and topic != wanted and wanted in _PRECEDENCE
