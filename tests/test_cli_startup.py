"""The command line starts fast: ``assistant --help`` loads typer and rich, not the library,
and a search loads what searching needs (Chroma, the embedder, BM25), not the LLM client, the
review store or the evaluation. Timings are in ``bench/bench_startup.py``; these tests pin
what gets imported, which is what the timings follow from."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.index import Archive

# each costs a fresh process a quarter of a second to a second and a half
HEAVY = (
    "chromadb",
    "langchain_chroma",
    "langchain_core",
    "langchain_openai",
    "openai",
    "onnxruntime",
    "sqlalchemy",
    "alembic",
    "rouge_score",
    "nltk",
    "bm25s",
    "streamlit",
)
NOT_FOR_SEARCH = (
    "langchain_chroma",
    "langchain_openai",
    "openai",
    "sqlalchemy",
    "alembic",
    "rouge_score",
    "nltk",
    "streamlit",
)

_RUN_AND_LIST = """
import json, sys
from typer.testing import CliRunner
from assistant.cli import app
args = json.loads(sys.argv[1])
if args:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
print(json.dumps(sorted(m for m in sys.modules if "." not in m)))
"""


def loaded_after(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    """Top-level packages a fresh interpreter has imported after running ``assistant ARGS``."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST, json.dumps(args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_command_line_and_its_help_load_none_of_the_heavy_libraries() -> None:
    assert loaded_after([]) & set(HEAVY) == set()
    assert loaded_after(["--help"]) & set(HEAVY) == set()
    assert loaded_after(["eval", "run", "--help"]) & set(HEAVY) == set()


@pytest.mark.embedded_only
def test_a_search_loads_the_index_but_not_the_llm_client_store_or_evaluation(
    archive: Archive,
) -> None:
    env = {
        "ASSISTANT_HOME": str(archive.settings.home),
        "ASSISTANT_COLLECTION": archive.settings.collection,
    }
    loaded = loaded_after(["search", "What are the symptoms of gout?", "--json"], env)
    assert {"chromadb", "onnxruntime", "bm25s"} <= loaded  # it did search
    assert loaded & set(NOT_FOR_SEARCH) == set()


def test_the_calibrate_commands_default_labels_are_the_librarys() -> None:
    from assistant.cli.eval_calibrate import DEFAULT_LABELS
    from assistant.evaluation.calibration import DEFAULT_LABELS as LIBRARY_DEFAULT

    assert DEFAULT_LABELS == LIBRARY_DEFAULT and DEFAULT_LABELS.exists()
