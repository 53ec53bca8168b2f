"""The patient's particulars in a question: age, sex, sizes, durations, what has been done."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

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
# a sentence's words for children, and for grown-ups: "Migraine is three times more common in
# women than in men", "… after menopause" speak of adults; "Most adults should have their blood
# pressure checked at least once a year" is no rule for a child
_CHILDREN = re.compile(
    r"\b(child|children|childhood|kids?|infants?|babies|baby|toddlers?|newborns?|teens?|"
    r"teenagers?|adolescen\w+|boys?|girls?|pediatric\w*|paediatric\w*|young people)\b",
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

    @property
    def empty(self) -> bool:
        return not (self.age or self.sex or self.sizes or self.durations or self.done)


def particulars_of(
    question: str, age_range: str | None = None, sex: str | None = None
) -> Particulars:
    """Age and sex (the asker line's, else the question's), sizes, durations, the
    sentences saying what was done already (tests, visits, medicines), and whether it is
    about a child."""
    age = age_range
    if age is None:
        match = _AGE.search(question)
        age = (match.group(1) or match.group(2)) if match else None
    if sex is None:
        sex = next((name for name, pattern in _SEX if pattern.search(question)), None)
    done = tuple(dict.fromkeys(" ".join(m.group().split()) for m in _DONE.finditer(question)))
    return Particulars(
        age=age,
        sex=sex,
        sizes=tuple(dict.fromkeys(" ".join(m.group().split()) for m in _SIZE.finditer(question))),
        durations=tuple(
            dict.fromkeys(" ".join(m.group().split()) for m in _DURATION.finditer(question))
        ),
        done=tuple(d for d in done if len(d.split()) >= 3)[:3],
        child=_about_a_child(question, age_range),
    )


def _about_a_child(question: str, age_range: str | None) -> bool:
    """Whether the question is about a child: an age it states under 18 ("my 7 year old
    son", "I am 16"), none of 18 or over ("my 30 year old son"), else its words ("migraine
    in children") or the asker's age range."""
    stated = [m.group(1) or m.group(2) for m in _AGE.finditer(question)]
    if stated:
        return any(_under(age, ADULT_AGE) for age in stated)
    return bool(_CHILD.search(question)) or _under(age_range, ADULT_AGE)


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


def names_children(text: str) -> bool:
    """Whether ``text`` speaks of children ("Migraine in children", "… in adolescent girls")."""
    return bool(_CHILDREN.search(text))
