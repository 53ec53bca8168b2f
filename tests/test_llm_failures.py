"""An endpoint that is down, slow, erroring or answering nonsense gives one clear LLMUnavailable,
after the client's bounded retries and timeout, within a bounded time.

The endpoints here are tiny stdlib HTTP servers on 127.0.0.1 (``Fake…``): they make each failure
happen deterministically, which a real model server would not.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from assistant.config import Settings
from assistant.llm import LLMUnavailable, chat_model, explain_errors, list_models
from tests.conftest import free_port

ASK = [HumanMessage("Why does my calf hurt?")]
Reply = Callable[[BaseHTTPRequestHandler], None]


class FakeEndpoint:
    """An HTTP server on a free localhost port that answers every POST with ``reply``."""

    def __init__(self, reply: Reply) -> None:
        self.requests: list[str] = []
        self.bodies: list[dict[str, object]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint.requests.append(self.path)
                endpoint.bodies.append(json.loads(body or b"{}"))
                # the client may give up first: that is the point of some tests
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    reply(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeEndpoint:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, content_type: str) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def FakeSlowServer(delay_s: float) -> FakeEndpoint:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(delay_s)
        send(handler, 200, b"{}", "application/json")

    return FakeEndpoint(reply)


def FakeMalformedServer(body: bytes, content_type: str = "application/json") -> FakeEndpoint:
    return FakeEndpoint(lambda handler: send(handler, 200, body, content_type))


def FakeErrorServer(status: int) -> FakeEndpoint:
    body = b'{"error": {"message": "model exploded", "type": "server_error"}}'
    return FakeEndpoint(lambda handler: send(handler, status, body, "application/json"))


def settings(tmp_path: Path, url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "home": tmp_path,
        "llm_base_url": url,
        "llm_model": "fake-model",
        "llm_timeout_s": 1.0,
        "llm_max_retries": 1,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


def invoke(config: Settings) -> float:
    """Seconds until invoke fails; it must fail with LLMUnavailable."""
    began = time.monotonic()
    with pytest.raises(LLMUnavailable), explain_errors(config):
        chat_model(config).invoke(ASK)
    return time.monotonic() - began


def stream(config: Settings) -> float:
    began = time.monotonic()
    with pytest.raises(LLMUnavailable), explain_errors(config):
        for _ in chat_model(config).stream(ASK):
            pass
    return time.monotonic() - began


def message(config: Settings, streaming: bool = False) -> str:
    try:
        with explain_errors(config):
            if streaming:
                list(chat_model(config).stream(ASK))
            else:
                chat_model(config).invoke(ASK)
    except LLMUnavailable as exc:
        return str(exc)
    raise AssertionError("no LLMUnavailable")


def assert_actionable(text: str, config: Settings) -> None:
    assert "'fake-model'" in text and str(config.llm_base_url) in text
    assert "ASSISTANT_LLM_BASE_URL" in text and "--drafter composer" in text


@pytest.fixture
def down_url() -> Iterator[str]:
    yield f"http://127.0.0.1:{free_port()}/v1"


@pytest.mark.parametrize("call", [invoke, stream])
def test_endpoint_down(tmp_path: Path, down_url: str, call: Callable[[Settings], float]) -> None:
    config = settings(tmp_path, down_url)
    assert call(config) < 8
    text = message(config)
    assert_actionable(text, config)
    assert "could not be reached (2 attempts)" in text


@pytest.mark.parametrize("streaming", [False, True])
def test_endpoint_slow_times_out_after_bounded_retries(tmp_path: Path, streaming: bool) -> None:
    with FakeSlowServer(delay_s=4) as slow:
        config = settings(tmp_path, slow.base_url)
        began = time.monotonic()
        text = message(config, streaming)
        elapsed = time.monotonic() - began
        assert len(slow.requests) == 2  # max_retries + 1
    assert 2 <= elapsed < 8
    assert_actionable(text, config)
    assert "did not answer within 1 s (2 attempts)" in text


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"<html>502 Bad Gateway</html>", "application/json"),
        (b"<html>proxy login</html>", "text/html"),
        (b'{"id": "x", "object": "chat.completion", "model": "fake-model"}', "application/json"),
        (b'{"id": "x", "choices": null}', "application/json"),
        (b"[1, 2, 3]", "application/json"),
    ],
    ids=["not-json", "html", "no-choices", "null-choices", "json-list"],
)
def test_endpoint_malformed_output(tmp_path: Path, body: bytes, content_type: str) -> None:
    with FakeMalformedServer(body, content_type) as bad:
        config = settings(tmp_path, bad.base_url)
        assert invoke(config) < 5
        text = message(config)
    assert_actionable(text, config)
    assert "not an OpenAI chat completion" in text


def test_endpoint_malformed_stream(tmp_path: Path) -> None:
    events = b'data: {"nonsense": true}\n\ndata: not json at all\n\ndata: [DONE]\n\n'
    with FakeMalformedServer(events, "text/event-stream") as bad:
        config = settings(tmp_path, bad.base_url)
        assert stream(config) < 5
        text = message(config, streaming=True)
    assert_actionable(text, config)
    assert "not an OpenAI chat completion" in text


def test_endpoint_empty_stream(tmp_path: Path) -> None:
    """A stream that ends before any chunk (issue 14): an explained failure, not a traceback."""
    with FakeMalformedServer(b"data: [DONE]\n\n", "text/event-stream") as empty:
        config = settings(tmp_path, empty.base_url)
        text = message(config, streaming=True)
    assert_actionable(text, config)
    assert "not an OpenAI chat completion" in text and "No generation chunks" in text


@pytest.mark.parametrize("retries", [0, 2])
def test_server_errors_are_retried_a_bounded_number_of_times(tmp_path: Path, retries: int) -> None:
    with FakeErrorServer(500) as failing:
        config = settings(tmp_path, failing.base_url, llm_max_retries=retries)
        assert invoke(config) < 9
        assert len(failing.requests) == retries + 1
        text = message(config)
    assert_actionable(text, config)
    assert f"answered HTTP 500 ({retries + 1} attempt" in text
    assert "model exploded" in text


def test_bad_key_is_not_retried_and_says_so(tmp_path: Path) -> None:
    with FakeErrorServer(401) as guarded:
        config = settings(tmp_path, guarded.base_url, llm_max_retries=3)
        assert invoke(config) < 5
        assert len(guarded.requests) == 1
        text = message(config)
    assert "HTTP 401 (1 attempt)" in text and "ASSISTANT_LLM_API_KEY" in text


def test_list_models_on_a_down_endpoint(tmp_path: Path, down_url: str) -> None:
    began = time.monotonic()
    with pytest.raises(LLMUnavailable, match="could not be reached"):
        list_models(settings(tmp_path, down_url, llm_max_retries=5), timeout_s=1)
    assert time.monotonic() - began < 3


def FakeUsageStreamServer(words: list[str]) -> FakeEndpoint:
    """Streams ``words`` as an OpenAI chat completion stream ending with a usage chunk, as
    OpenAI and vLLM do (the local llama.cpp server sends none)."""

    def chunk(delta: dict[str, str], finish: str | None = None) -> dict[str, object]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "fake-model",
                "choices": [choice]}  # fmt: skip

    events = [chunk({"role": "assistant", "content": ""})]
    events += [chunk({"content": w}) for w in words]
    events.append(chunk({}, "stop"))
    usage = {"prompt_tokens": 12, "completion_tokens": len(words), "total_tokens": 12 + len(words)}
    events.append({**chunk({}), "choices": [], "usage": usage})
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return FakeMalformedServer(body.encode(), "text/event-stream")


def test_stream_usage_is_requested_and_read(tmp_path: Path) -> None:
    with FakeUsageStreamServer(["Rest ", "the ", "calf."]) as fake:
        config = settings(tmp_path, fake.base_url, llm_max_tokens=99)
        with explain_errors(config):
            chunks = list(chat_model(config).stream(ASK))
    (sent,) = fake.bodies
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True}
    assert sent["model"] == "fake-model" and sent["max_tokens"] == 99
    assert "".join(str(c.content) for c in chunks) == "Rest the calf."
    # one chunk near the end carries the usage (langchain-core 1.x then closes the stream with
    # an empty chunk); adding the chunks up gives the whole message with it
    (usage,) = [c.usage_metadata for c in chunks if c.usage_metadata]
    assert (usage["input_tokens"], usage["output_tokens"], usage["total_tokens"]) == (12, 3, 15)
    whole = chunks[0]
    for c in chunks[1:]:
        whole = whole + c
    assert whole.usage_metadata == usage and whole.content == "Rest the calf."


def FakeRateLimitedServer(retry_after: str) -> FakeEndpoint:
    body = b'{"error": {"message": "slow down", "type": "rate_limit_exceeded"}}'

    def reply(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(429)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Retry-After", retry_after)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return FakeEndpoint(reply)


@pytest.mark.parametrize("streaming", [False, True])
def test_a_long_retry_after_is_one_attempt_and_says_so(tmp_path: Path, streaming: bool) -> None:
    """A 429 asking to wait 10 minutes: the client does not wait (nor retry), and the
    message counts the one request really sent, not the retries it was allowed (issue 14)."""
    with FakeRateLimitedServer("600") as limited:
        config = settings(tmp_path, limited.base_url, llm_max_retries=2)
        text = message(config, streaming)
        assert len(limited.requests) == 1
    assert_actionable(text, config)
    assert "answered HTTP 429 (1 attempt), asking to retry after 600 s: " in text
    assert "3 attempts" not in text and "slow down" in text


def test_a_short_retry_after_is_honoured_and_counted(tmp_path: Path) -> None:
    with FakeRateLimitedServer("0.2") as limited:
        config = settings(tmp_path, limited.base_url, llm_max_retries=2)
        text = message(config)
        assert len(limited.requests) == 3
    assert "answered HTTP 429 (3 attempts), asking to retry after 0.2 s: " in text
