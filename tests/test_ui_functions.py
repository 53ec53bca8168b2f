"""The plain functions behind the review UI: escaping, highlights, flags, sources, diffs,
queue rows, uploads, sign-in messages, the editor's state and the page download."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from assistant.checks import CheckReport, Flag, SentenceCheck
from assistant.corpus import Asker
from assistant.drafting import Draft, DraftRequest, DraftSentence, Provenance, Section
from assistant.drafting.body import to_body
from assistant.drafting.composer import GroundedComposer
from assistant.drafting.instructions import simplify
from assistant.drafting.llm import LLMDrafter
from assistant.retrieval import Source
from assistant.retrieval.sources import Passage
from assistant.review.views import (
    AuditEventView,
    AuditVerification,
    QuestionDetail,
    QuestionView,
    QueueFilter,
    ReviewView,
    Role,
    Status,
    VersionView,
)
from assistant.reviewui.audit import describe, verification_message
from assistant.reviewui.diffing import diff_html
from assistant.reviewui.download import page_file
from assistant.reviewui.flags import open_warnings, summarize
from assistant.reviewui.login import throttle_message
from assistant.reviewui.preview import draft_html, question_html
from assistant.reviewui.queue import (
    MINE,
    UNCLAIMED,
    age_text,
    build_filter,
    flags_text,
    new_request,
    queue_rows,
    reviewer_text,
    view_filter,
)
from assistant.reviewui.roles import Permissions, permissions
from assistant.reviewui.sources import (
    highlighted,
    relevance,
    source_origin,
    source_rows,
    supporting_passage,
)
from assistant.reviewui.text import md_escape
from assistant.reviewui.upload import parse_upload
from assistant.reviewui.versions import EditorState, provenance_line, sync_editor

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def make_draft(question: str = "A lump on my calf?") -> Draft:
    source = Source(
        rank=1,
        record_id="site:1",
        score=0.81234,
        passages=(Passage(chunk_id="c1", text="Lipomas are benign fat lumps.", kind="x", score=1),),
        title=f"Lipoma {SCRIPT}",
        doctor="Lee",
        specialty="Dermatology",
        reply_date=date(2022, 3, 24),
    )
    return Draft(
        request=DraftRequest(question=question, reply="It is a lipoma."),
        title="Lipoma",
        sections=[
            Section(
                kind="opening", sentences=(DraftSentence(text="It is a lipoma.", origin="reply"),)
            ),
            Section(
                kind="explanation",
                heading="What this may be",
                sentences=(
                    DraftSentence(text="Lipomas are benign.", citations=(1,), origin="source"),
                    DraftSentence(text=f"Take {IMG} daily.", citations=(1,), origin="human"),
                ),
            ),
        ],
        sources=[source],
        provenance=Provenance(drafter="grounded-composer", model="none (no language model)"),
    )


def sentence(
    position: str, text: str, origin: str, supported: bool, evidence: str = ""
) -> SentenceCheck:
    section, index = map(int, position.split("."))
    return SentenceCheck(
        section=section,
        index=index,
        text=text,
        origin=origin,
        score=0.9 if supported else 0.2,
        supported=supported,
        evidence=evidence or None,
        evidence_from=("reply" if origin == "reply" else "[1]") if evidence else None,
    )


def make_checks() -> CheckReport:
    unsupported = f"“{IMG}” unsupported"
    return CheckReport(
        scorer="offline",
        sentences=(
            sentence("0.0", "It is a lipoma.", "reply", True, "It is a lipoma."),
            sentence("1.0", "Lipomas are benign.", "source", True, "Lipomas are benign fat lumps."),
            sentence("1.1", f"Take {IMG} daily.", "human", False),
        ),
        flags=(
            Flag(
                kind="unsupported_sentence",
                severity="warning",
                message=unsupported,
                section=1,
                index=1,
            ),
            Flag(kind="readability", severity="info", message="reads at grade 5.0"),
            Flag(kind="red_flag_without_escalation", severity="error", message="add escalation"),
        ),
        red_flags=("chest_pain",),
        grade=5.0,
        words=120,
    )


def make_question(**changes: object) -> QuestionView:
    fields: dict[str, object] = {
        "id": 7, "question": f"Is it bad? {SCRIPT} {IMG}", "reply": f"Probably not {SCRIPT}",
        "asker_sex": "female", "asker_age_range": "40~49", "specialty": "Dermatology",
        "doctor": "Lee", "status": Status.APPROVED, "created_at": NOW - timedelta(hours=5),
        "updated_at": NOW, "latest_version": 2, "flag_count": 2, "has_red_flag": True,
    }  # fmt: skip
    fields.update(changes)
    return QuestionView(**fields)  # type: ignore[arg-type]


def make_version(number: int, body: str, kind: str = "machine") -> VersionView:
    author, drafter = ("ana" if kind == "edit" else "grounded-composer"), "grounded-composer"
    draft, checks = make_draft().model_dump(mode="json"), make_checks().model_dump(mode="json")
    return VersionView(
        number, 7, number, kind, body, draft, checks, author, NOW, drafter, "none (no LLM)"
    )


def tags(markup: str) -> set[str]:
    return {m.lower() for m in re.findall(r"<\s*([a-zA-Z][a-zA-Z0-9]*)", markup)}


def test_untrusted_text_is_escaped_in_every_html_view() -> None:
    draft, checks = make_draft(f"Why? {SCRIPT}"), make_checks()
    for markup in (draft_html(draft, checks, (1, 1)), question_html(make_question())):
        assert tags(markup) <= {
            *("style", "div", "p", "h4", "span", "sup", "strong"),
            *("details", "summary", "blockquote", "mark"),
        }
        assert "&lt;script&gt;" in markup or "&lt;img" in markup
        assert 'onerror="' not in markup and "<img" not in markup
    diff = diff_html("Old <b>text</b>.", f"New {SCRIPT} text.")
    assert tags(diff) <= {"style", "div", "ins", "del"} and "&lt;script&gt;" in diff
    escaped = md_escape(f"**bold** {SCRIPT} $x$ :red[y]")
    assert "<script>" not in escaped and "\\*\\*bold\\*\\*" in escaped and "\\$x\\$" in escaped


def test_preview_highlights_unsupported_and_shows_flags_inline() -> None:
    markup = draft_html(make_draft(), make_checks())
    marked = re.findall(r'<(details|span) class="([^"]*)" data-pos="(\d\.\d)"( open)?', markup)
    assert ("details", "sentence human unsupported", "1.1", " open") in marked  # first open
    assert ("details", "sentence source", "1.0", "") in marked  # a click away
    assert "Supported · closest passage from source [1]" in markup
    assert "<mark>Lipomas</mark> are <mark>benign</mark>" in markup
    assert "⚠ not supported" in markup and "<sup>[1]</sup>" in markup
    assert "<strong>Red flag</strong> in the question" in markup
    assert "never tells the patient" in markup
    approved = draft_html(make_draft(), make_checks(), approved=True)
    marked = re.findall(r'<span class="([^"]*)" data-pos="(\d\.\d)"', approved)
    assert ("sentence human", "1.1") in marked  # the physician vouched for it
    assert '<span class="physician">physician-written</span>' in approved
    assert "⚠ not supported" not in approved


def test_flag_summary_against_targets() -> None:
    summary = summarize(make_checks())
    assert (summary.grade.value, summary.grade.ok) == ("5.0", False)
    assert summary.grade.target == "target 6-8" and summary.length.target == "target 250-900"
    assert not summary.length.ok and summary.supported.value == "67%"
    assert [f.severity for f in summary.flags] == ["error", "warning", "info"]
    assert summary.headline == "1 error(s), 1 warning(s), 3 flag(s)"
    assert open_warnings(make_checks()) == [
        ("unsupported_sentence", "1 sentence(s) not supported by any source"),
        ("red_flag_without_escalation", "add escalation"),
        ("grade", "Reading grade 5.0, target 6-8"),
        ("length", "Length 120 words, target 250-900"),
    ]
    readability = Flag(kind="readability", severity="warning", message="reads at grade 9.5")
    hard = make_checks().model_copy(update={"grade": 9.5, "flags": (readability,)})
    assert [kind for kind, _ in open_warnings(hard)] == ["readability", "length"]  # once


def test_sources_and_the_passage_behind_a_sentence() -> None:
    draft, checks = make_draft(), make_checks()
    (row,) = source_rows(draft, checks)
    assert (row["from"], row["relevance"], row["supports"]) == ("archive", "high", 1)
    assert row["date"] == "2022-03-24" and "score" not in row and "doctor" not in row
    passage = supporting_passage(draft, checks, (1, 0))
    assert passage is not None and passage.text == "Lipomas are benign fat lumps."
    assert passage.origin == f"source [1]: Lipoma {SCRIPT} — archive"
    reply = supporting_passage(draft, checks, (0, 0))
    assert reply is not None and reply.origin == "the doctor's reply"
    assert supporting_passage(draft, checks, (5, 5)) is None
    marked = highlighted("Lipomas are benign <fat> lumps.", "A lipoma is a benign lump.")
    assert marked == "<mark>Lipomas</mark> are <mark>benign</mark> &lt;fat&gt; lumps."


def test_a_source_credits_a_doctor_only_with_the_doctors_own_reply() -> None:
    site = (
        make_draft()
        .sources[0]
        .model_copy(update={"dataset": "site", "source_url": "https://www.example-clinic.com/qa/1"})
    )
    reply = Passage(chunk_id="a", text="It is a lipoma.", kind="question", score=1, dense=0.7)
    more = Passage(chunk_id="b", text="Lipomas are fat.", kind="explanation", score=1, dense=0.3)
    as_reply = site.model_copy(update={"passages": (reply,)})
    as_page = site.model_copy(update={"passages": (more,)})
    assert source_origin(as_reply) == "Dr. Lee's reply (site · example-clinic.com)"
    assert source_origin(as_page) == "site · example-clinic.com"
    assert (relevance(as_reply, 1.0), relevance(as_page, 1.0)) == ("high", "low")
    fused = site.model_copy(update={"passages": (), "score": 0.02})
    assert [relevance(fused, best) for best in (0.021, 0.04, 0.1)] == ["high", "medium", "low"]


def test_diff_marks_added_and_removed_words() -> None:
    markup = diff_html("Lipomas are always benign.", "Lipomas are usually benign.")
    assert "Lipomas are <del>always</del><ins>usually</ins> benign." in markup


def test_queue_rows_ages_and_filter() -> None:
    ages = [age_text(timedelta(seconds=s)) for s in (5, 600, 7200, 86400 * 3)]
    assert ages == ["just now", "10 min", "2 h", "3 d"]
    (row,) = queue_rows([make_question()], now=NOW)
    assert row.age == "5 h" and row.flags == "red flag · 2 flags" and row.status == "Approved"
    assert [flags_text(n, red) for n, red in ((0, True), (1, False), (0, False))] == [
        "red flag", "1 flag", "no flags",
    ]  # fmt: skip
    claimed = make_question(status=Status.IN_REVIEW, claimed_by="ana", claimed_by_display="Dr. A")
    assert reviewer_text(claimed, "ana") == "in review by you"
    assert reviewer_text(claimed, "bob") == "in review by Dr. A"
    assert reviewer_text(make_question(status=Status.IN_REVIEW), "ana") == ""
    pending = view_filter("Pending", "ana")
    where = build_filter(pending, "Cardiology", "With flags", True, "Waiting over 1 day")
    assert where.status is Status.PENDING and where.specialty == "Cardiology"
    assert where.flagged and where.red_flag and where.older_than_hours == 24.0
    assert where.order == "red_first" and build_filter(pending).specialty is None
    assert view_filter(MINE, "ana") == QueueFilter(open_only=True, claimed_by="ana")
    assert view_filter(UNCLAIMED, "ana") == QueueFilter(open_only=True, unclaimed=True)
    request, problem = new_request("  ", "")
    assert request is None and problem is not None and problem.startswith("Patient's question")
    request, _ = new_request("Why?", "", "40~49", "female", "Dermatology")
    assert request is not None and request.asker == Asker(age_range="40~49", sex="female")
    request, _ = new_request("Why?", "Rest.", doctor="Dr. Ana Lee")
    assert request is not None and request.doctor == "Ana Lee"


def test_upload_reports_bad_rows_by_line() -> None:
    csv = b"question,reply,specialty\nWhy does my calf hurt?,Rest it.,Orthopedics\n,no question,\n"
    csv += b"Is a lipoma dangerous?,,Dermatology\n"
    result = parse_upload("batch.csv", csv)
    assert [r.question for r in result.requests] == [
        "Why does my calf hurt?",
        "Is a lipoma dangerous?",
    ]
    (problem,) = result.problems
    assert problem.startswith("batch.csv:3:") and "question" in problem and "/tmp" not in problem
    jsonl = b'{"Question": "Is it contagious?"}\n{not json\n"a string"\n'
    result = parse_upload("kqa.jsonl", jsonl)
    assert len(result.requests) == 1 and [p.split(":")[1] for p in result.problems] == ["2", "3"]
    assert "upload a .csv" in parse_upload("notes.docx", b"x").problems[0]
    assert "empty" in parse_upload("empty.csv", b"").problems[0]


def test_only_physicians_decide_and_admins_do_not_edit() -> None:
    assert permissions(Role.PHYSICIAN) == Permissions(edit=True, decide=True)
    assert permissions(Role.EDITOR) == Permissions(edit=True, decide=False)
    assert permissions(Role.ADMIN) == Permissions(edit=False, decide=False)


def test_messages() -> None:
    assert throttle_message(0.3) == "Too many wrong passwords: wait 1 second, then try again."
    assert "wait 4 seconds" in throttle_message(3.2)
    assert "paused for 5 minutes" in throttle_message(300)
    ok, text = verification_message(AuditVerification(ok=True, checked=12))
    assert ok and "12 event(s)" in text
    ok, text = verification_message(
        AuditVerification(ok=False, checked=5, problem="event 3 was altered", event_id=3)
    )
    assert not ok and "event 3 was altered" in text


def test_editor_keeps_unsaved_text_when_someone_saves() -> None:
    v1 = make_version(1, "One.\n")
    detail = QuestionDetail(make_question(status=Status.IN_REVIEW), (v1,), ())
    state = sync_editor(None, detail)
    assert state == EditorState(7, 1, "One.\n")
    theirs = make_version(2, "Theirs.\n", kind="edit")
    newer = QuestionDetail(detail.question, (v1, theirs), ())
    clean = sync_editor(state, newer)
    assert clean == EditorState(7, 2, "Theirs.\n")  # nothing unsaved: follows the newest
    dirty = sync_editor(EditorState(7, 1, "Mine.\n"), newer)
    assert dirty == EditorState(7, 1, "Mine.\n", newer=2)  # unsaved: kept, base kept
    assert sync_editor(EditorState(99, 1, "Other question.\n"), newer) == clean
    assert provenance_line(theirs).endswith("edited by ana (version 2)")


def test_page_download_is_stamped_with_the_approval() -> None:
    v1 = make_version(1, to_body(make_draft()))
    approval = ReviewView(
        id=1,
        question_id=7,
        version_number=1,
        decision="approved",
        reason=None,
        comment=None,
        reviewer="ana",
        reviewer_display_name="Ana Lee",
        created_at=NOW,
    )
    detail = QuestionDetail(make_question(), (v1,), (approval,))
    page = page_file(detail, "html")
    assert (
        page is not None and page.filename.startswith("00007-") and page.filename.endswith(".html")
    )
    assert "Approved by Dr. Ana Lee on 2025-03-01 12:00 UTC" in page.data
    assert "<script>" not in page.data
    markdown = page_file(detail, "md")
    assert markdown is not None and "Approved by" in markdown.data
    pending = QuestionDetail(make_question(status=Status.IN_REVIEW), (v1,), (approval,))
    assert page_file(pending, "md") is None


def test_simplify_drops_the_hardest_source_sentences() -> None:
    hard = "Pathophysiological mechanisms underlying calcification encompass dystrophic processes."
    easy = ["Lumps are common.", "Most are fine.", "Some hurt.", "A doctor can check."]
    sentences = tuple(DraftSentence(text=t, citations=(1,), origin="source") for t in [hard, *easy])
    draft = make_draft().model_copy(
        update={"sections": [Section(kind="explanation", heading="H", sentences=sentences)]}
    )
    simpler, dropped = simplify(draft)
    assert dropped == 1 and [s.text for _, _, s in simpler.sentences()] == easy
    assert simplify(simpler) == (simpler, 0)
    answering = Section(
        kind="explanation", heading="Treatment", sentences=sentences, ask="treatment"
    )
    asked = draft.model_copy(update={"sections": [answering], "asks": ("treatment",)})
    assert simplify(asked) == (asked, 0)  # never from the section that answers the question
    composer = GroundedComposer.instructions
    assert not composer.free_text and "cannot follow your own instructions" in composer.summary


def test_regenerate_says_what_a_language_model_can_do() -> None:
    said = LLMDrafter.instructions
    assert said.free_text and "reads your instruction" in said.summary


def test_audit_events_read_as_sentences_with_display_names() -> None:
    names = {"ana": "Dr. Ana Lee", "bob": "Dr. Bob Stone"}

    def said(action: str, actor: str | None = "ana", **details: object) -> str:
        event = AuditEventView(1, NOW, actor, action, 3, dict(details))
        return describe(event, names)

    assert said("question.claimed", took_over="bob") == (
        "Dr. Ana Lee claimed #3 for review, taking it over from Dr. Bob Stone"
    )
    assert said("review.approved", version=2, acknowledged=["grade", "unsupported_sentence"]) == (
        "Dr. Ana Lee approved #3 (version 2), confirming 2 open warning(s)"
    )
    assert said("user.signed_out", reason="idle") == (
        "Dr. Ana Lee was signed out after a time without activity"
    )
    assert said("user.login_failed", actor=None, reason="unknown user") == (
        "someone failed to sign in (unknown user)"
    )
    assert said("something.new") == "Dr. Ana Lee something.new"
