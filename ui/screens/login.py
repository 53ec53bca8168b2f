"""Sign in: user name and password; repeated wrong passwords are slowed down by the store."""

import streamlit as st

import appstate
from assistant.reviewui.login import sign_in


def show() -> None:
    st.title("Sign in")
    appstate.show_flash()  # why a session ended
    st.caption(
        "Drafts of patient explanations, reviewed by physicians. Nothing is published "
        "without a named physician's approval."
    )
    with st.form("sign_in"):
        name = st.text_input("User name", key="login_name")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Sign in", type="primary", key="sign_in_submit")
    if submitted:
        with st.spinner("Checking…"):
            result = sign_in(appstate.services().store, name, password)
        if result.user is None:
            st.error(result.message or "Could not sign in.")
        else:
            appstate.sign_in(result.user)
            st.rerun()
