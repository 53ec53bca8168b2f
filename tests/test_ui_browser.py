"""End to end in a real browser: the app started by ``assistant ui`` (``streamlit run``) on a
free port, Playwright driving Debian's headless Chromium: sign in, open a queue item, edit a
sentence, save, approve, download the page; markup in a patient's question stays inert.

Screenshots go to ``test-artifacts/``; with ``UPDATE_SCREENSHOTS=1`` also to
``docs/screenshots/``. Without /usr/bin/chromium the tests are skipped, and fail under CI.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from assistant.drafting import DraftRequest
from assistant.review.views import Status
from assistant.reviewui import Services
from bench.bench_ui import (
    CHROMIUM,
    approve,
    open_item,
    patient_questions,
    running_app,
    settle,
    sign_in,
    to_queue,
)
from tests.test_ui_apptest import CALF, PASSWORD, build_home

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = REPO / "docs" / "screenshots"
NASTY = DraftRequest(
    question='My calf lump <img src=x onerror="window.__xss=1"> <script>window.__xss=2</script>'
    " hurts when I walk. Is it serious?",
    specialty="Dermatology",
)

DOCUMENTED = ("queue.png", "review.png")  # the screenshots docs/ shows
CLAIM = "A calcified lump can be removed in a short outpatient procedure."

pytestmark = pytest.mark.slow


def need_chromium() -> None:
    missing = [
        what
        for what, absent in (
            (f"{CHROMIUM} (apt-get install -y chromium)", not CHROMIUM.exists()),
            ("the playwright package (pip install -e '.[dev]')", find_spec("playwright") is None),
        )
        if absent
    ]
    if missing:
        message = f"browser tests need {' and '.join(missing)}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Services, list[int]]]:
    need_chromium()
    home = tmp_path_factory.mktemp("browser-home")
    settings = build_home(home)
    services = Services.build(settings)
    editor = services.store.user("ed")
    ids = [services.create_and_draft(r, editor).id for r in (CALF, NASTY)]
    for request in patient_questions(2):  # a queue that looks like one, for the screenshot
        services.create_and_draft(request, editor)
    with running_app({"ASSISTANT_HOME": str(home)}, home / "app.log") as url:
        yield url, services, ids
    services.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    from bench.bench_ui import launch

    with sync_playwright() as playwright:
        launched = launch(playwright)
        yield launched
        launched.close()


def screenshot(page: Page, name: str, height: int = 1000) -> None:
    """The top of the page, ``height`` pixels tall."""
    page.set_viewport_size({"width": 1400, "height": height})
    page.evaluate("document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
    settle(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" and name in DOCUMENTED:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / name, SCREENSHOTS / name)


def test_sign_in_edit_save_approve_and_download(
    app: tuple[str, Services, list[int]], browser: Browser
) -> None:
    url, services, (calf, _) = app
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(f"{url}/review?q={calf}")  # no session: the sign-in form, whatever the page
    page.get_by_label("User name").wait_for()
    assert page.get_by_text("Drafted by").count() == 0
    sign_in(page, url, "ana", PASSWORD)
    to_queue(page)
    page.locator(f".st-key-open-{calf}").wait_for()
    screenshot(page, "queue.png")

    open_item(page, calf)
    assert page.get_by_text("Drafted by grounded-composer").is_visible()
    editor = page.locator(".st-key-editor textarea")
    edited = (
        editor.input_value()
        .replace("an ultrasound would tell.", "an ultrasound scan would tell.")
        .replace("## When to seek care", f"{CLAIM}\n\n## When to seek care")
    )
    editor.fill(edited)
    editor.press("Control+Enter")  # commits the text area, as leaving it does
    page.locator(".diff ins", has_text="scan").wait_for(state="attached")  # the diff, folded
    settle(page)
    page.locator(".st-key-save button").click()
    page.get_by_text("Saved as version 2.").wait_for()
    settle(page)
    claim = page.locator(".draft .unsupported", has_text=CLAIM)  # no source says so
    assert claim.count() == 1 and "selected" in (claim.get_attribute("class") or "")
    screenshot(page, "review.png", height=1700)
    assert services.store.detail(calf).latest.body == edited  # type: ignore[union-attr]

    approve(page)
    assert services.store.detail(calf).question.status == Status.APPROVED
    assert page.locator(".st-key-editor").count() == 0  # read-only
    with page.expect_download() as download:
        page.get_by_role("button", name="Download page (HTML)").click()
    saved = ARTIFACTS / download.value.suggested_filename
    ARTIFACTS.mkdir(exist_ok=True)
    download.value.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert "Approved by Dr. Ana Lee on" in html and "an ultrasound scan would tell" in html
    screenshot(page, "approved.png", height=1200)
    page.close()


def test_markup_in_a_question_does_not_run(
    app: tuple[str, Services, list[int]], browser: Browser
) -> None:
    url, _, (_, nasty) = app
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    sign_in(page, url, "bob", PASSWORD, path=f"review?q={nasty}")
    page.get_by_text("Version history").wait_for()
    settle(page)
    assert page.evaluate("window.__xss") is None and not dialogs
    assert page.locator(".card .question").inner_text().startswith("My calf lump <img src=x")
    assert page.locator(".card img, .draft img, .card script").count() == 0
    page.close()
