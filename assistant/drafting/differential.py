"""What a question that names no condition may be about: for "what could be causing the
white tongue?", each condition that the closest past answers are on, with the archive's own
sentence saying what it is, as a physician walks through the possible causes one by one.

Only the closest answers' conditions are listed, each in the archive's words, and the page
says that only a doctor can tell which, if any, the patient has.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict

from assistant.drafting.arrange import names_any
from assistant.drafting.plan import Quote, sentences_of, standalone
from assistant.index import Archive
from assistant.knowledge import lexicon
from assistant.retrieval import Source
from assistant.understanding import key_of

MOST = 4  # conditions listed
# how close an answer must be found for its condition to be listed: on the K-QA symptom
# questions the answers on the asked-about part of the body score 0.55-0.61 ("white tongue":
# geographic tongue, hairy tongue, leukoplakia), and the ones merely sharing a word below 0.5
# ("leukoencephalopathy with vanishing white matter": 0.49)
CLOSE = 0.5
_GENERAL = "information"  # MedQuAD's "What is X?" answers


class Condition(BaseModel):
    """One condition the question may be about, and the sentence saying what it is."""

    model_config = ConfigDict(frozen=True)

    name: str
    quote: Quote


def differential(
    archive: Archive,
    sources: Sequence[Source],
    exclude: frozenset[str] = frozenset(),
    on_question: Callable[[str], bool] = lambda _: True,
) -> tuple[Condition, ...]:
    """The distinct conditions of the ``sources`` found close (closest first), each with the
    first sentence of its general answer that names it and stands alone; empty when fewer
    than two. ``on_question``: whether a sentence talks about what the question describes
    (the tongue, not the lip)."""
    catalogue = archive.foci()
    names: dict[str, str] = {}
    close = [s for s in sources if max((p.dense or 0.0 for p in s.passages), default=0.0) >= CLOSE]
    for source in close:
        if source.focus and key_of(source.focus) not in names:
            names[key_of(source.focus)] = source.focus
    chosen: dict[str, str] = {}  # key -> the record that says what it is
    for key in names:
        records = [r for r in catalogue.records.get(key, []) if r.record_id not in exclude]
        general = [r.record_id for r in records if r.question_type == _GENERAL]
        closest = [s.record_id for s in close if s.focus and key_of(s.focus) == key]
        chosen[key] = (general or closest)[0]
    answers = archive.records(list(chosen.values()))
    found: list[Condition] = []
    for key, record_id in chosen.items():
        record = answers.get(record_id)
        if record is None:
            continue
        name = names[key]
        called = [name, *lexicon().synonyms(name)]
        sentence = next(
            (s for s in sentences_of(record) if names_any(s, called) and standalone(s)), None
        )
        if sentence is not None and not on_question(sentence):
            sentence = None
        if sentence is not None:
            found.append(Condition(name=name, quote=Quote(text=sentence, record_id=record_id)))
        if len(found) == MOST:
            break
    return tuple(found) if len(found) >= 2 else ()


__all__ = ["MOST", "Condition", "differential"]
