"""Bulleted lists that were flattened into a sentence, written out as the sentence they stand for.

MedlinePlus's answers in MedQuAD lost their list markup: "Many things can trigger a migraine.
These include - Anxiety - Stress - Lack of food or sleep - Hormonal changes (in women) Doctors
used to believe …". The last item runs into the next sentence, so the list can be neither
quoted nor read. :func:`join_inline_lists` writes such a list as its sentence: "These include
anxiety, stress, lack of food or sleep, and hormonal changes (in women). Doctors used to
believe …". The words stay the source's; only the bullets become commas, an item's first
letter is lower-cased where it is a common word's capital (not a name the archive writes
capitalized, :mod:`assistant.knowledge.capitals`), and a full stop ends the list.

Every rule errs towards leaving the text as it is: a list is written out only after a phrase
that introduces one ("include", "such as", "are", a colon), with two items or more, each
short, none a sentence of its own and none glossed by a dash ("- Neuroblastoma - a cancer
of …"); and the last item ends only where a sentence visibly starts ("… skin Lab tests can
confirm that …" or the site's "NIH: …" credit). Anything else is left for the sentence
checks to keep out of quotes, as before.
"""

from __future__ import annotations

import re

from assistant.knowledge.capitals import is_name
from assistant.text import SENTENCE_OPENERS

# a phrase that introduces a run-in list ("Symptoms include"), then its first bullet
_CUE = r"\b(?:include|includes|including|included|such as|are|were|like):?"
_INTRO = re.compile(_CUE + r"\s+-\s+(?=[A-Z0-9(\"'])")
_BULLET = re.compile(r"\s+-\s+")
_MAX_ITEM_WORDS = 14
# an item's first word that is a common word's capital ("Anxiety", "Long-term"): lower-cased;
# "HIV", "Paget's", "B12", a name ("Wilson disease") and a Title-Case run keep theirs
_COMMON_CAPITAL = re.compile(r"(?:A|[A-Z][a-z]+(?:-[a-z]+)*),?")
# where the last item ends: a capitalized word ("A", "Lab", not "CJD") followed by a
# lower-case word ("… dark skin Lab tests can confirm …"), or the site's credit ("NIH: …")
_SENTENCE_START = re.compile(r"(?:A|[A-Z][a-z]+),?")
_CREDIT = re.compile(r"[A-Z]{2,}:")
_CUE_END = re.compile(_CUE + "$")


def join_inline_lists(line: str) -> str:
    """``line`` with each run-in bulleted list written out as a sentence (see the module)."""
    out = []
    rest = line
    while (intro := _INTRO.search(rest)) is not None:
        written = _written(rest[intro.end() :])
        if written is None:
            out.append(rest[: intro.end()])
            rest = rest[intro.end() :]
            continue
        items, tail = written
        lead = rest[: intro.start()] + intro.group().split("-")[0].rstrip()
        if lead.endswith(":") and re.search(r"\b(include|includes|are|were|such as)\s*:$", lead):
            lead = lead[:-1]  # "Symptoms include: - A - B" reads "Symptoms include a and b"
        out.append(f"{lead} {_series(items)}.")
        rest = f" {tail}" if tail else ""
    out.append(rest)
    return "".join(out)


def _written(text: str) -> tuple[list[str], str] | None:
    """The items of the list that ``text`` opens with and the text after it; None where it
    is not surely a list."""
    raw = _BULLET.split(text)
    items: list[str] = []
    for n, item in enumerate(raw):
        item = item.strip()
        if not item or not (item[0].isupper() or item[0].isdigit() or item[0] in "(\"'"):
            return None  # "- Neuroblastoma - a cancer of …": a dash that glosses
        cut = _sentence_after(item)
        if cut is not None:
            head, tail = item[:cut].rstrip(), item[cut:]
            if n + 1 < len(raw):
                # another list follows in the same line ("… - B Causes include - C")
                if not _CUE_END.search(tail.rstrip()):
                    return None
                tail = " - ".join([tail, *raw[n + 1 :]])
            items.append(head)
            return (items, tail) if _fits(items) else None
        if n + 1 < len(raw) and re.search(r"[.!?;:][\"')]*(?:\s|$)", item):
            return None  # an item that is sentences: "- Genetics. Many people with gout …"
        items.append(item)
    last = items[-1]
    if last[-1:] in ".!?":
        items[-1] = last[:-1]
    return (items, "") if _fits(items) else None


def _sentence_after(item: str) -> int | None:
    """Where a sentence starts inside an item, or None: the first capitalized word after a
    lower-case ending, followed by a lower-case word unless it opens sentences ("Most",
    "As"), whose rest is three words or more and ends a sentence; or a credit."""
    words = list(re.finditer(r"\S+", item))
    for k in range(1, len(words)):
        word, before = words[k].group(), words[k - 1].group()
        if _CREDIT.fullmatch(word):
            return words[k].start()
        if not _SENTENCE_START.fullmatch(word) or not re.search(r"[a-z0-9)%]$", before):
            continue
        following = words[k + 1].group() if k + 1 < len(words) else ""
        if not following[:1].islower() and word.rstrip(",").lower() not in SENTENCE_OPENERS:
            continue  # "… appetite As PH worsens": an opener may precede a name
        rest = item[words[k].start() :]
        first = re.split(r"(?<=[.!?])\s", rest, maxsplit=1)[0]
        if len(first.split()) >= 3 and first[-1:] in ".!?":
            return words[k].start()
        if _CUE_END.search(first.rstrip()):
            return words[k].start()  # the next list's intro
    return None


def _fits(items: list[str]) -> bool:
    return len(items) >= 2 and all(0 < len(i.split()) <= _MAX_ITEM_WORDS for i in items)


def _series(items: list[str]) -> str:
    """ "a, b, and c" (semicolons where an item holds a comma), first letters lower-cased
    where they are a common word's capital."""
    written = [_lower_first(i) for i in items]
    mark = "; " if any("," in i for i in written) else ", "
    if len(written) == 2:
        return f"{written[0]} and {written[1]}"
    return mark.join(written[:-1]) + f"{mark}and {written[-1]}"


def _lower_first(item: str) -> str:
    words = item.split()
    second = words[1] if len(words) > 1 else ""
    first = words[0].rstrip(",")
    if _COMMON_CAPITAL.fullmatch(words[0]) and not second[:1].isupper() and not is_name(first):
        return item[0].lower() + item[1:]
    return item


# a list whose items finish the sentence that introduces it: "People who might be at increased
# risk for insomnia include those who:" / "Have a lot of stress." / "Travel long distances
# with time changes."; "… your doctor may ask whether you:" / "Take any medicines …"; "This
# is more likely to occur if:" / "Your immune system is weak". An item read alone is no
# sentence, or reads as advice, or as a fact: it is never quoted.
_CLAUSE_INTRO = re.compile(r"\b(?:who|whose|if|you):\s*$", re.I)
_MAX_CLAUSE_ITEM_WORDS = 40  # a longer line after such a list is the answer going on


def without_clause_items(text: str) -> str:
    """``text`` without the items of each list that finishes its introducing sentence (see
    above); the introducing line stays, so what came before and after it stay apart."""
    out: list[str] = []
    items = False
    for line in text.split("\n"):
        words = len(line.split())
        if words > _MAX_CLAUSE_ITEM_WORDS:
            items = False
        if items and words:
            continue  # an item
        if _CLAUSE_INTRO.search(line):
            items = True
        out.append(line)
    return "\n".join(out)
