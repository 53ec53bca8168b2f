"""What every page shares: the services (built once per process), the signed-in user, the
question being reviewed, and one-shot messages that survive a rerun.

The signed-in session survives reloads and shared links: the browser keeps a random token in a
cookie (set by a line of JavaScript, as Streamlit has no cookie API), and every page run asks
the review store whether the session still stands (sign-out, idle time, lifetime, a disabled
user end it)."""

from __future__ import annotations

import streamlit as st

from assistant.config import Settings
from assistant.review.views import UserView
from assistant.reviewui import Services
from assistant.reviewui.login import COOKIE
from assistant.reviewui.text import md_escape

QUEUE_PAGE = "screens/queue.py"
REVIEW_PAGE = "screens/review.py"
AUDIT_PAGE = "screens/audit.py"
BATCH_PAGE = "screens/batch.py"
EVALUATION_PAGE = "screens/evaluation.py"
INSIGHTS_PAGE = "screens/insights.py"


@st.cache_resource(show_spinner="Opening the index and the review store…")
def _services(key: str, _settings: Settings) -> Services:
    return Services.build(_settings)


def services() -> Services:
    """The one ``Services`` of this process (one per distinct settings)."""
    settings = Settings()
    return _services(settings.model_dump_json(), settings)


def current_user(touch: bool = True) -> UserView | None:
    """The signed-in user, if this tab's session (or the browser's cookie) still stands;
    ``touch=False``: a check of the page's own, which is no activity of the user's."""
    token = st.session_state.get("token")
    if token is None:
        token = st.context.cookies.get(COOKIE)
        if not isinstance(token, str) or not token or token == st.session_state.get("stale"):
            return None
    resumed = services().store.resume_session(token, touch)
    if resumed.user is None:
        if "token" in st.session_state:  # this tab was signed in: nothing of it is kept
            st.session_state.clear()
        st.session_state.stale, st.session_state.cookie = token, None  # the browser forgets it
        if resumed.reason:
            flash(resumed.reason, "warning")
        return None
    st.session_state.user, st.session_state.token = resumed.user, token
    return resumed.user


def require_user(touch: bool = True) -> UserView:
    """The signed-in user, at every run of a page or of a part of it (a fragment that
    refreshes itself): once the session has ended (the account disabled, signed out
    elsewhere, idle), the whole app runs again at once and shows the sign-in form."""
    signed_in = st.session_state.get("token") is not None
    user = current_user(touch)
    if user is None:
        if signed_in:  # it ended just now: app.py shows the sign-in form instead of any page
            st.rerun(scope="app")
        st.stop()  # never signed in (a page run on its own): nothing to show, nothing to rerun
    assert user is not None
    return user


def watch_session() -> None:
    """Every ``session_check_seconds``, checks that this tab's session still stands, so that
    a page left open (the queue, the audit) is replaced by the sign-in form without a click
    once the account is disabled; the check keeps no idle session alive."""
    st.fragment(_check_session, run_every=Settings().session_check_seconds)()


def _check_session() -> None:
    require_user(touch=False)


def sign_in(user: UserView) -> None:
    token = services().store.start_session(user)
    st.session_state.clear()
    st.session_state.user, st.session_state.token = user, token
    st.session_state.cookie = token  # the browser keeps it


def sign_out() -> None:
    token = st.session_state.get("token")
    if token:
        services().store.end_session(str(token))
    st.session_state.clear()
    st.session_state.stale, st.session_state.cookie = token, None
    st.rerun()


def sync_cookie() -> None:
    """Sets or clears the browser's session cookie when sign-in or sign-out changed it."""
    if "cookie" not in st.session_state:
        return
    token = st.session_state.pop("cookie")
    max_age = Settings().session_max_hours * 3600 if token else 0
    value = f"{COOKIE}={token or ''}; Path=/; Max-Age={max_age}; SameSite=Strict"
    st.html(
        f"<script>document.cookie = '{value}' + "
        "(location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


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
    raw = str(st.query_params.get("q") or "")
    # ASCII digits only ("²" and "٣" are digits to str.isdigit), and at most nine of them:
    # a 20-digit number would overflow the database's integer
    if raw.isascii() and raw.isdigit() and len(raw) <= 9:
        st.session_state.question_id = int(raw)
        return int(raw)
    remembered = st.session_state.get("question_id")
    return remembered if isinstance(remembered, int) else None


def flash(message: str, kind: str = "success") -> None:
    """A message for the next run of the page, shown as plain text: it may quote a store's
    refusal or an LLM endpoint's error body, whose Markdown (an image from another host)
    must not render."""
    st.session_state.flash = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop("flash", (None, None))
    if message:
        {"success": st.success, "warning": st.warning, "error": st.error}[kind](md_escape(message))
