"""Bulleted lists that were flattened into a sentence, written out as the sentence they stand for.

MedlinePlus's answers in MedQuAD lost their list markup: "Many things can trigger a migraine.
These include - Anxiety - Stress - Lack of food or sleep - Hormonal changes (in women) Doctors
used to believe …". The last item runs into the next sentence, so the list can be neither
quoted nor read. :func:`join_inline_lists` writes such a list as its sentence: "These include
anxiety, stress, lack of food or sleep, and hormonal changes (in women). Doctors used to
believe …". The words stay the source's; only the bullets become commas, an item's first
letter is lower-cased where it is a common word's capital (not a name the archive writes
capitalized, :mod:`assistant.knowledge.capitals`), and a full stop ends the list.

Warning signs and steps are written out the same way: "You should seek medical care quickly if
you have - Sudden fever - A stiff neck" reads "… if you have sudden fever or a stiff neck."
(NCI's items, each ending in a full stop, too), and "To prevent it - Keep your feet clean -
Wear clean socks" reads "To prevent it, keep your feet clean and wear clean socks."

Every rule errs towards leaving the text as it is: a list is written out only after a phrase
that introduces one ("include", "such as", "are", "if you have", a sentence opening "To
prevent …" before steps to take, a colon), with two items or more, each
short, none a sentence of its own and none glossed by a dash ("- Neuroblastoma - a cancer
of …"); and the last item ends only where a sentence visibly starts ("… skin Lab tests can
confirm that …", the site's "NIH: …" credit, or one without a colon: "Centers for Disease
Control and Prevention"). A list left bulleted gets only a full stop where the next sentence
visibly starts in its last item. Anything else is left for the sentence
checks to keep out of quotes, as before.
"""

from __future__ import annotations

import re
from itertools import pairwise

from assistant.knowledge.capitals import is_name
from assistant.text import SENTENCE_OPENERS

# a phrase that introduces a run-in list ("Symptoms include"), then its first bullet; the
# items of a list after "if you have" finish that clause, so each may end in a full stop
# ("Check with your doctor if you have any of the following: - Fever. - Night sweats.")
_HAVE = (
    r"(?:if|when|who|whether)\s+(?:you|your child|they)\s+"
    r"(?:have|has|had|notice|develop|get|experience)(?:\s+any of the following)?"
)
# a sentence that opens on what the steps listed are for: "To prevent it - Keep your feet
# clean, dry, and cool - Wear clean socks …" reads "To prevent it, keep your feet …"
_PURPOSE = (
    r"(?:(?<=^)|(?<=[.!?] ))To (?:help )?(?:prevent|reduce|lower|protect|keep|stay|avoid)\b"
    r"[^.:;!?]{0,60}?[:,]?"
)
_CUE = (
    r"(?:\b(?:include|includes|including|included|such as|are|were|like|"
    + _HAVE
    + r"):?|"
    + _PURPOSE
    + ")"
)
_INTRO = re.compile(_CUE + r"\s+-\s+(?=[A-Z0-9(\"'])")
_HAVE_END = re.compile(r"\b" + _HAVE + r":?\s+-\s+$")
_PURPOSE_START = re.compile(_PURPOSE)
# what opens no step: "To prevent it - Your doctor …" is no list of things to do
_NO_STEP_TEXT = "a an the your my his her their its it they you this these those some"
_NO_STEP = frozenset(_NO_STEP_TEXT.split())
_BULLET = re.compile(r"\s+-\s+")
_MAX_ITEM_WORDS = 16
# an item's first word that is a common word's capital ("Anxiety", "Long-term"): lower-cased;
# "HIV", "Paget's", "B12", a name ("Wilson disease") and a Title-Case run keep theirs
_COMMON_CAPITAL = re.compile(r"(?:A|[A-Z][a-z]+(?:-[a-z]+)*|[A-Z][a-z]*n't),?")
# where the last item ends: a capitalized word ("A", "Lab", not "CJD") followed by a
# lower-case word ("… dark skin Lab tests can confirm …"), or the site's credit ("NIH: …")
_SENTENCE_START = re.compile(r"(?:A|[A-Z][a-z]+),?")
_CREDIT = re.compile(r"[A-Z]{2,}:")
_CUE_END = re.compile(_CUE + "$")
# MedlinePlus's credit without a colon, ending the answer: "Centers for Disease Control and
# Prevention", "Food and Drug Administration"
_NAME_WORD = r"(?:[A-Z][\w.'&-]*,?|for|and|of|on|the|in|to)"
_AGENCY = re.compile(
    r"\s((?:Centers|Food|Environmental|Federal|Agency|Dept\.|Department|National|United|Office)"
    rf"(?:\s{_NAME_WORD})+)$"
)


def join_inline_lists(line: str) -> str:
    """``line`` with each run-in bulleted list written out as a sentence (see the module)."""
    out = []
    rest = line
    while (intro := _INTRO.search(rest)) is not None:
        stopped = _HAVE_END.search(intro.group()) is not None
        steps = _PURPOSE_START.match(intro.group()) is not None
        written = _written(rest[intro.end() :], stopped)
        if written is not None and steps:
            written = written if all(_is_step(i) for i in written[0]) else None
        if written is None:
            out.append(rest[: intro.end()])
            rest = rest[intro.end() :]
            continue
        items, tail = written
        lead = rest[: intro.start()] + intro.group().split(" -")[0].rstrip()
        if steps:
            lead = lead.rstrip(":,") + ","  # "To prevent botulism: - Be …" reads "…, be …"
        elif lead.endswith(":") and not lead.endswith("following:"):
            lead = lead[:-1]  # "Symptoms include: - A - B" reads "Symptoms include a and b"
        out.append(f"{lead} {_series(items, 'or' if stopped else 'and')}.")
        rest = f" {tail}" if tail else ""
    out.append(rest)
    return _last_item_ended("".join(out))


def _last_item_ended(line: str) -> str:
    """``line`` with the last item of a list left bulleted ended by a full stop where the next
    sentence visibly starts in it: "… - Yeast infections in your bloodstream can be
    life-threatening Antifungal medicines get rid of …" reads "… life-threatening.
    Antifungal medicines get rid of …"."""
    bullets = list(_BULLET.finditer(line))
    if len(bullets) < 2:
        return line
    # (NCI's items end in full stops: the last ends at its own)
    items = [line[a.end() : b.start()].rstrip() for a, b in pairwise(bullets)]
    if all(item.endswith(".") for item in items):
        return line
    at = bullets[-1].end()
    last = line[at:]
    cut = _sentence_after(last) if last[:1].isupper() else None
    if cut is None:
        return line
    head = last[:cut].rstrip()
    if (
        "." in head
        or not re.search(r"[a-z0-9)]$", head)
        or head.split()[-1] in _NO_STEP
        or len(head.split()) > _MAX_ITEM_WORDS
        # not inside a title or a name: "Cigarette Smoking: Health Risks …", "…-resistant
        # Staphylococcus aureus"
        or head.split()[-1][:1].isupper()
        or is_name(last[cut:].split()[0].rstrip(",:"))
    ):
        return line
    return f"{line[:at]}{head}. {last[cut:]}"


def _written(text: str, stopped: bool = False) -> tuple[list[str], str] | None:
    """The items of the list that ``text`` opens with and the text after it; None where it
    is not surely a list. ``stopped``: each item may end in a full stop."""
    raw = _BULLET.split(text)
    # items that each end in a full stop ("- Fever. - Night sweats."): the last ends at its first
    dotted = len(raw) > 1 and all(item.rstrip().endswith(".") for item in raw[:-1])
    items: list[str] = []
    for n, item in enumerate(raw):
        item = item.strip()
        if not item or not (item[0].isupper() or item[0].isdigit() or item[0] in "(\"'"):
            return None  # "- Neuroblastoma - a cancer of …": a dash that glosses
        if stopped and dotted:
            head, _, after = item.partition(". ")
            if after:
                if n + 1 < len(raw):
                    return None  # "- A lump that keeps getting bigger. It may be painful."
                items.append(head)  # "- Night sweats. Sometimes CML does not cause …"
                return (items, after) if _fits(items) else None
            item = item.removesuffix(".")
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
    last, tail = items[-1], ""
    credit = _AGENCY.search(last)
    if credit is not None and not re.search(
        r"\b(?:an?|the|of|for|and|in|to|on)$", last[: credit.start()]
    ):
        last, tail = last[: credit.start()], credit.group(1)  # "… wounds Centers for Disease …"
    if last[-1:] in ".!?":
        last = last[:-1]
    items[-1] = last
    return (items, tail) if _fits(items) else None


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
        if word == "A" and before[:1].isupper():
            continue  # "Vitamin A", "Hepatitis A"
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


def _is_step(item: str) -> bool:
    return item.split()[0].lower() not in _NO_STEP


def _fits(items: list[str]) -> bool:
    """Two items or more, each of at most ``_MAX_ITEM_WORDS`` outside its brackets: "Scaly,
    red, or swollen skin on the breast, nipple, or areola (the dark area of skin …)"."""
    return len(items) >= 2 and all(
        0 < len(re.sub(r"\([^()]*\)", "", i).split()) <= _MAX_ITEM_WORDS for i in items
    )


def _series(items: list[str], conjunction: str = "and") -> str:
    """ "a, b, and c" (semicolons where an item holds a comma; "or" after "if you have"),
    first letters lower-cased where they are a common word's capital."""
    written = [_lower_first(i) for i in items]
    mark = "; " if any("," in i for i in written) else ", "
    if len(written) == 2:
        return f"{written[0]} {conjunction} {written[1]}"
    return mark.join(written[:-1]) + f"{mark}{conjunction} {written[-1]}"


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


# NIDDK's answers give a list a paragraph of its own after the line that introduces it, its
# bullets on one line: "Some common symptoms of hypothyroidism are" / "- fatigue - weight gain
# - a puffy face …"; read apart, the introduction is no sentence and the items none either
_PARAGRAPH_CUE = re.compile(r"\b(?:include|includes|including|such as|are|were):?\s*$")


def join_paragraph_lists(text: str) -> str:
    """``text`` with each list that stands on a line of its own after its introducing line
    written out as that line's sentence: "Some common symptoms of hypothyroidism are fatigue;
    weight gain; …; and slowed heart rate." Left as it is unless every item is short and
    none is a sentence."""
    if "\n-" not in text and "\n -" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        at = i + 1
        while at < len(lines) and not lines[at].strip():
            at += 1  # (a blank line between)
        written = (
            _paragraph_list(line, lines[at].strip())
            if at < len(lines) and _PARAGRAPH_CUE.search(line)
            else None
        )
        if written is None:
            out.append(line)
            i += 1
            continue
        out.append(written)
        i = at + 1
    return "\n".join(out)


def _paragraph_list(lead: str, bullets: str) -> str | None:
    """``lead`` and the list on the line after it as one sentence; None where ``bullets`` is
    no list of short items."""
    if not bullets.startswith("- "):
        return None
    items = [i.strip() for i in _BULLET.split(bullets[2:].strip())]
    if items and items[-1].endswith("."):
        items[-1] = items[-1][:-1]
    if not _fits(items) or any(re.search(r"[.!?;:]\s", i) for i in items):
        return None
    lead = lead.rstrip()
    lead = lead[:-1] if lead.endswith(":") and not lead.endswith("following:") else lead
    return f"{lead} {_series(items)}."
