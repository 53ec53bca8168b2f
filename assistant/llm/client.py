"""One client for every model: langchain's ``ChatOpenAI`` over any OpenAI-compatible endpoint.

OpenAI, Azure OpenAI (its v1 endpoint), vLLM, Ollama and llama.cpp's server are all a base URL,
a model name and a key in :class:`~assistant.config.Settings`. Failures of the endpoint (down,
slow, erroring, or answering something that is not a chat completion) reach callers as one
:class:`LLMUnavailable` that says which endpoint and model failed and what to do about it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from assistant.config import Settings
from assistant.errors import UserError

if TYPE_CHECKING:  # both are imported where they are used: they cost a CLI start-up ~1.5 s
    from langchain_openai import ChatOpenAI

LOCAL_MODEL = "smollm2-135m-instruct"
"""The model name under which the local llama.cpp server serves SmolLM2-135M-Instruct."""

DEMO_NOTE = "SmolLM2-135M — a small demo model: fluent, often wrong; never a source of truth"
"""The label shown wherever the local model appears."""

LOCAL_ENDPOINT = "local llama.cpp server (started on demand)"

# Exceptions that, raised from inside the OpenAI client or langchain's parsing of its response,
# mean the endpoint answered something that is not an OpenAI chat completion.
_MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError)
# langchain_core: "No generation chunks were returned" when a stream ends empty
_CLIENT_PACKAGES = ("openai", "langchain_openai", "langchain_core", "httpx", "json", "pydantic")


class LLMUnavailable(UserError, RuntimeError):
    """The language model could not be reached or did not answer usably; the message says why."""


@dataclass(frozen=True)
class ModelInfo:
    """Which model the settings select, where it is served, and what to know about it."""

    model: str
    endpoint: str
    local: bool
    note: str | None = None

    @property
    def label(self) -> str:
        """A one-line name for the UI and the provenance of a draft."""
        return f"{self.model} ({self.note})" if self.note else self.model


def is_local(settings: Settings) -> bool:
    """True when the settings select the local small demo model."""
    return settings.llm_base_url is None or settings.llm_model == LOCAL_MODEL


def describe(settings: Settings, base_url: str | None = None) -> ModelInfo:
    """What the settings select; ``base_url`` names a running local server, if there is one."""
    local = is_local(settings)
    endpoint = settings.llm_base_url or base_url or LOCAL_ENDPOINT
    return ModelInfo(
        model=settings.llm_model,
        endpoint=endpoint,
        local=local,
        note=DEMO_NOTE if local else None,
    )


def chat_model(settings: Settings, base_url: str | None = None) -> ChatOpenAI:
    """A ``ChatOpenAI`` for the endpoint and model the settings select.

    ``base_url`` overrides ``settings.llm_base_url``; it is how callers pass the URL of a local
    server from :func:`assistant.llm.ensure_llm`. Use the model inside :func:`explain_errors`.
    """
    from langchain_openai import ChatOpenAI

    url = base_url or settings.llm_base_url
    if url is None:
        raise LLMUnavailable(
            f"No endpoint for model {settings.llm_model!r}: ASSISTANT_LLM_BASE_URL is unset, "
            "which selects the local demo model, and it has not been started. Call "
            "assistant.llm.ensure_llm(settings) first, or run `assistant llm serve` and set "
            "ASSISTANT_LLM_BASE_URL to the URL it prints."
        )
    # ChatOpenAI sends the limit as OpenAI's newer `max_completion_tokens`, which llama.cpp's
    # server (and other OpenAI-compatible servers) silently ignore; they read `max_tokens`.
    hosted = _openai_hosted(url)
    return ChatOpenAI(
        base_url=url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        temperature=settings.llm_temperature,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        max_tokens=settings.llm_max_tokens if hosted else None,
        extra_body=None if hosted else {"max_tokens": settings.llm_max_tokens},
        stream_usage=True,
    )


def _openai_hosted(url: str) -> bool:
    """OpenAI's and Azure OpenAI's own endpoints (which take `max_completion_tokens`)."""
    host = urlsplit(url).hostname or ""
    return host == "api.openai.com" or host.endswith(".openai.azure.com")


def _advice(settings: Settings) -> str:
    if settings.llm_base_url is None:
        where = "Start the local demo model with `assistant llm serve`, or set "
    else:
        where = "Check ASSISTANT_LLM_BASE_URL, ASSISTANT_LLM_MODEL and ASSISTANT_LLM_API_KEY, "
        where += "make sure the server is running, or point "
    return (
        where + "ASSISTANT_LLM_BASE_URL at another OpenAI-compatible server; or draft without a "
        "language model: `--drafter composer`."
    )


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception of a chain (say httpx's ConnectError under openai's)."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    return exc


def _raised_inside_client(tb: TracebackType | None) -> bool:
    """Whether the innermost frame of a traceback lies in the client libraries."""
    last = None
    while tb is not None:
        last = tb.tb_frame
        tb = tb.tb_next
    module = str(last.f_globals.get("__name__", "")) if last is not None else ""
    return module.split(".", 1)[0] in _CLIENT_PACKAGES


def unavailable(
    exc: BaseException, settings: Settings, base_url: str | None = None
) -> LLMUnavailable | None:
    """The :class:`LLMUnavailable` that explains ``exc``, or None when it is not an LLM failure."""
    import openai

    where = f"The language model {settings.llm_model!r} at {base_url or settings.llm_base_url}"
    attempts = _attempts(exc, settings)
    if isinstance(exc, openai.APITimeoutError):
        why = f"did not answer within {settings.llm_timeout_s:g} s ({attempts})"
    elif isinstance(exc, openai.APIConnectionError):
        root = _root_cause(exc)
        why = f"could not be reached ({attempts}): {type(root).__name__}: {root}"
    elif isinstance(exc, openai.APIStatusError):
        body = " ".join(exc.response.text.split())[:300]
        why = f"answered HTTP {exc.status_code} ({attempts}){_wait(exc)}: {body or exc.message}"
    elif isinstance(exc, openai.APIError):
        why = f"answered something that is not an OpenAI chat completion: {exc}"
    elif isinstance(exc, _MALFORMED) and _raised_inside_client(exc.__traceback__):
        detail = " ".join(str(exc).split())[:300]
        why = (
            "answered something that is not an OpenAI chat completion "
            f"({type(exc).__name__}: {detail})"
        )
    else:
        return None
    return LLMUnavailable(f"{where} {why}. {_advice(settings)}")


def _attempts(exc: BaseException, settings: Settings) -> str:
    """How many requests were really sent: the client numbers each one in the
    ``x-stainless-retry-count`` header (0 for the first), so the failed request's header
    says how many came before it. It stops early by itself, e.g. on a 4xx other than 408,
    409 and 429, or when the server asks to wait longer than it will (``Retry-After``)."""
    try:
        count: int | None = int(exc.request.headers["x-stainless-retry-count"]) + 1  # type: ignore[attr-defined]
    except (AttributeError, KeyError, ValueError, RuntimeError):
        count = None
    if count is None:
        return f"up to {settings.llm_max_retries + 1} attempts"
    return f"{count} attempt{'s' if count > 1 else ''}"


def _wait(exc: BaseException) -> str:
    """The server's ``Retry-After`` (seconds, or a date), in words; empty when it sent none."""
    response = getattr(exc, "response", None)
    asked = response.headers.get("retry-after") if response is not None else None
    if not asked:
        return ""
    shown = " ".join(str(asked).split())[:60]
    unit = " s" if shown.replace(".", "", 1).isdigit() else ""
    return f", asking to retry after {shown}{unit}"


@contextmanager
def explain_errors(settings: Settings, base_url: str | None = None) -> Iterator[None]:
    """Turns endpoint failures inside the block into :class:`LLMUnavailable`.

    Wrap each ``invoke`` or ``stream`` (including the loop over the stream's chunks)::

        with explain_errors(settings, url):
            answer = model.invoke(messages)

    The client has already retried (``llm_max_retries``) and timed out (``llm_timeout_s``);
    this only explains the final failure. Errors of the caller's own code pass through.
    """
    try:
        yield
    except LLMUnavailable:
        raise
    except Exception as exc:
        explained = unavailable(exc, settings, base_url)
        if explained is None:
            raise
        raise explained from exc


def list_models(settings: Settings, base_url: str | None = None, timeout_s: float = 5) -> list[str]:
    """The model ids the endpoint serves (``GET /models``), one quick attempt; a liveness probe."""
    import openai

    url = base_url or settings.llm_base_url
    client = openai.OpenAI(
        base_url=url,
        api_key=settings.llm_api_key.get_secret_value() or "not-needed",
        timeout=timeout_s,
        max_retries=0,
    )
    quick = settings.model_copy(update={"llm_max_retries": 0, "llm_timeout_s": timeout_s})
    try:
        with explain_errors(quick, url):
            return [m.id for m in client.models.list()]
    finally:
        client.close()


__all__ = [
    "DEMO_NOTE",
    "LOCAL_MODEL",
    "LLMUnavailable",
    "ModelInfo",
    "chat_model",
    "describe",
    "explain_errors",
    "is_local",
    "list_models",
    "unavailable",
]
