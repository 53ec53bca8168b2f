"""The site's published page text (``data/site_page_example.txt``), parsed section by section.

A page reads, line by line::

    <title>
    <question, one or more lines>
    <name>, <age> year old <sex>. Ask Date: 2022/03/24     (age and sex may be absent)
    Dr. <doctor> reply <specialty>
    <short reply, one or more lines>
    Reply Date: 2022/03/24
    More Info
    <long explanation, newlines kept>
    Similar Q&A
    <title>                                                 (four lines per entry)
    <question snippet>
    Dr. <doctor> reply <specialty>
    <reply snippet>...[Read More] <title>
    Related FAQ
    <topic>(<specialty>)                                    (the topic may be empty)

An optional first line ``Id: <id>`` gives the record's id. A file may hold several pages
separated by a line with only a form feed or ``=====``; a directory holds ``.txt`` files.
A page without a question, asker line or doctor line is reported and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.corpus.issues import CorpusError, ImportIssue, Item, Located
from assistant.corpus.mapping import build_record
from assistant.corpus.textfile import iter_lines

Line = tuple[int, str]

# Linear time on any line: a run of spaces is entered only at its start (the ``(?<!\s)``
# lookbehinds) and taken whole (possessive quantifiers), so a lazy name that grows past a long
# run does not rescan it at every step (a 20,000-space line took seconds, quadratically).
_ID = re.compile(r"id:\s*+(?P<id>\S+)", re.IGNORECASE)
_ASKER = re.compile(r"(?P<who>.*?)(?<!\s)\s*+\.?\s*+Ask Date:\s*+(?P<date>\S*+)")
_AGE_SEX = re.compile(r"(?:(?P<age>\S+)\s+years?\s+old\b)?\s*(?P<sex>.*)")
_DOCTOR = re.compile(r"Dr\.\s*+(?P<name>.+?)(?<!\s)\s++reply\s++(?P<specialty>.+)")
_REPLY_DATE = re.compile(r"Reply Date:\s*+(?P<date>\S*+)")
_READ_MORE = re.compile(r"\[Read More\]\s*(?P<title>.*)$")
_FAQ = re.compile(r"(?P<topic>.*?)(?<!\s)\s*+\((?P<specialty>[^()]*+)\)")
_SEPARATOR = re.compile(r"\f|={5,}")
_HEADERS = {"more info": "explanation", "similar q&a": "similar", "related faq": "faq"}
_PAGE_HINT = "fix or remove the page"
_ASKER_EXAMPLE = "'Niming, 40~49 year old female. Ask Date: 2022/03/24'"


def iter_pages(path: Path) -> Generator[Item, None, None]:
    """Yield the records of a page file, or of every ``.txt`` file in a directory."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.name.lower().endswith((".txt", ".txt.gz")))
        if not files:
            raise CorpusError(f"{path} is empty: it holds no .txt page files")
        for file in files:
            yield from iter_pages(file)
        return
    for page in split_pages(iter_lines(path)):
        yield from parse_page(page, str(path))


def split_pages(lines: Iterable[Line]) -> Generator[list[Line], None, None]:
    """Group numbered lines into pages (separator lines and edge blank lines dropped)."""
    page: list[Line] = []
    for number, text in lines:
        text = text.rstrip("\r\n")
        if _SEPARATOR.fullmatch(text.strip(" \t\r")):
            yield from _trimmed(page)
            page = []
        else:
            page.append((number, text.strip(" \t\r\v")))
    yield from _trimmed(page)


def _trimmed(page: list[Line]) -> list[list[Line]]:
    filled = [i for i, (_, text) in enumerate(page) if text]
    return [page[filled[0] : filled[-1] + 1]] if filled else []


def parse_page(page: Sequence[Line], path: str) -> list[Item]:
    """Parse one page: a small state machine over its lines, one state per section."""
    start = page[0][0]
    raw: dict[str, Any] = {"dataset": "site"}
    parts: dict[str, list[str]] = {"question": [], "reply": [], "explanation": []}
    similar: list[Line] = []
    faq: list[str] = []
    state = "title"
    for number, text in page:
        if state == "title":
            if match := _ID.fullmatch(text):
                raw["id"] = match["id"]
            elif text:
                raw["title"], state = text, "question"
        elif state == "question":
            if match := _ASKER.fullmatch(text):
                raw["asker"], raw["ask_date"] = _asker(match["who"]), match["date"]
                state = "doctor"
            else:
                parts["question"].append(text)
        elif state == "doctor":
            if match := _DOCTOR.fullmatch(text):
                raw["doctor"], raw["specialty"], state = match["name"], match["specialty"], "reply"
            elif text:
                reason = f"expected 'Dr. <name> reply <specialty>' at line {number}: {text[:60]!r}"
                return [_issue(path, start, "doctor", reason)]
        elif header := _HEADERS.get(text.lower()):
            state = header
        elif state == "reply" and (match := _REPLY_DATE.fullmatch(text)):
            raw["reply_date"], state = match["date"], "explanation"
        elif state in parts:
            parts[state].append(text)
        elif state == "similar" and text:
            similar.append((number, text))
        elif state == "faq" and text:
            faq.append(text)
    if state == "title" or not "\n".join(parts["question"]).strip():
        return [_issue(path, start, "question", "the page has no question text under its title")]
    if state == "question":
        reason = f"no asker line like {_ASKER_EXAMPLE} after the question"
        return [_issue(path, start, "asker", reason)]
    if state == "doctor":
        reason = "no 'Dr. <name> reply <specialty>' line after the asker line"
        return [_issue(path, start, "doctor", reason)]
    raw["question"] = "\n".join(parts["question"])
    raw["reply"] = "\n".join(parts["reply"])
    raw["long_explanation"] = "\n".join(parts["explanation"])
    entries, items = _similar_qa(similar, path)
    raw["similar_qa"] = entries
    raw["related_faq"] = [_faq(text) for text in faq]
    result = build_record(raw, path, start)
    if isinstance(result, list):
        return [replace(issue, hint=_PAGE_HINT) for issue in result]
    return [Located(result, path, start), *items]


def _asker(who: str) -> dict[str, str | None]:
    """``"Niming, 40~49 year old female"`` → name, age range and sex (each may be absent)."""
    name, _, rest = (part.strip() for part in who.partition(","))
    match = _AGE_SEX.fullmatch(rest)
    age, sex = (match["age"], match["sex"]) if match else (None, rest)
    return {"name": name or None, "age_range": age or None, "sex": sex or None}


def _similar_qa(lines: Sequence[Line], path: str) -> tuple[list[dict[str, Any]], list[Item]]:
    """Entries of four parts: title, question snippet, doctor line, reply snippet + link."""
    entries: list[dict[str, Any]] = []
    warnings: list[Item] = []
    entry: dict[str, Any] = {}
    state = "title"
    for number, text in lines:
        if state == "title":
            entry, state = {"title": text, "line": number, "question_snippet": []}, "snippet"
        elif state == "snippet" and (match := _DOCTOR.fullmatch(text)):
            entry["doctor"], entry["specialty"] = match["name"], match["specialty"]
            entry["reply_snippet"], state = [], "reply"
        elif state == "snippet":
            entry["question_snippet"].append(text)
        else:
            link = _READ_MORE.search(text)
            entry["reply_snippet"].append(text[: link.start()] if link else text)
            if link:
                if link["title"] and link["title"] != entry["title"]:
                    warnings.append(
                        f"{path}:{number}: Similar Q&A link title {link['title']!r} differs "
                        f"from the entry's title {entry['title']!r} (line {entry['line']})"
                    )
                entries.append(_entry(entry))
                state = "title"
    if state != "title":
        warnings.append(
            f"{path}:{entry['line']}: Similar Q&A entry {entry['title']!r} is incomplete "
            "(no 'Dr. … reply …' line or no '[Read More]' link); kept what was there"
        )
        entries.append(_entry(entry))
    return entries, warnings


def _entry(entry: dict[str, Any]) -> dict[str, Any]:
    snippets = {
        key: " ".join(entry.get(key, [])).strip() or None
        for key in ("question_snippet", "reply_snippet")
    }
    return {
        "title": entry["title"],
        "doctor": entry.get("doctor"),
        "specialty": entry.get("specialty"),
        **snippets,
    }


def _faq(text: str) -> dict[str, str | None]:
    match = _FAQ.fullmatch(text)
    if match is None:
        return {"topic": text, "specialty": None}
    return {"topic": match["topic"] or None, "specialty": match["specialty"].strip() or None}


def _issue(path: str, line: int, field: str, reason: str) -> ImportIssue:
    return ImportIssue(path, line, field, reason, hint=_PAGE_HINT)


def parse_pages(text: str, source: str = "<text>") -> list[Item]:
    """Parse page text given as a string (e.g. pasted into the UI)."""
    lines = enumerate(text.split("\n"), start=1)  # not splitlines: it splits at \f
    return [item for page in split_pages(lines) for item in parse_page(page, source)]
