"""The project as a user installs it: a wheel built from this checkout, installed non-editable
into a fresh virtual environment and run from a directory that is not the checkout.
``assistant draft`` drafts from a small index, and ``assistant ui`` serves the review app, its
pages, prompts, migrations and data all found inside the installed package: the repository's
top-level ``prompts/``, ``ui/``, ``eval/`` and K-QA's files in ``data/`` as the copies the
wheel carries (``assistant/_shipped/``), the checkout nowhere in sight.

Offline and quick: the wheel is built with the running environment's setuptools (no build
isolation, no index), and the fresh environment reaches the dependencies already installed
here through a ``.pth`` file instead of downloading them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import setuptools

from assistant import resources
from assistant.config import EVAL_DIR
from assistant.prompts import PROMPTS_DIR
from tests.conftest import PAGE, REPO, free_port
from tests.test_draft_cli import PAGE_DRAFT, assert_grounded_page_draft

pytestmark = pytest.mark.slow

PASSWORD = "correct-horse-battery"
# Run in the installed environment: the review app `assistant ui` serves, signed in.
APP_CHECK = """
import sys
from streamlit.testing.v1 import AppTest
from assistant.cli.ui import APP

at = AppTest.from_file(str(APP), default_timeout=120).run()
at.text_input(key="login_name").input("ana")
at.text_input(key="login_password").input(sys.argv[1])
at.button(key="sign_in_submit").click().run()
assert not at.exception, [e.value for e in at.exception]
print(APP)
print(*(t.value for t in at.title), sep="\\n")
"""
# Run in the installed environment: every top-level file the library reads by default, each
# printed with its path, and K-QA read through its dataset card (its digest checked).
SHIPPED_CHECK = """
from assistant.cli.demo import DATA
from assistant.cli.eval_calibrate import DEFAULT_LABELS as CALIBRATE_LABELS
from assistant.config import EVAL_DIR, Settings
from assistant.evaluation.calibration import DEFAULT_LABELS, read_labels
from assistant.evaluation.dataset import KQA_PATH, load_items
from assistant.evaluation.specs import load_gate
from assistant.prompts import PROMPTS_DIR, load_prompt

for path in (PROMPTS_DIR / "composer.toml", EVAL_DIR / "gates.toml", Settings().eval_dir,
             DATA / "kqa_answered.jsonl", KQA_PATH, DEFAULT_LABELS, CALIBRATE_LABELS):
    assert path.exists(), path
    print(path)
load_prompt("expand_reply")
load_gate()
assert len(load_items("kqa").items) == 201
assert len(read_labels()) == 399
"""


@dataclass(frozen=True)
class Installed:
    venv: Path
    cwd: Path  # where commands run: not the checkout
    env: dict[str, str]

    def run(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """``assistant ARGS`` as installed."""
        return self._run("assistant", *args, stdin=stdin)

    def python(self, code: str, *args: str) -> subprocess.CompletedProcess[str]:
        return self._run("python", "-c", code, *args)

    def _run(self, *command: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / command[0]), *command[1:]],
            cwd=self.cwd,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )


def _quiet(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("install")
    # the sources a wheel is built from, copied so the build leaves nothing in the checkout
    source = root / "source"
    for folder in ("assistant", "prompts", "ui", "eval", "data"):
        shutil.copytree(
            REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-cache-dir"]
    _quiet([*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index",
            "--wheel-dir", str(root / "dist"), str(source)])  # fmt: skip
    [wheel] = (root / "dist").glob("assistant-*.whl")

    venv = root / "venv"
    _quiet([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    # the dependencies installed here, after the fresh environment's own packages
    [purelib] = venv.glob("lib/python*/site-packages")
    deps = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (purelib / "installed-dependencies.pth").write_text("\n".join(deps) + "\n")
    _quiet([*pip, "--python", str(venv / "bin" / "python"), "install", "--no-deps",
            "--no-index", str(wheel)])  # fmt: skip

    cwd = root / "elsewhere"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env |= {
        "ASSISTANT_HOME": str(cwd / "state"),
        "HOME": str(root / "home"),
        "COLUMNS": "160",
    }
    return Installed(venv, cwd, env)


def test_the_installed_package_is_the_one_that_runs(installed: Installed) -> None:
    done = installed.python("import assistant; print(assistant.__file__)")
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).is_relative_to(installed.venv)


def test_the_installed_package_reads_its_own_copies_of_the_top_level_files(
    installed: Installed,
) -> None:
    done = installed.python(SHIPPED_CHECK)
    assert done.returncode == 0, done.stderr
    paths = [Path(line) for line in done.stdout.splitlines()]
    assert len(paths) == 7
    shipped = next(installed.venv.glob("lib/python*/site-packages/assistant/_shipped"))
    assert all(path.is_relative_to(shipped) for path in paths), paths


def test_installed_cli_drafts_from_another_directory(installed: Installed) -> None:
    ingest = installed.run("ingest", str(PAGE))
    assert ingest.returncode == 0, ingest.stderr
    assert_grounded_page_draft(installed.run(*PAGE_DRAFT))


def test_installed_cli_serves_the_review_app(installed: Installed) -> None:
    helped = installed.run("ui", "--help")
    assert helped.returncode == 0, helped.stderr
    assert "review app" in helped.stdout

    added = installed.run("users", "add", "ana", "--role", "physician", "--password-stdin",
                          stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    signed_in = installed.python(APP_CHECK, PASSWORD)
    assert signed_in.returncode == 0, signed_in.stderr
    app, *titles = signed_in.stdout.splitlines()
    assert Path(app).is_relative_to(installed.venv)
    assert "Review queue" in titles

    port = free_port()
    server = subprocess.Popen(
        [str(installed.venv / "bin" / "assistant"), "ui", "--port", str(port)],
        cwd=installed.cwd, env=installed.env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as reply:
                    assert reply.read() == b"ok"
                    break
            except OSError:
                assert server.poll() is None, server.communicate()[0]
                assert time.monotonic() < deadline, "the review app did not start in 60 s"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_checkout_reads_its_own_top_level_folders() -> None:
    """From source (and as an editable install), the files are the checkout's, edited in place."""
    assert resources.project_root() == REPO
    assert PROMPTS_DIR == REPO / "prompts"
    assert EVAL_DIR == REPO / "eval"
    assert resources.shipped("ui", "app.py") == REPO / "ui" / "app.py"
    assert resources.shown(REPO / "data" / "kqa_answered.jsonl") == "data/kqa_answered.jsonl"


def test_the_wheel_lists_every_package_of_the_library() -> None:
    """``[tool.setuptools] packages`` is a list (a found list cannot map the top-level folders
    into the package): a new subpackage must be added to it or the wheel lacks it."""
    with (REPO / "pyproject.toml").open("rb") as file:
        listed = tomllib.load(file)["tool"]["setuptools"]["packages"]
    found = setuptools.find_packages(str(REPO), include=["assistant", "assistant.*"])
    assert set(found) <= set(listed), sorted(set(found) - set(listed))
