"""Whether a sentence says what a term is: "Fat necrosis is …", "A lipoma is …", "… a
condition called calcinosis", "Diverticulitis occurs when …"."""

from __future__ import annotations

import re

import Stemmer

_STEM = Stemmer.Stemmer("english")
_WORD = re.compile(r"[A-Za-z]+")
# what says what a term is: "is", "refers to", "occurs when …" (not "Pericarditis occurs in
# people of all ages", which says who gets it), "can be a …" (not "can be caused by …")
_COPULA = re.compile(
    # (not what is done to it or by what: "HPV infection is spread mainly through sexual
    # contact", "Gout is caused by …"; but "is called", "is defined as", "are characterized by")
    r"^(?!(?:is|are)\s+(?:\w+ly\s+)?(?!called|known|defined|characterized|marked|described)"
    r"(?:\w{3,}ed|spread|made|found|seen|given|thought|passed|caught|shown|done|taken|known)"
    r"\s+(?:\w+ly\s+)?(?:by|through|via|from|in|to|when|if|with|during|after|among)\b)"
    r"(?:is|are|means|refers? to|describes?|"
    r"(?:happens|occurs|develops|forms)\s+(?:when|if|because|as)|"
    r"(?:can|may) be (?:an?|described|defined|thought of))\b",
    re.I,
)
_NAMED = re.compile(r"\b(?:called|known as|termed)\s*$", re.I)
_ASIDE = re.compile(r"^\s*(?:\([^)]{0,80}\)|,[^,]{0,80},)")  # "(FN)", ", or calcium deposits,"
_OPENER = re.compile(r"^(?:an?|the)\s+", re.I)


def _stems(text: str) -> list[str]:
    return list(_STEM.stemWords([w.lower() for w in _WORD.findall(text)]))


def _variants(term: str) -> list[list[str]]:
    """The term's stems, then its medical head word alone ("echogenic lesions" -> "echogenic")."""
    stems = _stems(term)
    out = [stems]
    if len(stems) > 1:
        longest = max(term.split(), key=len)
        out.append(_stems(longest))
    return out


def defines(sentence: str, term: str) -> bool:
    """Whether ``sentence`` says what ``term`` is: "Fat necrosis is …", "A lipoma is …",
    "… a condition called calcinosis"."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(sentence)]
    stems = _STEM.stemWords([w.lower() for _, _, w in words])
    for variant in _variants(term):
        n = len(variant)
        for i in range(len(stems) - n + 1):
            if stems[i : i + n] != variant:
                continue
            before = sentence[: words[i][0]]
            after = _ASIDE.sub("", sentence[words[i + n - 1][1] :]).lstrip(" ,)")
            if i <= 2 and (_OPENER.sub("", before).strip() == "") and _COPULA.match(after):
                return True
            if _NAMED.search(before):
                return True
    return False


__all__ = ["defines"]
