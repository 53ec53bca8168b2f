"""Review: the patient's question and the doctor's reply; the draft in an editor beside its
rendered preview with flags inline; the sources and the passage behind a chosen sentence;
save, regenerate, approve (physicians), reject; the diff from the machine draft and the
version history. Which drafter and model wrote the draft is always shown."""

import streamlit as st

import appstate
import editing
from assistant.drafting.instructions import PRESETS
from assistant.review.errors import NotFound
from assistant.review.views import QuestionDetail, RejectReason, Status
from assistant.reviewui.diffing import diff_html
from assistant.reviewui.download import FORMATS, page_file
from assistant.reviewui.flags import open_warnings, summarize
from assistant.reviewui.preview import draft_html, question_html
from assistant.reviewui.queue import STATUS_LABELS, reviewer_text
from assistant.reviewui.roles import permissions
from assistant.reviewui.sources import source_rows
from assistant.reviewui.text import md_escape
from assistant.reviewui.versions import (
    approval_of,
    checks_of,
    draft_of,
    last_rejection,
    provenance_line,
    review_rows,
    version_rows,
    when,
)
from tables import table


def show_history(detail: QuestionDetail) -> None:
    with st.expander("Version history"):
        table(version_rows(detail))
        if detail.reviews:
            table(review_rows(detail))


user = appstate.require_user()
services = appstate.services()
store = services.store

question_id = appstate.question_id()
if question_id is None:
    st.info("Open a question from the queue.")
    st.page_link(appstate.QUEUE_PAGE, label="Go to the queue", icon=":material/inbox:")
    st.stop()
try:
    detail = store.detail(question_id)
except NotFound:
    st.error(f"There is no question #{question_id}.")
    st.stop()
opened = st.session_state.setdefault("opened", set())
if question_id not in opened:  # who read what is audited, once per question and tab
    store.open_for_review(question_id, user)
    opened.add(question_id)
question, latest = detail.question, detail.latest

# a compact head, so that the draft and its sources fit the first screen (1400 x 1000)
st.subheader(f"\\#{question.id} · {md_escape(question.title or 'Untitled question')}")
st.caption(
    " · ".join(
        filter(
            None,
            (
                STATUS_LABELS[question.status],
                reviewer_text(question, user.name),
                f"version {latest.number if latest else 0}",
                md_escape(question.specialty or "no specialty"),
            ),
        )
    )
)
appstate.show_flash()
if latest is not None and permissions(user.role).edit:
    editing.claim_controls(services, question, user)
st.html(question_html(question))
if latest is None:
    st.warning("This question has not been drafted yet (or drafting failed).")
    if st.button("Draft now", key="draft_now"):
        editing.draft_now(services, question, user)
        st.rerun()
    st.stop()

provenance = f":material/smart_toy: {md_escape(provenance_line(latest))}"
if latest.model_note:
    st.warning(
        f"{md_escape(latest.model_note)}. Check every sentence against the sources.",
        icon=":material/warning:",
    )

if question.status in (Status.APPROVED, Status.REJECTED):
    if question.status == Status.APPROVED:
        approval = approval_of(detail)
        by = f"{approval.reviewer_display_name} on {when(approval.created_at)}" if approval else ""
        st.success(f"Approved by {md_escape(by)}. Read-only until reopened for review.")
        download_cols = st.columns(len(FORMATS))
        for column, fmt in zip(download_cols, FORMATS, strict=True):
            page = page_file(detail, fmt)
            if page is not None:
                column.download_button(
                    page.label,
                    page.data,
                    page.filename,
                    page.mime,
                    key=f"download-{fmt}",
                    on_click=editing.record_download,
                    args=(services, user, question.id, fmt),
                )
    else:
        rejection = last_rejection(detail)
        if rejection is not None:
            why = rejection.reason.value if rejection.reason else "no reason"
            st.error(
                f"Rejected by {md_escape(rejection.reviewer_display_name)} "
                f"({why}): {md_escape(rejection.comment or 'no comment')}"
            )
    st.caption(provenance)
    st.html(
        draft_html(draft_of(latest), checks_of(latest), approved=question.status == Status.APPROVED)
    )
    if permissions(user.role).edit and st.button("Reopen for review", key="reopen"):
        editing.reopen(services, detail, user)
        st.rerun()
    show_history(detail)
    st.stop()

# the editor and the preview ---------------------------------------------------------------
seen = editing.last_shown(question.id)  # what a click in this run was made on
state = editing.editor_state(detail)
assert state is not None
base = editing.version(detail, state.base)
if state.newer is not None:
    st.warning(
        f"Version {state.newer} was saved by someone else while you edited version "
        f"{state.base}. Saving will show their change; nothing is overwritten."
    )
conflict = st.session_state.get("conflict")
if conflict is not None and conflict[0] == question.id:
    _, number, author, diff, mine = conflict
    st.error(
        f"Not saved: {md_escape(author)} saved version {number} after version {mine}, "
        "which your text is based on. Your text is still in the editor. Their change:"
    )
    st.code(diff or "(no change in the text)", language="diff")
    if st.button(f"Save my text as the next version after {number}", key="save_over"):
        editing.save_over(services, detail, st.session_state[editing.EDITOR], user)
        st.rerun()

edit_col, preview_col = st.columns(2)
with edit_col:
    st.subheader("Draft")
    text = st.text_area(
        "More Info (Markdown: ## headings, [n] cites source n)",
        key=editing.EDITOR,
        height=320,
    )
result = editing.checked(services, text, base)
with preview_col:
    st.subheader("Preview")
    st.caption(provenance)
    if isinstance(result, str):
        st.error(result)
        st.stop()
    draft, checks = result
    st.html(draft_html(draft, checks))
editing.remember_shown(question.id, state.base)
with edit_col:  # the sources under the editor: on the first screen beside the preview
    st.caption("Sources. Click a sentence in the preview to see the passage it rests on.")
    table(
        source_rows(draft, checks),
        column_config={
            "relevance": st.column_config.TextColumn(
                help="How close the source's best passage is to the question"
            ),
            "supports": st.column_config.NumberColumn(
                help="Sentences of the draft this source supports"
            ),
        },
    )

summary = summarize(checks)
for column, measure in zip(
    st.columns(3), (summary.grade, summary.length, summary.supported), strict=True
):
    column.metric(
        measure.label,
        measure.value,
        measure.target,
        delta_color="green" if measure.ok else "orange",
        delta_arrow="off",
    )
with st.expander(f"Flags: {summary.headline}", expanded=bool(summary.errors)):
    for flag in summary.flags:
        show = {"error": st.error, "warning": st.warning, "info": st.info}[flag.severity]
        show(md_escape(flag.message))

# actions ---------------------------------------------------------------------------------
may = permissions(user.role)
save_col, approve_col, note_col = st.columns([1, 1, 4])
if may.edit and save_col.button("Save", type="primary", key="save"):
    editing.save(services, detail, text, state.base, user)
    st.rerun()
warnings = open_warnings(checks)
if may.decide and approve_col.button("Approve", key="approve"):
    if editing.unseen(detail, seen):  # a newer version came meanwhile: show it first
        st.rerun()
    elif warnings and text == latest.body:  # unsaved text: approve() says to save first
        st.session_state[editing.CONFIRMING] = question.id
    else:
        editing.approve(services, detail, text, user, seen)
        st.rerun()
if may.decide and warnings and st.session_state.get(editing.CONFIRMING) == question.id:
    editing.confirm_approval(services, detail, text, user, warnings, seen)
if not may.decide:
    note_col.caption("Only physicians approve or reject.")
regenerate_col, reject_col = st.columns(2)
if may.edit:
    with regenerate_col.expander("Regenerate"):
        can = services.drafter.instructions  # said before anything is drafted
        st.caption(can.summary)
        choices = ["", *PRESETS, *(["other"] if can.free_text else [])]
        preset = st.selectbox("Instruction", choices, key="instruction_preset")
        free = st.text_input("Your instruction", key="instruction_text", disabled=preset != "other")
        if st.button("Regenerate", key="regenerate"):
            editing.regenerate(services, detail, free if preset == "other" else preset, user)
            st.rerun()
if may.decide:
    with reject_col.expander("Reject"):
        reason = st.selectbox("Reason", list(RejectReason), key="reject_reason")
        comment = st.text_area("Comment", key="reject_comment")
        if st.button("Reject", key="reject") and reason is not None:
            editing.reject(services, detail, reason, comment, user, seen)
            st.rerun()

# changes, history -------------------------------------------------------------------------
machine = detail.machine
with st.expander("Changes from the machine draft"):
    if machine is not None:
        st.caption(f"Version {machine.number} ({machine.kind}) → the text in the editor")
        st.html(diff_html(machine.body, text))
show_history(detail)
