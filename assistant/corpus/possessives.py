"""Apostrophes that MedQuAD's text lost: "the bodys immune system", "a persons risk", "a mans
daily life". :func:`restore_possessives` puts back the ones it is sure of:

- a word that is no English word without its apostrophe: bodys, babys, familys, childs,
  womans, childrens, womens;
- a possessor after a singular determiner ("a persons risk", "each patients chart", "a mans
  life"): "a persons" is not English either;
- "the patients health" and the like: a possessor before a noun it commonly possesses
  (health, body, immune, risk …), where a verb cannot be meant.

"the patients need …" (a verb) and "the doctors" (a plural) are left alone.
"""

from __future__ import annotations

import re

_NO_WORD = {
    "bodys": "body's",
    "babys": "baby's",
    "familys": "family's",
    "childs": "child's",
    "womans": "woman's",
    "childrens": "children's",
    "womens": "women's",
}
_POSSESSORS = "person|patient|man|woman|child|baby|mother|father|doctor|individual|fetus|infant"
_POSSESSED = (
    "health|body|immune|condition|age|own|life|quality|blood|family|risk|ability|medical|"
    "overall|mental|physical|skin|heart|brain|history|weight|response|prognosis|survival|"
    "chances?|care|eyes?|lungs?|liver|kidneys?|cells|tissues|daily|general|sex|bones|muscles|"
    "nervous|ears?|hands?|feet|legs?|arms?|face|teeth|mouth|stomach|bladder"
)
_NO_WORD_RE = re.compile(rf"\b({'|'.join(_NO_WORD)})\b", re.IGNORECASE)
_AFTER_SINGULAR = re.compile(rf"\b((?:[Aa]n?|[Ee]ach|[Ee]very|[Aa]nother) )({_POSSESSORS})s\b")
_BEFORE_POSSESSED = re.compile(
    rf"\b((?:[Tt]he|[Yy]our|[Hh]is|[Hh]er|[Tt]heir|[Mm]y) )({_POSSESSORS})s (?=(?:{_POSSESSED})\b)"
)


def restore_possessives(text: str) -> str:
    """``text`` with the lost apostrophes put back where they surely were (see the module)."""
    text = _NO_WORD_RE.sub(_same_case, text)
    text = _AFTER_SINGULAR.sub(lambda m: f"{m.group(1)}{m.group(2)}'s", text)
    return _BEFORE_POSSESSED.sub(lambda m: f"{m.group(1)}{m.group(2)}'s ", text)


def _same_case(match: re.Match[str]) -> str:
    word = match.group()
    fixed = _NO_WORD[word.lower()]
    return fixed[0].upper() + fixed[1:] if word[0].isupper() else fixed
