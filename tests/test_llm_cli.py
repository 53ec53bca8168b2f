"""``assistant llm info`` and ``assistant llm serve``, through the real CLI in a subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.test_llm import answers, pid_alive

CLI = Path(sys.executable).with_name("assistant")


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return {
        **clean,
        "ASSISTANT_HOME": str(tmp_path / "state"),
        "HOME": str(tmp_path / "home"),
        "COLUMNS": "200",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args],
        cwd=tmp_path,
        env=env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_info_without_an_endpoint_labels_the_local_demo_model(tmp_path: Path) -> None:
    done = run(tmp_path, "llm", "info")
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert "smollm2-135m-instruct" in out
    assert "SmolLM2-135M — a small demo model: fluent, often wrong; never a source of truth" in out
    assert "started on demand" in out and "assistant llm serve" in out and ".gguf" in out
    assert not (tmp_path / "state").exists()  # info starts nothing and writes nothing


def test_info_with_an_endpoint_that_answers(tmp_path: Path, llm_server: str) -> None:
    done = run(tmp_path, "llm", "info", ASSISTANT_LLM_BASE_URL=llm_server)
    assert done.returncode == 0, done.stderr
    out = " ".join(done.stdout.split())
    assert llm_server in out and "answers; serves smollm2-135m-instruct" in out
    assert "small demo model" in out  # it is still the demo model, wherever it is served


def test_info_with_an_endpoint_that_is_down(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"
    done = run(
        tmp_path,
        "llm",
        "info",
        "--timeout",
        "1",
        ASSISTANT_LLM_BASE_URL=url,
        ASSISTANT_LLM_MODEL="gpt-4o-mini",
    )
    assert done.returncode == 1
    out = " ".join(done.stdout.split())
    assert "does not answer" in out and url in out and "Connection refused" in out
    assert "small demo model" not in out


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "term"])
def test_serve_prints_how_to_use_it_and_stops_cleanly(tmp_path: Path, stop_signal: int) -> None:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    serve = subprocess.Popen(
        [str(CLI), "llm", "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert serve.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 90
        while not any("Ctrl-C" in line for line in lines) and time.monotonic() < deadline:
            line = serve.stdout.readline()
            if not line:
                break
            lines.append(line)
        out = " ".join("".join(lines).split())
        assert f"export ASSISTANT_LLM_BASE_URL={base_url}" in out, out
        assert "small demo model" in out
        assert answers(base_url)
        (server_pid,) = children(serve.pid)
        assert pid_alive(server_pid)

        serve.send_signal(stop_signal)
        rest, _ = serve.communicate(timeout=60)  # terminate, then kill after 10 s
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    assert serve.returncode == 0, rest
    assert "Stopping" in rest
    assert not pid_alive(server_pid) and not answers(base_url)
    assert (tmp_path / "state" / "llm" / f"server-{port}.log").exists()


def test_serve_on_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run(tmp_path, "llm", "serve", "--port", str(port))
    assert done.returncode == 1
    assert f"Port {port}" in done.stderr and "already in use" in done.stderr
