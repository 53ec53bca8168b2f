"""The review app: ``assistant ui`` (or ``streamlit run ui/app.py``).

Every page needs a signed-in user: without one, whatever page the address names, the screen
shows the sign-in form, and after signing in the page that was asked for.
"""

from pathlib import Path

import streamlit as st

import appstate
from screens import login

# the icon is a file of the app's own: a material-icon or emoji icon is fetched from a CDN
ICON = Path(__file__).with_name("favicon.png")
st.set_page_config(page_title="Draft review", page_icon=str(ICON), layout="wide")

pages = [
    st.Page(appstate.QUEUE_PAGE, title="Queue", icon=":material/inbox:", default=True),
    st.Page(appstate.REVIEW_PAGE, title="Review", icon=":material/rate_review:"),
    st.Page(appstate.BATCH_PAGE, title="Batch", icon=":material/playlist_add:"),
    st.Page(appstate.EVALUATION_PAGE, title="Evaluation", icon=":material/analytics:"),
    st.Page(appstate.INSIGHTS_PAGE, title="Insights", icon=":material/insights:"),
    st.Page(appstate.AUDIT_PAGE, title="Audit", icon=":material/verified_user:"),
]
user = appstate.current_user()
page = st.navigation(pages, position="sidebar" if user else "hidden")
appstate.sync_cookie()
if user is None:
    login.show()
else:
    appstate.sidebar(user)
    appstate.watch_session()
    page.run()
