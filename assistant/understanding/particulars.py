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

    @property
    def empty(self) -> bool:
        return not (self.age or self.sex or self.sizes or self.durations or self.done)


def particulars_of(
    question: str, age_range: str | None = None, sex: str | None = None
) -> Particulars:
    """Age and sex (the asker line's, else the question's), sizes, durations, and the
    sentences saying what was done already (tests, visits, medicines)."""
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
    )
