"""DraftChecker on hand-built drafts: support, citations, red flags, readability, grounding."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from assistant.checks import (
    DISCLAIMER,
    CheckReport,
    DraftChecker,
    Evidence,
    OfflineSupportScorer,
    Support,
    readability_flags,
    strict_grounding,
)
from assistant.corpus import Record
from assistant.drafting.models import Draft, DraftRequest, DraftSentence, Provenance, Section
from assistant.embeddings import MiniLMEmbedder
from assistant.knowledge.readability import measure
from assistant.retrieval import Passage, Source

CALF_QUESTION = (
    "There is a lump about 0.2 cm under my calf skin. The ultrasound doctor said it has "
    "calcified and is benign. What does calcification mean?"
)
CHEST_QUESTION = (
    "I'm 58 and have had chest pain spreading to my left arm for an hour. Is it reflux?"
)
ESCALATION = "Chest pain that spreads to the arm can be a heart attack: call 911 now."
FABRICATED = "Calcified lumps in the calf are usually caused by lymphoma and need chemotherapy."
PARAPHRASE = "Calcification means that calcium salts have built up in a tissue."
GRADE_14 = (
    "Dystrophic calcification, characterised histopathologically by heterogeneous "
    "intracellular and extracellular mineralisation, predominantly manifests within "
    "devitalised, necrotic, or chronically inflamed mesenchymal tissues, notwithstanding "
    "normocalcaemic physiological circumstances."
)


class FakeRecordingScorer:
    """The real offline scorer, recording which claims were scored against which evidence."""

    def __init__(self, inner: OfflineSupportScorer) -> None:
        self.inner = inner
        self.calls: list[tuple[list[str], list[str]]] = []

    @property
    def name(self) -> str:
        return self.inner.name

    def score(self, claims: Sequence[str], evidence: Sequence[Evidence]) -> list[Support]:
        self.calls.append((list(claims), [e.label for e in evidence]))
        return self.inner.score(claims, evidence)


@pytest.fixture(scope="module")
def scorer(embedder: MiniLMEmbedder) -> OfflineSupportScorer:
    return OfflineSupportScorer(embedder)


@pytest.fixture(scope="module")
def checker(scorer: OfflineSupportScorer) -> DraftChecker:
    return DraftChecker(scorer)


@pytest.fixture(scope="module")
def sources(page_record: Record) -> list[Source]:
    assert page_record.long_explanation
    explanation = page_record.long_explanation
    cut = explanation.index("Clinical Significance")
    return [
        Source(
            rank=1,
            record_id=page_record.id,
            score=0.9,
            passages=(
                Passage(chunk_id="p#1", text=explanation[:cut], kind="long", score=0.9),
                Passage(chunk_id="p#2", text=explanation[cut:], kind="long", score=0.8),
            ),
            reply=page_record.reply,
        ),
        Source(
            rank=2,
            record_id="other",
            score=0.5,
            passages=(
                Passage(
                    chunk_id="o#1",
                    text="Fibromas do not develop in the calves. Observation is sufficient.",
                    kind="reply",
                    score=0.5,
                ),
            ),
        ),
    ]


def sentence(text: str, *cites: int, origin: str = "model") -> DraftSentence:
    return DraftSentence.model_validate({"text": text, "citations": cites, "origin": origin})


def make_draft(
    sources: list[Source],
    sections: list[Section],
    question: str = CALF_QUESTION,
    reply: str | None = None,
) -> Draft:
    return Draft(
        request=DraftRequest(question=question, reply=reply),
        title="Calcified lump in the calf",
        sections=sections,
        sources=sources,
        provenance=Provenance(drafter="hand", model="none"),
    )


@pytest.fixture(scope="module")
def calf_draft(sources: list[Source], page_record: Record) -> Draft:
    reply_sentence = page_record.reply.split("\n")[0] if page_record.reply else ""
    return make_draft(
        sources,
        [
            Section(
                kind="opening",
                sentences=(
                    sentence("Here is more about what your result means.", origin="template"),
                ),
            ),
            Section(
                kind="explanation",
                heading="What does calcification mean?",
                sentences=(
                    sentence(reply_sentence, origin="reply"),
                    sentence(
                        "Calcification refers to the accumulation of calcium salts in a tissue.",
                        1,
                        origin="source",
                    ),
                    sentence(PARAPHRASE, 1),
                    sentence(FABRICATED, 1),
                    sentence("Fibromas do not develop in the calves.", 3),
                ),
            ),
            Section(
                kind="conclusion",
                sentences=(sentence("Most such lumps should be removed within two weeks."),),
            ),
        ],
        reply=page_record.reply,
    )


@pytest.fixture(scope="module")
def calf_report(checker: DraftChecker, calf_draft: Draft) -> CheckReport:
    return checker.check(calf_draft)


def test_each_sentence_gets_a_verdict(calf_report: CheckReport) -> None:
    verdicts = [(c.section, c.index, c.supported) for c in calf_report.sentences]
    assert verdicts == [
        (0, 0, True),  # template
        (1, 0, True),  # the doctor's reply, verbatim
        (1, 1, True),  # a cited source sentence, verbatim
        (1, 2, True),  # a faithful paraphrase citing [1]
        (1, 3, False),  # fabricated, citing [1]
        (1, 4, False),  # cites [3]: there are two sources
        (2, 0, False),  # cites nothing, and the reply does not say it
    ]
    template, reply = calf_report.sentences[0], calf_report.sentences[1]
    assert template.score == 1.0 and template.reasons == ("standard wording",)
    assert reply.evidence_from == "reply" and reply.score > 0.99
    assert calf_report.sentences[2].evidence_from == "[1]"
    assert calf_report.supported_share == pytest.approx(3 / 6)


def test_flags_name_the_problem_and_the_closest_passage(calf_report: CheckReport) -> None:
    by_place = {(f.section, f.index, f.kind): f for f in calf_report.flags if f.index is not None}
    assert set(by_place) == {
        (1, 3, "unsupported_sentence"),
        (1, 4, "invalid_citation"),
        (1, 4, "uncited_sentence"),
        (2, 0, "uncited_sentence"),
    }
    fabricated = by_place[(1, 3, "unsupported_sentence")]
    assert fabricated.severity == "warning"
    assert "lymphoma" in fabricated.message and "Closest ([1])" in fabricated.message
    invalid = by_place[(1, 4, "invalid_citation")]
    assert invalid.severity == "error" and "[3]" in invalid.message and "[1]-[2]" in invalid.message
    kinds = [f.kind for f in calf_report.flags]
    assert "red_flag_without_escalation" not in kinds and "no_sources" not in kinds
    assert calf_report.red_flags == () and not calf_report.escalation_present


def test_sentences_are_scored_against_what_they_rest_on(
    scorer: OfflineSupportScorer, calf_draft: Draft
) -> None:
    fake = FakeRecordingScorer(scorer)
    DraftChecker(fake).check(calf_draft)
    labels = {tuple(claims): sorted(set(evidence)) for claims, evidence in fake.calls}
    reply_claim = calf_draft.sections[1].sentences[0].text
    assert labels[(reply_claim,)] == ["reply"]
    cited = tuple(s.text for s in calf_draft.sections[1].sentences[1:4])
    assert labels[cited] == ["[1]", "reply"]  # one call for the three sentences citing [1]
    uncited = ("Fibromas do not develop in the calves.", calf_draft.sections[2].sentences[0].text)
    assert labels[uncited] == ["reply"]
    assert len(fake.calls) == 3


def test_strict_grounding_removes_exactly_the_unsupported(
    calf_draft: Draft, calf_report: CheckReport
) -> None:
    grounded = strict_grounding(calf_draft, calf_report)
    texts = [s.text for _, _, s in grounded.sentences()]
    kept = [c.text for c in calf_report.sentences if c.supported]
    assert texts == kept
    assert FABRICATED not in texts
    assert [s.kind for s in grounded.sections] == ["opening", "explanation"]  # conclusion emptied
    assert grounded.sections[1].heading == "What does calcification mean?"
    assert len(list(calf_draft.sentences())) == 7  # the original is untouched
    with pytest.raises(ValueError, match="does not belong to this draft"):
        strict_grounding(grounded, calf_report)


def test_red_flag_question_needs_an_escalation_line(
    checker: DraftChecker, sources: list[Source]
) -> None:
    body = Section(
        kind="explanation",
        sentences=(sentence("Reflux can cause a burning feeling behind the breastbone.", 1),),
    )
    without = checker.check(make_draft(sources, [body], question=CHEST_QUESTION))
    assert without.red_flags == ("chest_pain",)
    (flag,) = [f for f in without.flags if f.kind == "red_flag_without_escalation"]
    assert flag.severity == "error" and "heart attack" in flag.message
    assert not without.escalation_present

    escalation = Section(kind="escalation", sentences=(sentence(ESCALATION),))
    with_it = checker.check(make_draft(sources, [body, escalation], question=CHEST_QUESTION))
    assert with_it.escalation_present
    assert "red_flag_without_escalation" not in [f.kind for f in with_it.flags]
    # the emergency advice itself is not held against the sources
    advice = with_it.sentences[-1]
    assert advice.supported and "emergency advice" in advice.reasons[0]


def test_emergency_wording_outside_an_advice_section_is_still_checked(
    checker: DraftChecker, sources: list[Source]
) -> None:
    body = Section(kind="explanation", sentences=(sentence(ESCALATION),))
    report = checker.check(make_draft(sources, [body], question=CHEST_QUESTION))
    assert report.escalation_present
    assert not report.sentences[0].supported


def test_no_sources_and_readability_are_flagged(checker: DraftChecker) -> None:
    draft = make_draft([], [Section(kind="explanation", sentences=(sentence(GRADE_14),))])
    report = checker.check(draft)
    kinds = {f.kind: f for f in report.flags}
    assert kinds["no_sources"].severity == "warning"
    assert report.grade is not None and report.grade >= 14
    assert kinds["readability"].severity == "warning" and "above the target" in (
        kinds["readability"].message
    )
    assert kinds["length"].severity == "info" and "too short" in kinds["length"].message
    assert kinds["uncited_sentence"].message.endswith("check it against.")


def test_readability_inside_the_targets_is_not_flagged() -> None:
    plain = (
        "A small lump under the skin of the calf is common, and most of these lumps are not "
        "harmful. This one contains calcium, which often builds up after a minor injury or "
        "after fatty tissue breaks down. Your doctor checked it with an ultrasound and found no "
        "sign that it is dangerous. If it grows, turns red, or starts to hurt, go back and have "
        "it checked again. "
    ) * 5
    measured = measure(plain)
    assert 250 <= measured.words <= 900
    assert measured.grade is not None and 6 <= measured.grade <= 8
    assert readability_flags(measured) == []
    hard = measure(GRADE_14 + " [1]")
    assert hard.grade is not None and hard.grade >= 14
    assert measure("").grade is None and measure("").words == 0


def test_disclaimer_is_short_and_true_of_a_draft_and_a_published_page() -> None:
    assert len(DISCLAIMER) <= 240
    assert "a physician reviews every page before it is published" in DISCLAIMER
    assert "approved" not in DISCLAIMER  # an unreviewed draft carries it too
    assert "not a diagnosis" in DISCLAIMER
