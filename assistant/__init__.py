"""Medical answer-drafting assistant: archive import, offline retrieval, drafting, review."""

__version__ = "0.1.0"
