"""Medical answer-drafting assistant: archive import, offline retrieval, drafting, review."""

import os

# Before any library below us is imported: onnxruntime otherwise writes a device id under
# ~/.cache at import time, and Chroma's clients would send anonymous usage events.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

__version__ = "0.1.0"
