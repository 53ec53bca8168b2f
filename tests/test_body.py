"""The editable body of a draft: Markdown out, and back with each sentence's origin kept."""

from __future__ import annotations

import pytest

from assistant.drafting.body import from_body, to_body
from assistant.drafting.parsing import MalformedOutput
from tests.test_render import _draft


def test_round_trip_keeps_everything() -> None:
    draft = _draft()
    body = to_body(draft)
    assert body == "Here is more.\n\n## What this may be\nCalcium builds up [1].\n"
    assert from_body(body, draft) == draft


def test_edited_sentences_become_human_claims() -> None:
    draft = _draft()
    body = to_body(draft).replace("Calcium builds up [1].", "Calcium builds up slowly [1]. Rest.")
    edited = from_body(body, draft)
    origins = [(s.text, s.origin, s.citations) for _, _, s in edited.sentences()]
    assert origins == [
        ("Here is more.", "template", ()),
        ("Calcium builds up slowly.", "human", (1,)),
        ("Rest.", "human", ()),
    ]
    assert (
        edited.sections[1].kind == "explanation"
        and edited.sections[1].heading == "What this may be"
    )
    assert edited.sources == draft.sources and edited.provenance == draft.provenance


def test_an_empty_body_is_refused() -> None:
    with pytest.raises(MalformedOutput):
        from_body("## Only a heading\n", _draft())
