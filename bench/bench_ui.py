"""The review app in a real browser (Playwright driving Debian's headless Chromium).

Times, over ``--items`` drafted questions (real K-QA patient questions), p50 / p95:

  * open: from clicking a queue item's "Open" to the rendered review page (the script has
    finished and the editor, preview, sources and history are on screen);
  * approve: from clicking "Approve" to the saved, read-only state ("Approved by …");
  * beside them, the server-side work of the same review page measured in-process (load the
    question, render the preview, diff, flags), so the ratio shows what the browser and
    Streamlit's round trip add.

Uses an existing index (``--home``, default: the benchmarks' full-corpus index
``$ASSISTANT_HOME/bench``) read-only, and a review database of its own in a temporary folder.
Run from the repository root: ``python -m bench.bench_ui [--home DIR] [--items 10]``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from assistant.config import Settings
from assistant.drafting import DraftRequest
from assistant.review.views import Role
from assistant.reviewui import Services
from assistant.reviewui.diffing import diff_html
from assistant.reviewui.flags import summarize
from assistant.reviewui.preview import draft_html, question_html
from assistant.reviewui.versions import checks_of, draft_of, version_rows
from bench.common import DATA, bench_settings, pct

if TYPE_CHECKING:  # imported where used: the tests skip cleanly without playwright
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_app(env: dict[str, str], log: Path) -> Iterator[str]:
    """``assistant ui`` on a free port, until the block ends; yields its URL."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assistant", "ui", "--port", str(port)],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).read()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the app did not start:\n{log.read_text()}") from None
                    time.sleep(0.25)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


RENDERED = """text => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.dataset.testScriptState === "notRunning"
        && document.body.innerText.includes(text);
}"""


def settle(page: Page) -> None:
    """Waits until the app's script run has finished (call after waiting for something the
    action brings, so that the run it started is the one awaited)."""
    page.locator(IDLE).wait_for(timeout=TIMEOUT_MS)


def rendered(page: Page, text: str) -> None:
    """Waits, checking every animation frame (Playwright's own waits back off to 500 ms
    between checks), until ``text`` is on the page and the script run has finished."""
    page.wait_for_function(RENDERED, arg=text, polling="raf", timeout=TIMEOUT_MS)


def sign_in(page: Page, url: str, name: str, password: str, path: str = "") -> None:
    page.goto(f"{url}/{path}")
    page.get_by_label("User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for(timeout=TIMEOUT_MS)
    settle(page)


def to_queue(page: Page) -> None:
    """Opens the queue and waits for its script run to finish (the heading may stand twice
    while it runs: Streamlit keeps a stale copy of it from a run before, which breaks
    Playwright's strict mode; seen once under load in a fresh-clone CI run)."""
    page.get_by_role("link", name="Queue").click()
    page.get_by_role("heading", name="Review queue").first.wait_for(timeout=TIMEOUT_MS)
    settle(page)


def open_button(question_id: int) -> str:
    """The queue item's Open button, not the stale copy Streamlit may keep of it from the
    page before while it renders (``data-stale``): two matches break Playwright's strict mode."""
    return f".st-key-open-{question_id}:not([data-stale='true']) button"


def open_item(page: Page, question_id: int) -> None:
    """Clicks the queue item's Open button and waits for the whole review page."""
    page.locator(open_button(question_id)).click()
    rendered(page, "Version history")


def approve(page: Page) -> None:
    """Approve; with warnings open, confirm them in the dialog that lists them."""
    page.locator(".st-key-approve button").click()
    confirm = page.get_by_role("dialog")
    confirm.or_(page.get_by_text("Approved by")).first.wait_for(timeout=TIMEOUT_MS)
    if confirm.count():
        confirm.get_by_text("I have checked each of these").click()
        confirm.get_by_role("button", name="Approve anyway").click()
    rendered(page, "Approved by")


def patient_questions(n: int) -> list[DraftRequest]:
    lines = (DATA / "kqa_patient_questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["Question"] for line in lines if line.strip()]
    return [DraftRequest(question=q) for q in questions if len(q) > 60][:n]


def server_side_ms(services: Services, question_id: int) -> float:
    """The plain-function work behind one review page, without Streamlit or a browser."""
    started = time.perf_counter()
    detail = services.store.detail(question_id)
    latest = detail.latest
    assert latest is not None and detail.machine is not None
    draft, checks = draft_of(latest), checks_of(latest)
    question_html(detail.question)
    draft_html(draft, checks)
    summarize(checks)
    diff_html(detail.machine.body, latest.body)
    version_rows(detail)
    return 1000 * (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", type=Path, default=None, help="ASSISTANT_HOME with an index")
    parser.add_argument("--items", type=int, default=10)
    args = parser.parse_args()
    console = Console(width=120)
    home = args.home or bench_settings().home
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-ui-") as folder:
        work = Path(folder)
        database = f"sqlite:///{work / 'review.sqlite3'}"
        settings = Settings(home=home, database_url=database)
        services = Services.build(settings)
        records = services.archive.vectors.count()
        if records == 0:
            raise SystemExit(f"{home} has no index: run `assistant ingest FILE` with it first.")
        password = secrets.token_urlsafe(12)
        services.store.add_user("bench", password, Role.PHYSICIAN, "Bench Physician")
        editor = services.store.add_user("bench-editor", password, Role.EDITOR)
        console.print(f"Drafting {args.items} questions on {home} ({records} chunks)…")
        ids = [services.create_and_draft(r, editor).id for r in patient_questions(args.items)]
        env = {"ASSISTANT_HOME": str(home), "ASSISTANT_DATABASE_URL": database}
        opens, approvals = [], []
        with running_app(env, work / "app.log") as url, sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            sign_in(page, url, "bench", password)
            for question_id in ids:
                to_queue(page)
                started = time.perf_counter()
                open_item(page, question_id)
                opens.append(1000 * (time.perf_counter() - started))
                started = time.perf_counter()
                approve(page)
                approvals.append(1000 * (time.perf_counter() - started))
            browser.close()
        server = [server_side_ms(services, q) for q in ids]
        services.close()
    table = Table(title=f"Review app in headless Chromium, {len(ids)} items, index {home}")
    for column in ("step", "p50 ms", "p95 ms", "max ms", "p50 vs server work"):
        table.add_column(column, justify="right" if column != "step" else "left")
    base = pct(server, 50)
    for step, values in (
        ("open queue item → review page rendered", opens),
        ("click Approve → saved, read-only", approvals),
        ("server-side work of a review page (no browser)", server),
    ):
        table.add_row(
            step,
            f"{pct(values, 50):.0f}",
            f"{pct(values, 95):.0f}",
            f"{max(values):.0f}",
            f"{pct(values, 50) / base:.1f}x",
        )
    console.print(table)


if __name__ == "__main__":
    main()
