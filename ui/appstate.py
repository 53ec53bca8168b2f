"""What every page shares: the services (built once per process), the signed-in user, the
question being reviewed, and one-shot messages that survive a rerun."""

from __future__ import annotations

import streamlit as st

from assistant.config import Settings
from assistant.review.views import UserView
from assistant.reviewui import Services
from assistant.reviewui.text import md_escape

QUEUE_PAGE = "screens/queue.py"
REVIEW_PAGE = "screens/review.py"
AUDIT_PAGE = "screens/audit.py"
BATCH_PAGE = "screens/batch.py"
EVALUATION_PAGE = "screens/evaluation.py"


@st.cache_resource(show_spinner="Opening the index and the review store…")
def _services(key: str, _settings: Settings) -> Services:
    return Services.build(_settings)


def services() -> Services:
    """The one ``Services`` of this process (one per distinct settings)."""
    settings = Settings()
    return _services(settings.model_dump_json(), settings)


def current_user() -> UserView | None:
    user = st.session_state.get("user")
    return user if isinstance(user, UserView) else None


def require_user() -> UserView:
    user = current_user()
    if user is None:  # app.py shows the sign-in form instead of any page
        st.stop()
    assert user is not None
    return user


def sign_in(user: UserView) -> None:
    st.session_state.clear()
    st.session_state.user = user


def sign_out() -> None:
    st.session_state.clear()
    st.rerun()


def sidebar(user: UserView) -> None:
    with st.sidebar:
        st.markdown(f"Signed in as **{md_escape(user.display_name)}** ({user.role.value})")
        if st.button("Sign out", key="sign_out"):
            sign_out()


def open_question(question_id: int) -> None:
    st.session_state.question_id = question_id
    st.switch_page(REVIEW_PAGE, query_params={"q": str(question_id)})


def question_id() -> int | None:
    """From the address (``/review?q=12``), else the last one opened in this session."""
    raw = st.query_params.get("q")
    if raw is not None and str(raw).isdigit():
        st.session_state.question_id = int(raw)
        return int(raw)
    remembered = st.session_state.get("question_id")
    return remembered if isinstance(remembered, int) else None


def flash(message: str, kind: str = "success") -> None:
    st.session_state.flash = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop("flash", (None, None))
    if message:
        {"success": st.success, "warning": st.warning, "error": st.error}[kind](message)
