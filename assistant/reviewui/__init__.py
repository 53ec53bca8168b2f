"""What the review UI (``ui/``) shows, computed by plain functions with their own tests.

The Streamlit pages only lay these out: the ``Services`` bundle built once per process,
the draft preview with its flags, the sources and supporting passages, diffs, history,
queue rows, uploads, sign-in messages, the audit table and the page download.
"""

from assistant.reviewui.services import Services

__all__ = ["Services"]
