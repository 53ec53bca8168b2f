"""Audit: every event (who did what to which question, when), filtered, and a check that the
hash chain is intact (no event altered or deleted)."""

import streamlit as st

import appstate
from assistant.reviewui.audit import ANY, choice, event_rows, verification_message
from tables import table

appstate.require_user()
store = appstate.services().store

st.title("Audit trail")
actor_col, action_col, question_col = st.columns(3)
actor = actor_col.selectbox("Actor", [ANY, *(u.name for u in store.users())], key="audit_actor")
actions = sorted({e.action for e in store.events(limit=2000)})
action = action_col.selectbox("Action", [ANY, *actions], key="audit_action")
question = question_col.number_input(
    "Question # (0: all)", min_value=0, step=1, value=0, key="audit_question"
)

events = store.events(actor=choice(actor), action=choice(action), question_id=question or None)
st.caption(f"{len(events)} event(s), newest first")
names = {u.name: u.display_name for u in store.users()}
table(event_rows(events, names))

if st.button("Verify chain", key="verify"):
    ok, message = verification_message(store.verify_audit())
    (st.success if ok else st.error)(message)
