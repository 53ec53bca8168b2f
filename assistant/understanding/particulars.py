"""The patient's particulars in a question: age, sex, sizes, durations, what has been done."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from assistant.text import split_sentences

_AGE = re.compile(
    r"\b(\d{1,3}\s*(?:~|-|to)\s*\d{1,3}|\d{1,3})[- ]?(?:years?|yrs?|yo)[- ]?old\b|"
    r"\b(?:i am|i'm|im|aged?)\s+(\d{1,3})\b(?!\s*(?:cm|mm|kg|lbs?|%|weeks?|days?|months?))",
    re.I,
)
_SEX = (
    ("female", re.compile(r"\b(female|woman|girl|i'm pregnant|i am pregnant|my period)\b", re.I)),
    ("male", re.compile(r"\b(male|man|boy)\b", re.I)),
)
# a question about a child: "my 7-year-old son", "migraine in children", "can kids get …"
# (not "baby powder", nor "would it affect a baby if I got pregnant")
_CHILD = re.compile(
    r"\b(?:in|for|of) (?:young )?(?:children|kids|infants|babies|toddlers|newborns|teens|"
    r"teenagers|adolescents)\b|"
    r"\bmy (?:\w+[- ](?:year|month|week)s?[- ]old )?(?:little )?(?:son|daughter|child|kid|"
    r"baby|toddler|infant|newborn|boy|girl)\b|"
    r"\b(?:children|kids|infants|babies|toddlers|teenagers|adolescents)(?:'s?)? "
    r"(?:with|who|get|have|has|can|should|need)\b|"
    r"\b(?:a|the|your|our) (?:young )?child(?:'s)? (?:with|who|has|is|gets|can|should)\b|"
    # (not the patient's own childhood: "I had chickenpox as a child", "… in childhood")
    r"(?<!\bin )(?<!during )(?<!since )\bchildhood\b|\b(?:pediatric|paediatric)",
    re.I,
)
ADULT_AGE = 18
# a question a grown-up asks about themselves: "I am a healthy adult but my ALT is elevated …",
# "If I take a probiotic …" (not one that speaks of a pregnancy, breastfeeding or a baby: the
# baby is part of the question there, "would it affect a baby if I got pregnant?")
_ADULT = re.compile(r"\b(adults?|grown-ups?)\b", re.I)
_OWN = re.compile(r"\b(i|i'm|im|i've|ive|i'd|me|my|myself)\b", re.I)
# the words for young children, shared by the patterns below
_YOUNG_WORDS = (
    r"child|children|kids?|infants?|babies|baby|toddlers?|newborns?|pediatric\w*|paediatric\w*"
)
_BABY_TOO = re.compile(
    rf"\b(pregnan\w*|breast-?feed\w*|breastfed|nursing|conceiv\w*|{_YOUNG_WORDS}|sons?|"
    r"daughters?)\b",
    re.I,
)
# a sentence's words for children, and for grown-ups: "Migraine is three times more common in
# women than in men", "… after menopause" speak of adults; "Most adults should have their blood
# pressure checked at least once a year" is no rule for a child
_CHILDREN = re.compile(
    rf"\b({_YOUNG_WORDS}|childhood|teens?|teenagers?|adolescen\w+|boys?|girls?|young people)\b",
    re.I,
)
_GROWN_UPS = re.compile(
    r"\b(adults?|women|woman|men|man|elderly|older (adults|people|persons|individuals|women|men)|"
    r"seniors?|menopaus\w*|postmenopausal|pregnan\w*|grown-ups?)\b",
    re.I,
)
_SIZE = re.compile(r"\b\d+(?:[.,]\d+)?\s?(?:cm|mm|millimet\w+|centimet\w+|inch(?:es)?)\b", re.I)
_DURATION = re.compile(
    r"\b(?:for|since|about|over|past|last|in the past|the past)\s+(?:the\s+)?"
    r"(?:\d+|a|an|one|two|three|four|five|six|several|few|couple of)\s+"
    r"(?:\w+\s+)?(?:days?|weeks?|months?|years?|hours?)\b|"
    r"\b\d+\s+(?:days?|weeks?|months?|years?)\s+ago\b",
    re.I,
)
_DONE = re.compile(
    r"[^.!?\n]*\b(?:went to|had an? |had my|was (?:told|diagnosed|prescribed|given)|"
    r"the doctor said|my doctor (?:said|told|gave|prescribed)|i took|i've taken|i have taken|"
    r"i tried|i've tried|i am taking|i'm taking|currently taking|i've been taking)"
    r"[^.!?\n]*[.!?]?",
    re.I,
)


class Particulars(BaseModel):
    """What the patient told about themselves, as written."""

    model_config = ConfigDict(frozen=True)

    age: str | None = None
    sex: str | None = None
    sizes: tuple[str, ...] = ()
    durations: tuple[str, ...] = ()
    done: tuple[str, ...] = ()
    child: bool = False  # the question is about a child (by its words, or an age under 18)
    adult: bool = False  # … about a grown-up: an age of 18 or over, or the asker's own case

    @property
    def empty(self) -> bool:
        return not (self.age or self.sex or self.sizes or self.durations or self.done)


def particulars_of(
    question: str, age_range: str | None = None, sex: str | None = None
) -> Particulars:
    """Age and sex (the asker line's, else the question's), sizes, durations, the
    sentences saying what was done already (tests, visits, medicines), and whether it is
    about a child or a grown-up."""
    age = age_range
    if age is None:
        match = _AGE.search(question)
        age = (match.group(1) or match.group(2)) if match else None
    if sex is None:
        sex = next((name for name, pattern in _SEX if pattern.search(question)), None)
    done = tuple(dict.fromkeys(" ".join(m.group().split()) for m in _DONE.finditer(question)))
    child = _about_a_child(question, age_range)
    return Particulars(
        age=age,
        sex=sex,
        sizes=tuple(dict.fromkeys(" ".join(m.group().split()) for m in _SIZE.finditer(question))),
        durations=tuple(
            dict.fromkeys(" ".join(m.group().split()) for m in _DURATION.finditer(question))
        ),
        done=tuple(d for d in done if len(d.split()) >= 3)[:3],
        child=child,
        adult=not child and _about_a_grown_up(question, age_range),
    )


def _about_a_child(question: str, age_range: str | None) -> bool:
    """Whether the question is about a child: an age it states under 18 ("my 7 year old
    son", "I am 16"), none of 18 or over ("my 30 year old son"), else its words ("migraine
    in children") or the asker's age range."""
    stated = [m.group(1) or m.group(2) for m in _AGE.finditer(question)]
    if stated:
        return any(_under(age, ADULT_AGE) for age in stated)
    return bool(_CHILD.search(question)) or _under(age_range, ADULT_AGE)


def _about_a_grown_up(question: str, age_range: str | None) -> bool:
    """Whether a question (not about a child) is about a grown-up: an age it states or the
    asker's age range of 18 or over, "adult", or the asker's own case ("I", "my") where it
    names no baby, child or pregnancy."""
    stated = [m.group(1) or m.group(2) for m in _AGE.finditer(question)]
    if any(_at_least(age, ADULT_AGE) for age in [*stated, age_range]):
        return True
    if _BABY_TOO.search(question):
        return False
    return bool(_ADULT.search(question) or _OWN.search(question))


def _at_least(age: str | None, years: int) -> bool:
    """Whether an age as written ("34", "40~49") is ``years`` or over throughout."""
    ages = [int(n) for n in re.findall(r"\d+", age or "")]
    return bool(ages) and min(ages) >= years


def _under(age: str | None, years: int) -> bool:
    """Whether an age as written ("7", "10-19", "30 to 39") is below ``years`` throughout."""
    ages = [int(n) for n in re.findall(r"\d+", age or "")]
    return bool(ages) and max(ages) < years


def of_adults_only(text: str) -> bool:
    """Whether ``text`` speaks of grown-ups and of no child: for a question about a child,
    it tells of someone else (not so an aside in brackets: "… and hormonal changes (in
    women)")."""
    said = re.sub(r"\([^()]*\)", "", text)
    return bool(_GROWN_UPS.search(said)) and not _CHILDREN.search(text)


# a sentence's words for children that a grown-up's question does not need: "Infection with the
# rotavirus is the most common cause of acute diarrhea in children", "Your child will need to
# take antibiotics …" (not the grown-up's own childhood: "If you had chickenpox as a child",
# "… the one that gave you chickenpox when you were a child")
_YOUNG = re.compile(
    rf"(?<!\bas a )(?<!\bwere a )(?<!\bwas a )(?<!\bas )(?<!\bwere )\b({_YOUNG_WORDS})\b", re.I
)


# anyone, grown-ups among them: "A person with a shingles rash can pass the virus to someone,
# usually a child, who has never had chickenpox" tells a grown-up what they can pass on
_ANYONE = re.compile(r"\b(a person|persons|people|anyone|everyone|everybody)\b", re.I)


def of_children_only(text: str) -> bool:
    """Whether ``text`` speaks of children and of no grown-up: for a grown-up's question, it
    tells of someone else ("Children should have their blood pressure checked starting at 3
    years of age"; not "Medications to treat diarrhea in adults can be dangerous for infants
    and children")."""
    return bool(_YOUNG.search(text)) and not (_GROWN_UPS.search(text) or _ANYONE.search(text))


def of_another_age(text: str, particulars: Particulars) -> bool:
    """Whether ``text`` speaks only of people of another age than the one the question is
    about: grown-ups for a child, children for a grown-up; False where it is about neither."""
    if particulars.child:
        return of_adults_only(text)
    return particulars.adult and of_children_only(text)


def for_their_age(text: str, particulars: Particulars) -> str:
    """``text``'s sentences before the first that speaks only of people of another age (see
    :func:`of_another_age`): all of it, or its first sentences ("Talk with your doctor about
    how often you should have your blood pressure checked." without "Children also can develop
    high blood pressure, …" for a grown-up), or "" where the first one does."""
    if not (particulars.child or particulars.adult):
        return text
    sentences = split_sentences(text)
    kept = []
    for sentence in sentences:
        if of_another_age(sentence, particulars):
            break
        kept.append(sentence)
    return text if len(kept) == len(sentences) else " ".join(kept)


# topics of one sex, or one age, by their titles: "Prostate Cancer", "Ovarian Cancer",
# "Childhood Vascular Tumors", "Adult Soft Tissue Sarcoma" ("cervical" alone is also the neck's)
_MEN_ONLY = re.compile(r"\b(prostat\w*|testic\w*|testes|scrot\w*|penile|penis|erectile)\b", re.I)
_WOMEN_ONLY = re.compile(
    r"\b(ovar\w*|uter\w*|cervix|cervical cancer|vagin\w*|vulv\w*|endometri\w*|fallopian|"
    r"menstrua\w*|menopaus\w*|pregnan\w*)\b",
    re.I,
)
_CHILDREN_ONLY = re.compile(
    r"^childhood\b|\b(in (children|infants|babies|newborns)|pediatric|paediatric|neonatal)\b", re.I
)
_ADULTS_ONLY = re.compile(r"^adult\b|\bin adults\b", re.I)


def for_another_patient(title: str, particulars: Particulars) -> bool:
    """Whether a topic is, by its title, for patients of another sex or age than the
    question's: "Prostate Enlargement" for a woman, "Childhood Vascular Tumors" for a
    grown-up, "Adult Soft Tissue Sarcoma" for a child; False where the question does not
    say."""
    sex = (particulars.sex or "").strip().lower()[:1]  # "female", "F", "woman"; "male", "M"
    return bool(
        (sex in ("f", "w") and _MEN_ONLY.search(title))
        or (sex == "m" and _WOMEN_ONLY.search(title))
        or (particulars.adult and _CHILDREN_ONLY.search(title))
        or (particulars.child and _ADULTS_ONLY.search(title))
    )


def measured(question: str, name: str) -> bool:
    """Whether ``question`` gives ``name`` as a measured level, a test's result, not a
    medicine taken: "Is low lipase related to pancreatic cancer …?", "my potassium level is
    high" (not "Can I take ibuprofen?")."""
    said = re.escape(name)
    return bool(
        re.search(
            rf"\b(low|high|elevated|raised|decreased|increased|abnormal)\s+{said}\b|"
            rf"\b{said}\s+(levels?|counts?|results?|readings?)\b",
            question,
            re.I,
        )
    )


def names_children(text: str) -> bool:
    """Whether ``text`` speaks of children ("Migraine in children", "… in adolescent girls")."""
    return bool(_CHILDREN.search(text))
