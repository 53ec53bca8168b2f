"""``assistant draft`` through the real CLI: the page example grounded end to end, bad
questions refused, and a failing endpoint that leaves a clear error and no output."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from assistant.text import split_sentences
from tests.conftest import PAGE, free_port
from tests.test_cli import run

CALF = (
    "There is a lump about 0.2 cm under my calf skin. The ultrasound doctor said it has "
    "calcified and is benign. What could that lump be? What does calcification mean?"
)
REPLY = (
    "Ultrasound diagnosis of calcification indicates the presence of high echogenic lesions, "
    "which may represent fat necrosis or post-traumatic changes. These are typically benign "
    "subcutaneous masses and do not require special attention."
)


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("draft-cli")
    assert run(home, "ingest", str(PAGE)).returncode == 0
    return home


# the page example's question, reply and asker, drafted as JSON
PAGE_DRAFT = ("draft", CALF, "--reply", REPLY, "--age", "40~49", "--sex", "female",
              "--specialty", "Surgery", "--doctor", "Ke Fangxu", "--json")  # fmt: skip


def assert_grounded_page_draft(result: subprocess.CompletedProcess[str]) -> None:
    """``assistant draft *PAGE_DRAFT`` against an index of the page example succeeded with a
    draft grounded in the page."""
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    draft, checks = payload["draft"], payload["checks"]
    assert draft["provenance"]["drafter"] == "grounded-composer"
    assert [s["doctor"] for s in draft["sources"]] == ["Ke Fangxu"]
    cited = [s for sec in draft["sections"] for s in sec["sentences"] if s["citations"]]
    assert sum(len(split_sentences(s["text"])) for s in cited) >= 2
    # the reply's term is explained from the page's More Info, once
    explained = [s for s in cited if "Calcification refers to" in s["text"]]
    assert len(explained) == 1
    assert all(c["supported"] for c in checks["sentences"])
    assert not [
        f for f in checks["flags"] if f["kind"] in ("unsupported_sentence", "invalid_citation")
    ]
    assert draft["disclaimer"]


def test_page_example_draft_is_grounded(indexed: Path) -> None:
    assert_grounded_page_draft(run(indexed, *PAGE_DRAFT))


def test_table_output_names_drafter_and_draft_status(indexed: Path) -> None:
    md, html = indexed / "out" / "page.md", indexed / "out" / "page.html"
    result = run(indexed, "draft", CALF, "--reply", REPLY, "--save", str(md), "--save", str(html))
    assert result.returncode == 0, result.stderr
    assert "DRAFT — not reviewed by a physician" in result.stdout
    assert "grounded-composer" in result.stdout and "Checks" in result.stdout
    for page in (md.read_text(encoding="utf-8"), html.read_text(encoding="utf-8")):
        assert "More Info" in page and "Similar Q&" in page and "DRAFT" in page
    assert sorted(p.name for p in md.parent.iterdir()) == ["page.html", "page.md"]
    refused = run(indexed, "draft", CALF, "--save", str(indexed / "page.pdf"))
    assert refused.returncode == 2 and ".md or .html" in refused.stderr


@pytest.mark.parametrize(
    ("question", "message"),
    [("   ", "at least 1 character"), ("?!", "no words"), ("x" * 7000, "at most 6000")],
)
def test_bad_questions_are_refused(indexed: Path, question: str, message: str) -> None:
    result = run(indexed, "draft", question)
    assert result.returncode == 2 and message in result.stderr


def test_endpoint_down_fails_clearly_with_no_output(indexed: Path) -> None:
    env = {
        "ASSISTANT_LLM_BASE_URL": f"http://127.0.0.1:{free_port()}/v1",
        "ASSISTANT_LLM_MAX_RETRIES": "0",
        "ASSISTANT_LLM_TIMEOUT_S": "3",
    }
    result = run(indexed, "draft", CALF, "--drafter", "llm", "--json", extra_env=env)
    assert result.returncode == 1
    assert result.stdout.strip() == ""
    assert "127.0.0.1" in result.stderr and "--drafter composer" in result.stderr
    assert "Traceback" not in result.stderr
