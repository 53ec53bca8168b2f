"""The review app's pages through Streamlit's AppTest, against a real index (the site page
and 30 MedQuAD records) and a real SQLite review store under a temporary ASSISTANT_HOME."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.config import Settings
from assistant.corpus import Asker, load
from assistant.drafting import DraftRequest
from assistant.index import Archive
from assistant.review.errors import PermissionDenied
from assistant.review.insights import outcomes
from assistant.review.views import QuestionView, Role, Status
from assistant.reviewui import Services
from assistant.reviewui.download import page_file
from tests.conftest import DATA, PAGE

APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"
PASSWORD = "correct-horse-battery"
PEOPLE = {  # name: (role, display name)
    "ana": (Role.PHYSICIAN, "Ana Lee"),
    "bob": (Role.PHYSICIAN, "Bob Stone"),
    "ed": (Role.EDITOR, "Ed Miller"),
    "tom": (Role.PHYSICIAN, "Tom Wrong"),
}
CALF = DraftRequest(
    question="I have a calcified lump under the skin of my calf. Is it dangerous?",
    reply="It is most likely a benign calcified lipoma; an ultrasound would tell.",
    specialty="Dermatology",
    asker=Asker(age_range="40~49", sex="female"),
)


def build_home(home: Path) -> Settings:
    """An index of the site page and 30 MedQuAD records, and the people above."""
    settings = Settings(home=home)
    records = load(DATA / "medquad.jsonl.gz", limit=30).records
    Archive(settings).ingest([*records, *load(PAGE, format="pages").records])
    services = Services.build(settings)
    for name, (role, display) in PEOPLE.items():
        services.store.add_user(name, PASSWORD, role, display)
    services.store.close()
    return settings


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    settings = build_home(tmp_path_factory.mktemp("ui-home"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_HOME", str(settings.home))
        built = Services.build(settings)
        yield built
        built.close()
        st.cache_resource.clear()


def draft(services: Services, request: DraftRequest = CALF) -> QuestionView:
    return services.create_and_draft(request, services.store.user("ed"))


def signed_in(name: str, password: str = PASSWORD) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    return sign_in(at, name, password)


def sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return at.button(key="sign_in_submit").click().run()


def review(at: AppTest, question_id: int) -> AppTest:
    at.query_params["q"] = str(question_id)
    return at.switch_page("screens/review.py").run()


def texts(elements: object) -> str:
    """The values of ``elements``, Markdown escapes (``\\.``) undone."""
    joined = "\n".join(str(e.value) for e in elements)  # type: ignore[attr-defined]
    return re.sub(r"\\(.)", r"\1", joined)


def test_every_page_needs_a_sign_in(services: Services) -> None:
    question = draft(services)
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    pages = ("queue", "audit", "batch", "evaluation", "insights", "review")  # review last
    for page in (f"screens/{name}.py" for name in pages):
        at.query_params["q"] = str(question.id)
        at.switch_page(page).run()
        assert [t.value for t in at.title] == ["Sign in"]
        assert not at.text_area and not at.dataframe
    sign_in(at, "ana")  # …and then the page that was asked for
    assert "calcified lump" in at.subheader[0].value and at.text_area(key="editor").value


def test_wrong_password_then_throttled(services: Services) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    for _ in range(2):
        sign_in(at, "tom", "not-the-password")
        assert [e.value for e in at.error] == ["Wrong user name or password."]
    messages = []
    for _ in range(6):  # the wait doubles with each failure: one attempt soon lands inside it
        sign_in(at, "tom", "not-the-password")
        messages.append(texts(at.error))
        if "Too many wrong passwords" in messages[-1]:
            break
    assert "Too many wrong passwords: wait" in messages[-1], messages
    assert [t.value for t in at.title] == ["Sign in"]


def test_queue_counts_and_filters(services: Services) -> None:
    heart = DraftRequest(
        question="I have crushing chest pain spreading to my left arm since an hour.",
        specialty="Cardiology",
    )
    palpitations = DraftRequest(question="My heart skips beats at night.", specialty="Cardiology")
    red, calm = draft(services, heart), draft(services, palpitations)
    at = signed_in("ana")
    counts = services.store.counts()
    labels = at.radio(key="queue_view").options
    assert labels[:2] == [f"Unclaimed ({counts[Status.PENDING]})", "My reviews (0)"]
    assert f"Approved ({counts.get(Status.APPROVED, 0)})" in labels

    def shown() -> list[str]:
        return [b.key for b in at.button if b.key and b.key.startswith("open-")]

    at.selectbox(key="queue_specialty").select("Cardiology").run()
    assert shown() == [f"open-{red.id}", f"open-{calm.id}"]  # red flags first
    assert "red flag" in texts(at.caption) and "flag(s)" not in texts(at.caption)
    at.checkbox(key="queue_red").check().run()
    assert shown() == [f"open-{red.id}"]
    at.radio(key="queue_view").set_value("Approved (0)").run()
    assert not shown()

    review(at, calm.id)  # reading changes nothing
    assert services.store.detail(calm.id).question.status is Status.PENDING
    at.button(key="claim-claim").click().run()
    assert "in review by you" in texts(at.caption)
    claimed = services.store.detail(calm.id).question
    assert (claimed.status, claimed.claimed_by) == (Status.IN_REVIEW, "ana")
    at.switch_page("screens/queue.py").run()
    at.radio(key="queue_view").set_value("My reviews (1)").run()
    at.checkbox(key="queue_red").uncheck().run()
    assert shown() == [f"open-{calm.id}"]
    bob = review(signed_in("bob"), calm.id)  # another physician sees who has it
    assert "In review by Ana Lee since" in texts(bob.warning)
    assert bob.button(key="claim-take_over")


def test_new_question_and_upload_are_drafted(services: Services) -> None:
    at = signed_in("ed")
    at.text_area(key="new_question_text").input("Can a lipoma on my calf turn into cancer?")
    at.text_input(key="new_specialty").input("Dermatology")
    assert at.text_input(key="new_doctor").value == ""  # an editor: no doctor to prefill
    at.text_input(key="new_doctor").input("Dr. Ana Lee")
    at.button(key="new_question_submit").click().run()
    assert "was created and drafted" in texts(at.success)
    newest = max(services.store.queue(), key=lambda q: q.id)
    assert (newest.doctor, newest.specialty) == ("Ana Lee", "Dermatology")
    assert signed_in("ana").text_input(key="new_doctor").value == "Ana Lee"  # a physician
    csv = b"question,specialty\nIs a calcified lump in the calf serious?,Surgery\n,Surgery\n"
    at.file_uploader[0].set_value(("batch.csv", csv, "text/csv")).run()
    assert "batch.csv:3" in texts(at.warning)
    before = services.store.counts()[Status.PENDING]
    at.button(key="upload_go").click().run()
    assert "1 question(s) were created and drafted" in texts(at.success)
    assert services.store.counts()[Status.PENDING] == before + 1
    assert not at.file_uploader[0].value  # emptied: a second click cannot draft them twice


def test_edit_save_approve_and_download(services: Services) -> None:
    question = draft(services)
    at = review(signed_in("ana"), question.id)
    drafted_by = texts(at.caption)  # always shown: which drafter and which model
    assert "grounded-composer · model: none (no language model)" in drafted_by
    body = at.text_area(key="editor").value
    edited = body.replace("an ultrasound would tell.", "an ultrasound scan would tell.")
    assert edited != body
    at.text_area(key="editor").input(edited).run()
    assert "scan</ins>" in texts(at.html)  # the diff from the machine draft
    at.button(key="save").click().run()
    assert "Saved as version 2." in texts(at.success)
    at.button(key="approve").click().run()  # open warnings: confirm first
    assert services.store.detail(question.id).question.status == Status.IN_REVIEW
    assert "This draft still has:" in texts(at.markdown)
    assert "no section of the draft answers it" in texts(at.markdown)
    assert at.button(key="approve_ok").disabled
    at.checkbox(key="acknowledge").check().run()
    at.button(key="approve_ok").click().run()
    detail = services.store.detail(question.id)
    assert detail.question.status == Status.APPROVED and detail.latest
    (approval,) = services.store.events(action="review.approved", question_id=question.id)
    assert approval.details["acknowledged"]  # which warnings the physician accepted
    assert detail.latest.body == edited
    assert "editor" not in {t.key for t in at.text_area}  # read-only now
    assert [b.key for b in at.download_button] == ["download-md", "download-html"]
    at.download_button(key="download-html").click().run()
    (event,) = services.store.events(action="page.downloaded", question_id=question.id)
    assert (event.actor, event.details["format"]) == ("ana", "html")
    assert at.button(key="reopen")
    page = page_file(detail, "md")
    assert page is not None and "Approved by Dr. Ana Lee" in page.data
    assert "an ultrasound scan would tell" in page.data


def test_reject_with_reason(services: Services) -> None:
    question = draft(services)
    at = review(signed_in("bob"), question.id)
    at.selectbox(key="reject_reason").select("unsupported_by_sources")
    at.text_area(key="reject_comment").input("Sources are about other lumps.")
    at.button(key="reject").click().run()
    (decision,) = services.store.detail(question.id).reviews
    assert (decision.decision, decision.reason, decision.reviewer) == (
        "rejected",
        "unsupported_by_sources",
        "bob",
    )
    assert "Sources are about other lumps" in texts(at.error)
    keys = {b.key for b in at.button}
    assert "reopen" in keys and "save" not in keys


def test_conflict_keeps_both_texts(services: Services) -> None:
    question = draft(services)
    first, second = review(signed_in("ana"), question.id), review(signed_in("bob"), question.id)
    body = first.text_area(key="editor").value
    theirs = body.replace("ultrasound", "ultrasound scan")
    mine = body.replace("benign", "harmless")
    first.text_area(key="editor").input(theirs)
    first.button(key="save").click().run()
    second.text_area(key="editor").input(mine)
    second.button(key="save").click().run()
    assert "Not saved: ana saved version 2 after version 1" in texts(second.error)
    assert "+" in texts(second.code) and "scan" in texts(second.code)
    assert second.text_area(key="editor").value == mine  # nothing lost
    assert services.store.detail(question.id).latest.body == theirs  # type: ignore[union-attr]
    second.button(key="save_over").click().run()
    latest = services.store.detail(question.id).latest
    assert latest is not None and (latest.number, latest.author, latest.body) == (3, "bob", mine)


def test_a_decision_applies_only_to_the_version_on_the_screen(services: Services) -> None:
    """Issue 14: two physicians read version 1; an editor saves version 2 with a dosing
    sentence; Approve and Reject decide nothing and show version 2, which can then be
    approved."""
    question = draft(services)
    ana, bob = review(signed_in("ana"), question.id), review(signed_in("bob"), question.id)
    editor = review(signed_in("ed"), question.id)
    dosing = "Take 800 mg of ibuprofen every two hours."
    body = editor.text_area(key="editor").value
    editor.text_area(key="editor").input(f"{body}\n\n{dosing}")
    editor.button(key="save").click().run()
    unseen = "Nothing was decided: ed saved version 2 after you opened version 1"
    ana.button(key="approve").click().run()
    bob.button(key="reject").click().run()
    for page in (ana, bob):
        assert unseen in texts(page.error)
        assert dosing in page.text_area(key="editor").value  # version 2 is shown now
    detail = services.store.detail(question.id)
    assert detail.question.status == Status.IN_REVIEW and not detail.reviews
    ana.button(key="approve").click().run()  # now it was on the screen
    assert "This draft still has:" in texts(ana.markdown)  # version 2's own warnings
    ana.checkbox(key="acknowledge").check().run()
    ana.button(key="approve_ok").click().run()
    (approval,) = services.store.detail(question.id).reviews
    assert (approval.decision, approval.version_number) == ("approved", 2)


def test_editor_cannot_approve(services: Services) -> None:
    question = draft(services)
    at = review(signed_in("ed"), question.id)
    assert at.text_area(key="editor").value and at.button(key="save")
    assert not [b for b in at.button if b.key == "approve"]
    assert "Only physicians approve or reject." in texts(at.caption)
    assert "reject" not in {b.key for b in at.button}
    with pytest.raises(PermissionDenied):
        services.store.approve(question.id, 1, services.store.user("ed"))


def test_markup_in_patient_text_is_inert(services: Services) -> None:
    nasty = DraftRequest(
        question="<script>alert('x')</script> My calf lump <img src=x onerror=alert(1)> hurts?",
        reply="<b>Bold</b> claim about a lipoma.",
        specialty="<i>Dermatology</i>",
    )
    question = draft(services, nasty)
    at = review(signed_in("ana"), question.id)
    markup = texts(at.html)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in markup
    assert "<script" not in markup and "<img" not in markup and "<b>" not in markup
    markdown = [e.value for e in (*at.subheader, *at.caption, *at.markdown)]
    assert any("script" in m for m in markdown)  # shown as text: every < is escaped
    assert not [m for m in markdown if re.search(r"(?<!\\)<", m)]


def test_regenerate_and_audit(services: Services) -> None:
    question = draft(services)
    at = review(signed_in("ana"), question.id)
    assert "cannot follow your own instructions" in texts(at.caption)
    assert "other" not in at.selectbox(key="instruction_preset").options  # composer: presets
    at.selectbox(key="instruction_preset").select("shorter")
    at.button(key="regenerate").click().run()  # few sources: the same text as version 1
    assert "the same text as version 1: nothing was saved" in texts(at.warning)
    assert services.store.detail(question.id).latest.number == 1  # type: ignore[union-attr]
    body = at.text_area(key="editor").value
    at.text_area(key="editor").input(body.replace("would tell.", "would tell us.")).run()
    at.button(key="save").click().run()
    at.button(key="regenerate").click().run()
    assert "Regenerated as version 3" in texts(at.success)
    assert services.store.detail(question.id).latest.kind == "regenerated"  # type: ignore[union-attr]
    at.switch_page("screens/audit.py").run()
    at.selectbox(key="audit_actor").select("ana").run()
    rows = at.dataframe[0].value
    assert all(w.startswith("Ana Lee ") for w in rows["what happened"])
    assert {"user.login_ok", "question.opened", "version.saved"} <= set(rows["event"])
    said = set(rows["what happened"])
    assert {"Ana Lee signed in", f"Ana Lee opened #{question.id}"} <= said
    assert f"Ana Lee saved #{question.id} (version 3), regenerated" in said
    assert all(isinstance(q, str) for q in rows["question"])  # one type: no Arrow error
    at.button(key="verify").click().run()
    assert "The audit chain is intact" in texts(at.success)


def test_app_tables_save_as_csv_without_formulas(services: Services) -> None:
    """Streamlit's table toolbar saves a table as CSV: a display name that is a formula is
    text there (a quote in front), and the numbers stay numbers (issue 14 item 7)."""
    services.store.add_user("eve", PASSWORD, Role.EDITOR, '=HYPERLINK("http://evil.example")')
    at = signed_in("eve")
    at.switch_page("screens/audit.py").run()
    at.selectbox(key="audit_actor").select("eve").run()
    rows = at.dataframe[0].value
    assert '\'=HYPERLINK("http://evil.example") signed in' in set(rows["what happened"])
    assert all(w.startswith("'=") for w in rows["what happened"])
    assert str(rows["id"].dtype) == "int64"


def test_a_disabled_account_is_signed_out_at_its_next_run(services: Services) -> None:
    """The tab stays open on the audit page while an administrator disables the account: its
    next run shows the sign-in form and says why, and no page opens (issue 14 item 7)."""
    services.store.add_user("zed", PASSWORD, Role.EDITOR, "Zed Gone")
    at = signed_in("zed")
    at.switch_page("screens/audit.py").run()
    assert [t.value for t in at.title] == ["Audit trail"] and at.dataframe
    services.store.disable_user("zed")
    at.run()
    assert [t.value for t in at.title] == ["Sign in"] and not at.dataframe
    assert "Your account is disabled" in texts(at.warning)
    at.switch_page("screens/queue.py").run()
    assert [t.value for t in at.title] == ["Sign in"] and not at.dataframe


def test_undrafted_question_can_be_drafted_from_its_page(services: Services) -> None:
    question = services.store.create_question(CALF, services.store.user("ed"))
    at = review(signed_in("ed"), question.id)
    assert "has not been drafted yet" in texts(at.warning)
    at.button(key="draft_now").click().run()
    assert at.text_area(key="editor").value.strip()
    assert services.store.detail(question.id).latest.number == 1  # type: ignore[union-attr]


def test_regenerate_follows_instructions_the_composer_can(services: Services) -> None:
    """The composer follows the instruction itself and says in the provenance what it did."""
    base, _ = services.drafting(CALF)
    assert base.provenance.instruction_note is None
    shorter = services.regenerate(base, "shorter").draft.provenance.instruction_note
    assert shorter and "at most 6 source sentences" in shorter
    simpler = services.regenerate(base, "Simpler.").draft.provenance.instruction_note
    assert simpler and "above grade 10" in simpler
    free = services.regenerate(base, "mention  compression stockings").draft
    assert free.provenance.instruction_note
    assert "cannot follow free-text instructions" in free.provenance.instruction_note
    assert free.request.instruction == "mention compression stockings"


def test_a_demo_model_draft_carries_its_warning(services: Services) -> None:
    composed, checks = services.drafting(CALF)  # labelled as the demo model wrote it
    note = "SmolLM2-135M — a small demo model: fluent, often wrong; never a source of truth"
    provenance = composed.provenance.model_copy(
        update={"drafter": "llm", "model": "smollm2-135m-instruct", "model_note": note}
    )
    editor = services.store.user("ed")
    question = services.store.create_question(CALF, editor)
    labelled = composed.model_copy(update={"provenance": provenance})
    services.store.add_machine_version(question.id, labelled, checks, by=editor)
    at = review(signed_in("ana"), question.id)
    assert "Drafted by llm · model: smollm2-135m-instruct" in texts(at.caption)
    assert f"{note}. Check every sentence against the sources." in texts(at.warning)


def test_insights_show_what_physicians_did_with_the_drafts(services: Services) -> None:
    approved, waiting = draft(services), draft(services)
    doc = services.store.user("ana")
    services.store.approve(approved.id, 1, doc)
    at = signed_in("bob").switch_page("screens/insights.py").run()
    assert not at.exception and [t.value for t in at.title] == ["Draft insights"]
    metrics = {m.label: m.value for m in at.metric}
    drafts = len(outcomes(services.store))
    assert metrics["Machine drafts"] == str(drafts) and drafts >= 2
    assert (
        metrics["Approved"]
        == f"{sum(o.decision == 'approved' for o in outcomes(services.store)) / drafts:.0%}"
    )
    (table,) = [d.value for d in at.dataframe if "approved unchanged" in d.value.columns]
    assert "grounded-composer" in set(table["drafter"])  # one row per drafter and week
    assert services.store.detail(waiting.id).question.status.value == "pending"


@pytest.mark.parametrize("link", ["²", "٣", "12345678901234567890", "-1", "1e3", " 7"])
def test_a_malformed_question_link_shows_no_traceback(services: Services, link: str) -> None:
    at = signed_in("ana")
    at.query_params["q"] = link
    at.switch_page("screens/review.py").run()
    assert not at.exception
    assert "Open a question from the queue" in texts(at.info) or "There is no question" in texts(
        at.error
    )


def test_a_message_quoting_an_endpoint_shows_its_markdown_as_text(services: Services) -> None:
    """Issue 14: an LLM endpoint's error body may carry Markdown (an image from a
    third-party host); the app shows it as text, never renders it."""
    at = signed_in("ana")
    at.session_state["flash"] = ("error", "HTTP 500: ![x](https://evil.example/p.png) **now**")
    at.switch_page("screens/queue.py").run()
    (shown,) = [e.value for e in at.error if "HTTP 500" in e.value]
    assert "\\!\\[x\\]" in shown and "\\*\\*now\\*\\*" in shown
    assert "![x](https://evil.example/p.png) **now**" in texts(at.error)  # the words, intact
