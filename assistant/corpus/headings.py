"""Section headings and repeated lists in explanations that were flattened from HTML.

MedQuAD's answers (NIHSeniorHealth and CancerGov above all) lost their markup on the way
to plain text: a heading runs into the sentence after it ("Risk Factors These risk factors
are associated with gout."), and a bulleted list is often there twice, once with its
bullets and once without ("- Genetics. Many people with gout … Genetics. Many people …").

``split_headings`` drops the repeats and puts each heading it is sure of on a line of its
own (the sentence splitter in :mod:`assistant.text` makes every line its own unit);
``is_heading`` tells a heading line from a sentence, so that a heading is kept as a section
cue and never quoted as a sentence.

Being sure means: the heading starts a line or follows the end of a sentence, is a short
run of Title-Case words (or a short Title-Case question, "Who is at Risk?"), and the
sentence after it visibly starts afresh: with a word that opens sentences ("These", "Most",
"In"), with the heading said again ("High Blood Pressure High blood pressure is …"), or
with the record's title ("Sudden, Intense Joint Pain Gout is …"). A Title-Case subject is
not a heading: where the title, or two words used together elsewhere in the text, would be
cut apart ("Adult Acute Lymphoblastic Leukemia is …"), nothing is cut. A missed heading
costs little and a false cut breaks a sentence, so every rule errs towards leaving the text
as it is.

A sentence that lost its full stop ("… affects the genital area Some people have no …") is
cut the same way, where a lower-case word runs into a capitalized word that opens sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from functools import cached_property
from itertools import islice
from typing import NamedTuple

from assistant.corpus.lists import join_inline_lists, join_paragraph_lists, without_clause_items
from assistant.corpus.possessives import restore_possessives
from assistant.text import ABBREVIATIONS, SENTENCE_OPENERS

# lowercase words a Title-Case heading may hold ("Stages of Gout", "Who is at Risk?")
_SMALL = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "nor",
        "but",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "without",
        "by",
        "from",
        "as",
        "vs",
        "via",
        "per",
        "into",
        "onto",
        "upon",
        "than",
        "over",
        "after",
        "before",
        "about",
        "is",
        "are",
        "be",
    ]
)
# openers that may start the sentence before a capitalized name ("When COPD is severe")
_CLAUSE_OPENERS = frozenset(
    [
        "when",
        "whenever",
        "while",
        "although",
        "though",
        "because",
        "before",
        "after",
        "since",
        "until",
        "unless",
        "once",
        "if",
        "as",
        "the",
        "this",
        "these",
        "those",
        "that",
        "most",
        "many",
        "some",
        "all",
        "each",
        "every",
        "in",
        "for",
        "with",
        "during",
    ]
)
# after "A" these make it a name's letter ("Vitamin A is …", "Hepatitis A and B …")
_NOT_AFTER_ARTICLE = frozenset(
    ["is", "are", "was", "were", "and", "or", "can", "may", "has", "have", "will"]
)
_BULLETS = frozenset({"-", "•", "*", "\u2013"})
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*$")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+")
_INITIALS = re.compile(r"(?:[a-z]\.)*[a-z]")
_MAX_HEADING_WORDS = 10
_MAX_HEADING_CHARS = 80
_MAX_QUESTION_WORDS = 6
_MIN_REPEAT_WORDS = 4
_MAX_REPEAT_WORDS = 600


def split_headings(text: str, title: str | Iterable[str | None] | None = None) -> str:
    """``text`` with repeated list copies dropped and each glued heading on its own line.

    ``title`` is the record's title or focus (or both): a sentence that opens with it after
    a Title-Case run marks the run as a heading, and no cut is made inside it. Apart from
    the dropped repeats only whitespace changes: a space before and after a heading becomes
    a newline, the apostrophes the text lost are put back where they surely were
    (:func:`assistant.corpus.possessives.restore_possessives`), and a run-in bulleted list is
    written out as its sentence (:func:`assistant.corpus.lists.join_inline_lists`), and so
    is a list on a line of its own after the line that introduces it
    (:func:`assistant.corpus.lists.join_paragraph_lists`); the
    items of a list that finishes its introducing sentence ("… include those who:" / "Have a
    lot of stress.") are dropped (:func:`assistant.corpus.lists.without_clause_items`).
    """
    lines = [
        join_inline_lists(restore_possessives(collapse_repeats(line)))
        for line in join_paragraph_lists(without_clause_items(text)).split("\n")
    ]
    context = _Context(_names(title), lines)
    return "\n".join(_unglue(_split_line(line, context)) for line in lines)


# a sentence that lost its full stop, or a heading ending on a lower-case word, runs into the
# next sentence: "Type 2 usually affects the genital area Some people have no symptoms …",
# "Risk-reducing salpingo-oophorectomy Some women who …"; the opener must be followed by a
# lower-case word, and the word before it a lower-case word but not a small word of a title
# ("for People with Medicare"; Title-Case runs are the heading rules' to judge)
_OPENER_AFTER_LOWER = re.compile(
    r"(?<=[a-z]{3}) (?=(?:Some|Many|Most|These|This|They|There|It|People|Others|If|When|You|"
    r"Your|Both|Each|Other|Another|However|Also|Sometimes|Often|Usually|The|In) [a-z])"
)


def _unglue(line: str) -> str:
    """``line`` with a newline where a sentence with no full stop runs into the next."""

    def cut(match: re.Match[str]) -> str:
        before = line[: match.start()].rsplit(" ", 1)[-1]
        return "\n" if before[:1].islower() and _bare(before) not in _SMALL else " "

    return _OPENER_AFTER_LOWER.sub(cut, line)


def is_heading(line: str) -> bool:
    """Whether ``line`` reads as a heading rather than a sentence: at most 12 words, Title
    Case, no closing period; or a Title-Case question of at most 6 words ("Who is at
    Risk?")."""
    text = line.strip()
    words = text.split()
    if not words or len(words) > _MAX_HEADING_WORDS + 2 or len(text) > 100:
        return False
    if text[-1] in ".,;:!" or words[0] in _BULLETS or "http" in text or "www." in text:
        return False
    if text.endswith("?") and len(words) > _MAX_QUESTION_WORDS:
        return False
    if not _capitalized(words[0]) or not any(ch.isalpha() for ch in text):
        return False
    return all(_title_word(w) for w in words)


def collapse_repeats(text: str) -> str:
    """``text`` with each run of words said twice in a row kept once: "- Genetics. Many …
    Genetics. Many …", or a bulleted list followed by the same list without its bullets.

    Bullets are ignored when comparing. A run is at least four words, and starts and ends
    where an item or a sentence does (so "Registry: Brugada syndrome - Registry: Brugada
    syndrome 1" and a heading said again as the subject of its first sentence stay)."""
    if _places([w for w in text.split() if w not in _BULLETS]) is None:
        return text  # no four words occur twice: the common case, decided quickly
    everything = list(_WORD.finditer(text))
    tokens: list[re.Match[str]] = []
    opens: list[bool] = []  # the token starts an item or a sentence
    closes: list[bool] = []  # the token ends one
    for k, match in enumerate(everything):
        if match.group() in _BULLETS:
            continue
        before = everything[k - 1].group() if k else ""
        after = everything[k + 1].group() if k + 1 < len(everything) else ""
        opens.append(not before or before in _BULLETS or before.endswith((".", "!", "?", ":")))
        closes.append(not after or after in _BULLETS or bool(_SENTENCE_END.search(match.group())))
        tokens.append(match)
    keys = [m.group() for m in tokens]
    cuts: list[tuple[int, int]] = []
    i = 0
    while (places := _places(keys)) is not None:
        for i in sorted(p for ps in places.values() for p in ps if opens[p]):
            here = places[tuple(keys[i : i + _MIN_REPEAT_WORDS])]
            n = _repeat_at(keys, here, closes, i)
            if n:
                break
        else:
            break
        # drop the second copy, from the end of the first to the end of the second, and
        # look again from the start: dropping an inner repeat may leave an outer one
        cuts.append((tokens[i + n - 1].end(), tokens[i + 2 * n - 1].end()))
        closes[i + n - 1] = closes[i + 2 * n - 1]
        for column in (keys, tokens, opens, closes):
            del column[i + n : i + 2 * n]
    kept: list[str] = []
    last = 0
    for start, end in sorted(cuts):  # an outer cut may hold an earlier, inner one
        if start >= last:
            kept.append(text[last:start])
        last = max(last, end)
    kept.append(text[last:])
    return "".join(kept)


def _places(keys: list[str]) -> dict[tuple[str, ...], list[int]] | None:
    """Where each run of four words that occurs more than once starts; None if none does."""
    grams = list(zip(*(keys[k:] for k in range(_MIN_REPEAT_WORDS)), strict=False))
    counts = Counter(grams)
    if len(counts) == len(grams):
        return None
    places: dict[tuple[str, ...], list[int]] = {g: [] for g, c in counts.items() if c > 1}
    for i in [i for i, g in enumerate(grams) if g in places]:
        places[grams[i]].append(i)
    return places


def _repeat_at(keys: list[str], here: list[int], closes: list[bool], i: int) -> int:
    """The least n (at least the minimum) with ``keys[i:i+n] == keys[i+n:i+2n]`` whose
    second copy ends an item or a sentence, else 0; ``here`` lists where the four words at
    ``i`` occur."""
    limit = min(_MAX_REPEAT_WORDS, (len(keys) - i) // 2)
    for j in here[bisect_right(here, i + _MIN_REPEAT_WORDS - 1) :]:
        n = j - i
        if n > limit:
            break
        # the last and the middle words first: most candidates fail there, cheaply
        if not closes[j + n - 1] or keys[j - 1] != keys[j + n - 1]:
            continue
        if keys[i + n // 2] == keys[j + n // 2] and keys[i:j] == keys[j : j + n]:
            return n
    return 0


class _Word(NamedTuple):
    text: str
    start: int
    end: int

    @property
    def bare(self) -> str:
        return _bare(self.text)


class _Context:
    """What one text's cuts are judged by: the record's names and the whole text."""

    def __init__(self, names: list[list[str]], lines: list[str]) -> None:
        self.names = names
        self.lines = lines

    @cached_property
    def bare_text(self) -> str:
        """The text as bare words between spaces, for counting phrases."""
        return " " + " ".join(_bare(w) for line in self.lines for w in line.split()) + " "

    def used_together(self, left: str, right: str) -> bool:
        """Whether ``left right`` appears in the text more than once."""
        return self.bare_text.count(f" {left} {right} ") > 1


def _split_line(line: str, context: _Context) -> str:
    spans: list[tuple[int, int]] = []  # the spaces that become newlines
    resume = 0
    for start in _sentence_starts(line):
        if start < resume or not _capitalized(line[start : start + 2]):
            continue
        matches = islice(_WORD.finditer(line, start), _MAX_HEADING_WORDS + 6)
        words = [_Word(m.group(), m.start(), m.end()) for m in matches]
        cut = _heading_end(words, context)
        if cut is None:
            continue
        if start > 0:
            spans.append((_space_before(line, start), start))
        spans.append((words[cut - 1].end, words[cut].start))
        resume = words[cut].end
    if not spans:
        return line
    out: list[str] = []
    last = 0
    for space_start, space_end in spans:
        out.append(line[last:space_start])
        last = space_end
    out.append(line[last:])
    return "\n".join(out)


def _sentence_starts(line: str) -> Iterable[int]:
    yield len(line) - len(line.lstrip())
    for match in _BOUNDARY.finditer(line):
        word = line[line.rfind(" ", 0, match.start()) + 1 : match.start()]
        if _ends_sentence(word):
            yield match.end()


def _space_before(line: str, start: int) -> int:
    return len(line[:start].rstrip())


def _heading_end(words: list[_Word], context: _Context) -> int | None:
    """If a heading opens ``words``, the index of the first word after it."""
    question = _question_heading(words)
    if question is not None:
        return question
    if not words[0].text[:1].isalnum() or not _capitalized(words[0].text):
        return None
    # the Title-Case run; the sentence opens at its last capitalized word
    end = 0
    while end < len(words) and _title_word(words[end].text) and not _ends(words[end]):
        end += 1
    if end >= len(words) or end > _MAX_HEADING_WORDS or not words[end].text[:1].islower():
        return None
    start = end - 1
    while start > 0 and not _capitalized(words[start].text):
        start -= 1
    last_capital = start
    # "… Has No Cure When COPD is severe": the sentence opens at "When", not at the name
    while (
        start > 1
        and not _opener(words[start])
        and _opener(words[start - 1])
        and words[start - 1].bare in _CLAUSE_OPENERS
    ):
        start -= 1
    if start == 0:
        return None
    start = _said_twice(words, start)
    heading, sentence = words[:start], words[start:]
    if not _plausible_heading(heading):
        return None
    if not _plausible_sentence(sentence, lenient=start != last_capital):
        return None
    if not _starts_afresh(heading, sentence, context.names):
        return None
    if _cuts_a_name(heading, sentence, context):
        return None
    return start


def _said_twice(words: list[_Word], start: int) -> int:
    """Where the sentence starts if the run opens with the heading said twice: "Stage II
    Stage II AIDS-related lymphoma is …" is "Stage II", then "Stage II AIDS-related …"."""
    bare = [w.bare for w in words[:start]]
    for n in range(1, start // 2 + 1):
        if bare[:n] == bare[n : 2 * n]:
            return n
    return start


def _question_heading(words: list[_Word]) -> int | None:
    """A short Title-Case question ("Who is at Risk?") followed by a sentence."""
    for j, word in enumerate(words[:_MAX_QUESTION_WORDS]):
        if word.text.endswith("?"):
            question = " ".join(w.text for w in words[: j + 1])
            after = words[j + 1 :]
            if j > 0 and is_heading(question) and _plausible_sentence(after, lenient=True):
                return j + 1
            return None
        if _ends(word):
            return None
    return None


def _plausible_heading(heading: list[_Word]) -> bool:
    text = " ".join(w.text for w in heading)
    if len(text) > _MAX_HEADING_CHARS or heading[-1].text.endswith((",", ":", ";")):
        return False
    if heading[-1].bare in _SMALL or not any(len(w.bare) > 1 and w.bare.isalpha() for w in heading):
        return False
    if len(heading) == 1:
        # a lone word must look like a section name, not an adverb or an opener
        word = heading[0].bare
        return (
            word.isalpha()
            and len(word) >= 4
            and word not in SENTENCE_OPENERS
            and not word.endswith("ly")
        )
    return True


def _plausible_sentence(sentence: list[_Word], lenient: bool = False) -> bool:
    """A capitalized word, then a lowercase one (``lenient``: among the next four, as in
    "When COPD is severe", "Stage II AIDS-related lymphoma is …"), and at least three
    words before the sentence ends."""
    if len(sentence) < 3 or sentence[0].text in _BULLETS or not _capitalized(sentence[0].text):
        return False
    for k, word in enumerate(sentence[: 5 if lenient else 2]):
        if k and word.text[:1].islower():
            return k + 1 < len(sentence) or not _ends(word)
        if _ends(word):
            return False
    return False


def _starts_afresh(heading: list[_Word], sentence: list[_Word], names: list[list[str]]) -> bool:
    if sentence[0].bare in {"a", "an"}:
        # "Type A, the most severe form", "Vitamin A is": a name's letter, not an article
        return (
            sentence[0].text in {"A", "An"}
            and len(heading) >= 2
            and sentence[1].bare not in _NOT_AFTER_ARTICLE
        )
    if _opener(sentence[0]):
        return True
    said = [w.bare for w in sentence]
    # the heading said again, in the sentence's own case ("Chemotherapy Chemotherapy is …")
    if said[: len(heading)] == [w.bare for w in heading]:
        return True
    # the record's name, after a heading of several words that does not end in a word
    # that could qualify the name ("Type 1 Pfeiffer syndrome", "X-linked Cornelia de …")
    last = heading[-1].text
    return (
        len(heading) >= 2
        and len(last) >= 3
        and last.isalpha()
        and last[1:].islower()
        and any(_says_name(sentence, said, name) for name in names)
    )


def _says_name(sentence: list[_Word], said: list[str], name: list[str]) -> bool:
    """Whether the sentence opens with the record's name, or its first two words ("Paget's
    disease is …" for "Paget's Disease of Bone"), and goes on in lowercase ("Gout is", not
    "Down syndrome Foundation")."""
    sizes = {len(name)} | ({2} if len(name) > 2 and name[1] not in _SMALL else set())
    for size in sorted(sizes, reverse=True):
        if said[:size] == name[:size] and len(sentence) > size:
            following = sentence[size].text[:1]
            return following.islower() or following == "("
    return False


def _cuts_a_name(heading: list[_Word], sentence: list[_Word], context: _Context) -> bool:
    """Whether the cut would split a name: the record's title across it, or the two words
    around it used together elsewhere in the text ("Lymphoblastic Leukemia")."""
    left, right = heading[-1].bare, sentence[0].bare
    if left != right and context.used_together(left, right):
        return True
    joined = [w.bare for w in heading + sentence]
    cut = len(heading)
    for name in context.names:
        for k in range(max(0, cut - len(name) + 1), cut):
            if joined[k : k + len(name)] == name:
                return True
    return False


def _names(title: str | Iterable[str | None] | None) -> list[list[str]]:
    titles = [title] if title is None or isinstance(title, str) else list(title)
    names: list[list[str]] = []
    for name in titles:
        words = [w for w in (_bare(w) for w in (name or "").split()) if w]
        if words and words not in names:
            names.append(words)
    return names


def _bare(word: str) -> str:
    return word.strip("\"'()[],;:").replace("'", "").replace("\u2019", "").lower()


def _opener(word: _Word) -> bool:
    """A capitalized plain word that opens sentences ("These", "Sometimes,"; not "(WHO)",
    "HERE" or "A")."""
    plain = word.text.rstrip(",")
    return (
        plain.isalpha()
        and plain[0].isupper()
        and plain[1:].islower()
        and plain.lower() in SENTENCE_OPENERS
        and plain not in {"A", "An"}
    )


def _ends(word: _Word) -> bool:
    return bool(_SENTENCE_END.search(word.text))


def _ends_sentence(word: str) -> bool:
    """Whether ``word`` closes a sentence (unlike "Dr." or "K." or "U.S.")."""
    if not _SENTENCE_END.search(word):
        return False
    core = word.rstrip("\"')]").lstrip("\"'([")
    if core.endswith(("?", "!")):
        return True
    stem = core.rstrip(".").lower()
    return stem not in ABBREVIATIONS and not _INITIALS.fullmatch(stem)


def _capitalized(word: str) -> bool:
    stripped = word.lstrip("\"'([")
    return bool(stripped) and (stripped[0].isupper() or stripped[0].isdigit())


def _title_word(word: str) -> bool:
    return _capitalized(word) or word.lower() in _SMALL
