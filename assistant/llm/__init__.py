"""The language model: any OpenAI-compatible endpoint, or the local small demo model.

``ensure_llm(settings)`` gives the base URL to use (starting the local demo model when the
settings select it), ``chat_model(settings, url)`` a langchain ``ChatOpenAI`` for it, and
``explain_errors(settings, url)`` turns an endpoint's failures into :class:`LLMUnavailable`.
"""

from assistant.llm.client import (
    DEMO_NOTE,
    LOCAL_MODEL,
    LLMUnavailable,
    ModelInfo,
    chat_model,
    describe,
    explain_errors,
    is_local,
    list_models,
)
from assistant.llm.local import LocalModelServer, LocalModelUnavailable, ensure_llm, find_gguf

__all__ = [
    "DEMO_NOTE",
    "LOCAL_MODEL",
    "LLMUnavailable",
    "LocalModelServer",
    "LocalModelUnavailable",
    "ModelInfo",
    "chat_model",
    "describe",
    "ensure_llm",
    "explain_errors",
    "find_gguf",
    "is_local",
    "list_models",
]
