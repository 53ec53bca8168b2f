"""The review page's state and actions: the editor's text and base version, the checks of
unsaved text, and save / regenerate / approve / reject / reopen with the store's refusals
turned into messages (a conflict keeps the reviewer's text and shows the other change)."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

import appstate
from assistant.checks import CheckReport
from assistant.drafting import Draft
from assistant.drafting.body import to_body
from assistant.drafting.parsing import MalformedOutput
from assistant.review.errors import Conflict, ReviewError
from assistant.review.views import (
    QuestionDetail,
    QuestionView,
    RejectReason,
    Status,
    UserView,
    VersionView,
)
from assistant.reviewui import Services
from assistant.reviewui.services import DRAFTING_ERRORS
from assistant.reviewui.text import md_escape
from assistant.reviewui.versions import (
    EditorState,
    checks_of,
    draft_of,
    request_of,
    sync_editor,
    when,
)

EDITOR = "editor"
SHOWN = "shown_version"  # (question id, version number) the last finished page showed


def last_shown(question_id: int) -> int | None:
    """The version the page showed before this run: what a click in this run was made on.
    Read it before the page renders (and ``remember_shown`` records this run's)."""
    shown: tuple[int, int] | None = st.session_state.get(SHOWN)
    return shown[1] if shown is not None and shown[0] == question_id else None


def remember_shown(question_id: int, number: int) -> None:
    st.session_state[SHOWN] = (question_id, number)


def unseen(detail: QuestionDetail, seen: int | None) -> bool:
    """True, with a message, when the newest version is not the one the reviewer saw: a
    decision applies only to what was on the screen (issue 14)."""
    latest = detail.latest
    assert latest is not None
    if seen == latest.number:
        return False
    before = f"after you opened version {seen}" if seen else "while the page loaded"
    appstate.flash(
        f"Nothing was decided: {latest.author} saved version {latest.number} {before}. "
        "It is shown now; read it before you approve or reject.",
        "error",
    )
    return True


def editor_state(detail: QuestionDetail) -> EditorState | None:
    """Syncs the editor with the newest version unless it holds unsaved changes."""
    state: EditorState | None = st.session_state.get("editor_state")
    if state is not None and EDITOR in st.session_state:
        state = replace(state, text=st.session_state[EDITOR])
    state = sync_editor(state, detail)
    st.session_state.editor_state = state
    if state is not None and st.session_state.get(EDITOR) != state.text:
        st.session_state[EDITOR] = state.text
    return state


def reset_editor(version: VersionView) -> None:
    st.session_state.editor_state = EditorState(version.question_id, version.number, version.body)
    st.session_state.pop(EDITOR, None)
    st.session_state.pop("conflict", None)


def version(detail: QuestionDetail, number: int) -> VersionView:
    return next(v for v in detail.versions if v.number == number)


def checked(services: Services, text: str, base: VersionView) -> tuple[Draft, CheckReport] | str:
    """The draft and checks of ``text``: stored ones when unchanged, else checked now (the
    last result is kept, so reruns do not check the same text again)."""
    if text == base.body:
        return draft_of(base), checks_of(base)
    key = (base.id, text)
    cached = st.session_state.get("recheck")
    if cached is None or cached[0] != key:
        try:
            cached = (key, services.recheck(text, draft_of(base)))
        except MalformedOutput as exc:
            return f"The text cannot be read as a draft: {exc}"
        st.session_state.recheck = cached
    result: tuple[Draft, CheckReport] = cached[1]
    return result


def save(services: Services, detail: QuestionDetail, text: str, base: int, by: UserView) -> None:
    base_version = version(detail, base)
    if text == base_version.body:
        appstate.flash("Nothing to save: the text is unchanged.", "warning")
        return
    try:
        with st.spinner("Checking and saving…"):
            saved = services.save(detail.question.id, text, base_version, by)
    except Conflict as exc:
        if exc.theirs is None:
            appstate.flash(str(exc), "error")
            return
        who = (detail.question.id, exc.theirs.number, exc.theirs.author)
        st.session_state.conflict = (*who, exc.diff, base)
        return
    except (ReviewError, MalformedOutput) as exc:
        appstate.flash(str(exc), "error")
        return
    reset_editor(saved)
    appstate.flash(f"Saved as version {saved.number}.")


def save_over(services: Services, detail: QuestionDetail, text: str, by: UserView) -> None:
    """After a conflict: the reviewer's text as an edit of the other version, on purpose."""
    theirs_number = st.session_state.conflict[1]
    st.session_state.pop("conflict", None)
    save(services, detail, text, theirs_number, by)


def regenerate(services: Services, detail: QuestionDetail, instruction: str, by: UserView) -> None:
    latest = detail.latest
    assert latest is not None
    try:
        with st.spinner("Drafting again…"):
            result = services.regenerate(draft_of(latest), instruction)
            note = result.draft.provenance.instruction_note or ""
            if to_body(result.draft) == latest.body:
                appstate.flash(
                    f"Drafted again, the same text as version {latest.number}: nothing was "
                    f"saved. {note}".strip(),
                    "warning",
                )
                return
            saved = services.save_regenerated(detail.question.id, result, by)
    except DRAFTING_ERRORS as exc:
        appstate.flash(str(exc), "error")
        return
    reset_editor(saved)
    appstate.flash(f"Regenerated as version {saved.number}. {note}".strip())


def approve(
    services: Services,
    detail: QuestionDetail,
    text: str,
    by: UserView,
    seen: int | None,
    acknowledged: tuple[str, ...] = (),
) -> None:
    """Approves the newest version if it is the one ``seen`` on the screen, unedited."""
    latest = detail.latest
    assert latest is not None
    if unseen(detail, seen):
        return
    if text != latest.body:
        appstate.flash(
            "The editor holds unsaved changes: save them (or reload) before approving, so "
            "that what is approved is what you read.",
            "error",
        )
        return
    try:
        services.store.approve(detail.question.id, latest.number, by, acknowledged)
    except ReviewError as exc:
        appstate.flash(str(exc), "error")
        return
    appstate.flash(f"Approved version {latest.number}. The page is now read-only.")


def reject(
    services: Services,
    detail: QuestionDetail,
    reason: RejectReason,
    comment: str,
    by: UserView,
    seen: int | None,
) -> None:
    latest = detail.latest
    assert latest is not None
    if unseen(detail, seen):
        return
    try:
        services.store.reject(detail.question.id, latest.number, reason, comment or None, by)
    except ReviewError as exc:
        appstate.flash(str(exc), "error")
        return
    appstate.flash(f"Rejected version {latest.number}: {reason.value}.", "warning")


def record_download(services: Services, by: UserView, question_id: int, fmt: str) -> None:
    """Downloads of a finished page go into the audit trail, as exports do."""
    services.store.record("page.downloaded", by, question_id, format=fmt)


def draft_now(services: Services, question: QuestionView, by: UserView) -> None:
    try:
        with st.spinner("Drafting…"):
            services.draft_question(question.id, request_of(question), by)
    except DRAFTING_ERRORS as exc:
        appstate.flash(f"Not drafted: {exc}", "error")
        return
    appstate.flash("Drafted.")


def reopen(services: Services, detail: QuestionDetail, by: UserView) -> None:
    try:
        services.store.reopen(detail.question.id, by)
    except ReviewError as exc:
        appstate.flash(str(exc), "error")
        return
    st.session_state.pop("editor_state", None)
    appstate.flash("Reopened for review: edit and save a new version.")


def claim_controls(services: Services, question: QuestionView, by: UserView) -> None:
    """Claim an open question for review, give a claim back, or take over someone's."""
    if question.status not in (Status.PENDING, Status.IN_REVIEW):
        return
    holder = question.claimed_by
    if holder is None:
        label, action = "Claim for review", "claim"
    elif holder == by.name:
        label, action = "Release (back to the queue)", "release"
    else:
        since = when(question.claimed_at) if question.claimed_at else ""
        st.warning(
            f"In review by {md_escape(question.claimed_by_display or holder)} since {since}.",
            icon=":material/person:",
        )
        label, action = "Take over the review", "take_over"
    if not st.button(
        label, key=f"claim-{action}", type="primary" if holder is None else "secondary"
    ):
        return
    store = services.store
    try:
        if action == "release":
            store.release(question.id, by)
            appstate.flash(f"Released #{question.id}: it is back in the Unclaimed view.")
        else:
            store.claim(question.id, by, take_over=action == "take_over")
            appstate.flash(f"#{question.id} is in review by you.")
    except ReviewError as exc:
        appstate.flash(str(exc), "error")
    st.rerun()


CONFIRMING = "confirming_approval"  # the question whose approval awaits confirmation


def _stop_confirming() -> None:
    st.session_state.pop(CONFIRMING, None)


@st.dialog("Approve with open warnings?", width="large", on_dismiss=_stop_confirming)
def confirm_approval(
    services: Services,
    detail: QuestionDetail,
    text: str,
    by: UserView,
    warnings: list[tuple[str, str]],
    seen: int | None,
) -> None:
    """Lists what approving accepts as it is; approves only once the physician confirms.
    Open while ``CONFIRMING`` names the question (set by the Approve button)."""
    st.write("This draft still has:")
    st.markdown("\n".join(f"- {md_escape(message)}" for _, message in warnings))
    checked = st.checkbox(
        "I have checked each of these, and approve the draft as it is.", key="acknowledge"
    )
    go_col, cancel_col = st.columns(2)
    if go_col.button("Approve anyway", type="primary", disabled=not checked, key="approve_ok"):
        _stop_confirming()
        approve(services, detail, text, by, seen, tuple(kind for kind, _ in warnings))
        st.rerun()
    if cancel_col.button("Cancel", key="approve_cancel"):
        _stop_confirming()
        st.rerun()
