"""Queue: questions by status with counts, filters, a form for a new question and an upload
of many, each drafted on arrival."""

import streamlit as st

import appstate
from assistant.review.views import Role
from assistant.reviewui.queue import (
    AGE_CHOICES,
    ANY_SPECIALTY,
    FLAG_CHOICES,
    ORDERS,
    SEXES,
    VIEWS,
    build_filter,
    new_request,
    queue_rows,
    view_filter,
)
from assistant.reviewui.services import DRAFTING_ERRORS
from assistant.reviewui.text import md_escape
from assistant.reviewui.upload import ACCEPTED, parse_upload

user = appstate.require_user()
services = appstate.services()
store = services.store

st.title("Review queue")
appstate.show_flash()

views = {view: view_filter(view, user.name) for view in VIEWS}
view = st.radio(
    "Show",
    VIEWS,
    format_func=lambda v: f"{v} ({store.count(views[v])})",
    horizontal=True,
    key="queue_view",
)
specialty_col, flags_col, age_col, search_col, order_col = st.columns([3, 2, 2, 3, 3])
specialty = specialty_col.selectbox(
    "Specialty", [ANY_SPECIALTY, *store.specialties()], key="queue_specialty"
)
flags = flags_col.selectbox("Flags", list(FLAG_CHOICES), key="queue_flags")
age = age_col.selectbox("Waiting", list(AGE_CHOICES), key="queue_age")
search = search_col.text_input("Words in the question", key="queue_search")
order = order_col.selectbox("Order", list(ORDERS), key="queue_order")
red_only = st.checkbox("Red flags only", key="queue_red")

where = build_filter(views[view or VIEWS[0]], specialty, flags, red_only, age, search, order)
questions = store.queue(where)
st.caption(f"{len(questions)} question(s), {order.lower()}")
for row in queue_rows(questions, user.name):
    with st.container(border=True):
        text_col, meta_col, open_col = st.columns([7, 3, 1])
        text_col.markdown(f"**\\#{row.id} · {md_escape(row.title)}**")
        text_col.caption(md_escape(row.question))
        about = [row.specialty, f"waiting {row.age}", row.flags, f"version {row.version}"]
        meta_col.caption(md_escape(" · ".join(filter(None, [*about, row.reviewer]))))
        if open_col.button("Open", key=f"open-{row.id}"):
            appstate.open_question(row.id)

with st.expander("New question"), st.form("new_question", clear_on_submit=True):
    question = st.text_area("Patient's question", key="new_question_text")
    reply = st.text_area("Doctor's short reply (optional)", key="new_question_reply")
    doctor_col, specialty_new_col = st.columns(2)
    doctor = doctor_col.text_input(
        "Doctor who replied",
        value=user.display_name if user.role == Role.PHYSICIAN else "",
        help='Shown on the page as "Dr. … reply"; leave empty for "Doctor\'s reply".',
        key="new_doctor",
    )
    specialty_new = specialty_new_col.text_input("Specialty", key="new_specialty")
    age_range_col, sex_col = st.columns(2)
    age_range = age_range_col.text_input("Asker's age range", placeholder="40~49", key="new_age")
    sex = sex_col.selectbox("Asker's sex", SEXES, key="new_sex")
    create = st.form_submit_button("Create and draft", type="primary", key="new_question_submit")
if create:
    request, problem = new_request(question, reply, age_range, sex, specialty_new, doctor)
    if request is None:
        st.error(problem)
    else:
        try:
            with st.spinner("Drafting…"):
                created = services.create_and_draft(request, user)
        except DRAFTING_ERRORS as exc:
            st.error(f"Not drafted: {exc}")
        else:
            appstate.flash(f"Question #{created.id} was created and drafted.")
            st.rerun()

with st.expander("Upload questions (CSV or JSON lines)"):
    upload = st.file_uploader(
        "A .csv with a 'question' column, or a .jsonl with a 'question' key per line",
        type=list(ACCEPTED),
        key=f"upload-{st.session_state.get('uploads', 0)}",  # a new key empties it
    )
    if upload is not None:
        parsed = parse_upload(upload.name, upload.getvalue())
        st.write(f"{len(parsed.requests)} question(s) ready to draft.")
        for problem in parsed.problems[:20]:
            st.warning(md_escape(problem))
        if len(parsed.problems) > 20:
            st.warning(f"… and {len(parsed.problems) - 20} more problems.")
        if parsed.requests and st.button("Create and draft all", key="upload_go"):
            bar = st.progress(0.0, text="Drafting…")
            try:
                made = services.create_many(
                    parsed.requests,
                    user,
                    progress=lambda done, total: bar.progress(
                        done / total, text=f"Drafted {done} of {total}"
                    ),
                )
            except DRAFTING_ERRORS as exc:
                st.error(f"Stopped: {exc}. The questions drafted so far are in the queue.")
            else:
                st.session_state.uploads = st.session_state.get("uploads", 0) + 1
                appstate.flash(f"{len(made)} question(s) were created and drafted.")
                st.rerun()
