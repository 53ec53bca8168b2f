"""The app's tables. Streamlit's table toolbar saves any table as CSV, so every cell goes
through ``assistant.spreadsheet.safe_rows`` first: a display name, topic or question that
begins with = + - @ opens in a spreadsheet as text, not as a formula."""

from collections.abc import Iterable, Mapping
from typing import Any

import streamlit as st

from assistant.spreadsheet import safe_rows


def table(rows: Iterable[Mapping[str, object]], **options: Any) -> None:
    st.dataframe(safe_rows(rows), hide_index=True, width="stretch", **options)
