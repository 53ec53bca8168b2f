"""The base of the library's expected failures: what the command line and the app show as a
plain message rather than a traceback.

Each module keeps its own error (``CorpusError``, ``IndexUnavailable``, ``LLMUnavailable``, …)
and derives it from :class:`UserError`, so a caller can handle them all without importing the
modules that raise them.
"""

from __future__ import annotations


class UserError(Exception):
    """An expected failure whose message says what went wrong and what to do about it."""
