"""The editable body of a draft: Markdown out, and back with each sentence's origin kept."""

from __future__ import annotations

import pytest

from assistant.drafting.body import from_body, to_body
from assistant.drafting.models import DraftSentence
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


def test_units_of_several_sentences_read_back_as_themselves() -> None:
    """A connecting line of several sentences and a quoted pair (the second leaning on the
    first, one citation for both) are one unit each; unedited, they read back as they were,
    not as the reviewer's own claims (which the checks would flag as unsupported)."""
    draft = _draft()
    opening = DraftSentence(
        text="Your doctor has already replied. The points below explain that reply.",
        origin="template",
    )
    pair = DraftSentence(
        text="Many things can trigger a migraine. These include stress and lack of sleep.",
        citations=(1,),
        origin="source",
        source_id=draft.sections[1].sentences[0].source_id,
    )
    sections = [
        draft.sections[0].model_copy(update={"sentences": (opening,)}),
        draft.sections[1].model_copy(update={"sentences": (*draft.sections[1].sentences, pair)}),
    ]
    draft = draft.model_copy(update={"sections": sections})
    body = to_body(draft)
    assert "These include stress and lack of sleep [1]." in body
    assert from_body(body, draft) == draft
    # an edit inside the pair makes its sentences the reviewer's
    edited = from_body(body.replace("lack of sleep", "too little sleep"), draft)
    origins = [s.origin for _, _, s in edited.sentences()]
    assert origins == ["template", "source", "human", "human"]
