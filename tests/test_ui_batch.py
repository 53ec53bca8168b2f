"""The Batch page: its functions (save and check an upload; start, follow, stop, resume and
retry a real ``assistant batch`` process with the grounded composer) and the page itself
through Streamlit's AppTest, on a real index and a real SQLite review store."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from assistant.batch import RunState
from assistant.batch.bundle import bundle
from assistant.batch.jobs import (
    Batch,
    BatchError,
    Progress,
    Run,
    batches,
    batches_dir,
    finished_items,
    load,
    log_tail,
    progress,
    start,
    stop,
)
from assistant.config import Settings
from assistant.review.errors import PermissionDenied
from assistant.review.store import ReviewStore
from assistant.review.views import QueueFilter, Role
from assistant.reviewui.batch import (
    MAX_BYTES,
    save_upload,
)
from tests.conftest import DATA, TEST_HASHER
from tests.test_ui_apptest import APP, build_home, signed_in, texts

BATCH_PAGE = "screens/batch.py"
TOPICS = b"topic,audience\nGout,patient\nKidney stones,caregiver\n<b>Migraine</b> attacks,patient\n"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """An index of the site page and 30 MedQuAD records, an editor (ed) and physicians."""
    settings = build_home(tmp_path_factory.mktemp("batch-ui-home"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ASSISTANT_HOME", str(settings.home))
        yield settings
        for batch in batches(settings):  # no run outlives the tests
            stop(batch)
        st.cache_resource.clear()


@pytest.fixture(scope="module")
def store(settings: Settings) -> Iterator[ReviewStore]:
    opened = ReviewStore.open(settings, hasher=TEST_HASHER)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def finished(settings: Settings, store: ReviewStore) -> Batch:
    """Three topics drafted by a real background run, started as the editor ed."""
    checked = save_upload(settings, "My topics.csv", TOPICS)
    assert checked.batch is not None and checked.validation.startable
    started = start(settings, checked.batch, store.user("ed"), drafter="composer")
    wait(started)
    return load(started.folder)


def wait(batch: Batch, timeout: float = 120) -> Progress:
    deadline = time.monotonic() + timeout
    while (now := progress(load(batch.folder))).state == "running":
        assert time.monotonic() < deadline, log_tail(batch)
        time.sleep(0.1)
    return now


def kqa_upload(lines: int) -> bytes:
    """The first K-QA patient questions as the K-QA file has them (duplicates included)."""
    text = (DATA / "kqa_patient_questions.jsonl").read_text(encoding="utf-8")
    return ("\n".join(text.splitlines()[:lines]) + "\n").encode()


# the functions ------------------------------------------------------------------------------
def test_uploads_of_another_type_or_too_big_are_refused(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    with pytest.raises(BatchError, match=r"notes\.txt: upload a \.csv file"):
        save_upload(settings, "notes.txt", b"topic\nGout\n")
    with pytest.raises(BatchError, match="at most 5 MB: split it"):
        save_upload(settings, "big.csv", b"topic\n" + b"Gout\n" * (MAX_BYTES // 5 + 1))
    assert not batches_dir(settings).exists() or not list(batches_dir(settings).iterdir())


def test_the_check_reports_problems_by_row_and_keeps_only_what_can_run(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    upload = b"topic,audience\nGout,patient\n,\nMigraine,teenager\ngout,patient\n"
    checked = save_upload(settings, "../Spring topics!.csv", upload)
    validation = checked.validation
    assert (validation.name, validation.rows, validation.total) == ("Spring topics!.csv", 1, 4)
    assert validation.table() == [
        {"line of the file": "3", "problem": "empty row"},
        {"line of the file": "4", "problem": "audience 'teenager': use patient or caregiver"},
        {"line of the file": "5", "problem": "duplicate of row 2"},
    ]
    assert validation.summary() == (
        "warning",
        "1 row(s) ready to draft; 3 row(s) will be skipped (problems below).",
    )
    batch = checked.batch
    assert batch is not None and batch.id.endswith("-spring-topics")
    assert (batch.folder / "input.csv").read_bytes() == upload
    assert load(batch.folder) == batch and batches(settings) == []  # checked, not started

    fatal = save_upload(settings, "people.csv", b"name,age\nAnn,40\n")
    assert fatal.batch is None and fatal.validation.fatal
    assert "no 'topic' or 'question' column" in fatal.validation.table()[-1]["problem"]
    assert fatal.validation.summary()[0] == "error"
    bad_json = save_upload(settings, "q.jsonl", b'{"question": "Is gout painful?"}\n{oops\n')
    assert (
        bad_json.validation.table()[0]["line of the file"] == "2" and bad_json.validation.startable
    )
    assert sorted(p.name for p in batches_dir(settings).iterdir()) == sorted(
        [batch.id, bad_json.batch.id if bad_json.batch else ""]
    )  # the fatal upload left nothing behind


FAILING_UPLOAD = """
import resource, signal, sys
from pathlib import Path
from assistant.batch.jobs import BatchError
from assistant.config import Settings
from assistant.reviewui.batch import save_upload
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))  # as a full disk would
try:
    save_upload(Settings(home=Path(sys.argv[1])), "Topics.csv", sys.argv[2].encode())
except BatchError as exc:
    print(exc)
"""


def test_an_upload_that_fails_half_way_leaves_no_folder(tmp_path: Path) -> None:
    """The disk fills while the upload is written (a real write failure: the file size
    limit of the process): the editor is told, and no batch folder is left without its
    batch.json, nor a staging folder (issue 14 item 6)."""
    home = tmp_path / "home"
    rows = "topic\n" + "".join(f"Topic number {n}\n" for n in range(400))
    done = subprocess.run([sys.executable, "-c", FAILING_UPLOAD, str(home), rows],
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Topics.csv could not be saved" in done.stdout and "nothing was kept" in done.stdout
    assert list(batches_dir(Settings(home=home)).iterdir()) == []


def test_listing_batches_removes_what_failed_uploads_left(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")
    root = batches_dir(settings)
    old = root / "20250301-090000-topics"  # what a failed upload left before this fix
    old.mkdir(parents=True)
    (old / "input.csv").write_bytes(b"topic\nGout\n")
    abandoned, fresh = root / ".new-abandoned", root / ".new-uploading-now"
    abandoned.mkdir()
    fresh.mkdir()
    os.utime(abandoned, (time.time() - 7200, time.time() - 7200))
    damaged = root / "20250301-100000-damaged"  # a run's files without batch.json: kept
    (damaged / "articles").mkdir(parents=True)
    assert batches(settings) == []
    assert sorted(p.name for p in root.iterdir()) == [".new-uploading-now", damaged.name]


def test_a_background_run_drafts_into_the_queue(
    settings: Settings, store: ReviewStore, finished: Batch
) -> None:
    done = progress(finished)
    assert (done.state, done.total, done.done, done.failed, done.pending) == (
        "finished",
        3,
        3,
        0,
        0,
    )
    assert done.fraction == 1.0 and done.eta_s is None and done.elapsed_s > 0
    items = finished_items(finished)
    assert [(i.row, i.status) for i in items] == [(2, "done"), (3, "done"), (4, "done")]
    assert items[2].text == "<b>Migraine</b> attacks"
    flagged = [
        json.loads(line)["flags"]
        for line in (finished.folder / "run.jsonl").read_text().splitlines()
    ]
    assert done.flagged == sum(1 for f in flagged if f) == sum(1 for i in items if i.flags)
    queued = {q.id: q for q in store.queue(QueueFilter())}
    assert [queued[i.question_id].question for i in items if i.question_id] == [
        "What should patients know about Gout?",
        "What should caregivers know about Kidney stones?",
        "What should patients know about <b>Migraine</b> attacks?",
    ]
    assert finished.runs[0].editor == "ed" and "drafted now" in log_tail(finished)
    with pytest.raises(BatchError, match="was started before"):
        start(settings, finished, store.user("ed"))
    with pytest.raises(PermissionDenied, match="only an editor"):
        start(settings, finished, store.user("ana"), "retry")


def test_stop_then_resume_finishes_everything_once(settings: Settings, store: ReviewStore) -> None:
    checked = save_upload(settings, "kqa.jsonl", kqa_upload(12))
    assert checked.batch is not None and checked.batch.rows >= 10
    batch = start(settings, checked.batch, store.user("ed"))
    assert batches(settings)[0].id == batch.id  # newest first
    deadline = time.monotonic() + 90
    while (now := progress(batch)).done < 2:
        assert now.state == "running" and time.monotonic() < deadline, log_tail(batch)
        time.sleep(0.02)
    assert now.eta_s is not None and now.eta_s > 0
    assert stop(batch)
    stopped = progress(batch)
    assert stopped.state == "stopped" and stopped.pending > 0, stopped
    assert not stop(batch)  # not running any more

    resumed = start(settings, batch, store.user("ed"), "resume")
    assert (resumed.runs[-1].mode, resumed.runs[-1].todo) == ("resume", stopped.pending)
    end = wait(resumed)
    assert (end.state, end.done, end.pending) == ("finished", batch.rows, 0)
    ids = [i.question_id for i in finished_items(resumed)]
    questions = [q.question for q in store.queue(QueueFilter()) if q.id in ids]
    assert len(set(ids)) == len(questions) == len(set(questions)) == batch.rows


def test_a_run_that_ends_early_is_stopped_with_its_output(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home")  # no index
    store = ReviewStore.open(settings, hasher=TEST_HASHER)
    try:
        editor = store.add_user("eve", "correct-horse-battery", Role.EDITOR)
    finally:
        store.close()
    checked = save_upload(settings, "topics.csv", TOPICS)
    assert checked.batch is not None
    ended = wait(start(settings, checked.batch, editor))
    assert (ended.state, ended.pending, ended.done) == ("stopped", 3, 0)
    assert "The index is empty" in log_tail(checked.batch)


def test_failed_items_can_be_retried(settings: Settings, store: ReviewStore) -> None:
    store.add_user("gone", "correct-horse-battery", Role.EDITOR)
    gone = store.disable_user("gone")  # found by name, refused for every question
    checked = save_upload(settings, "topics.csv", TOPICS)
    assert checked.batch is not None
    first = wait(start(settings, checked.batch, gone))
    assert (first.state, first.failed, first.done, first.pending) == ("finished", 3, 0, 0)
    items = finished_items(checked.batch)
    assert {i.status for i in items} == {"failed"} and "disabled" in (items[0].error or "")
    retried = start(settings, checked.batch, gone, "retry")
    assert retried.runs[-1].todo == 3
    assert wait(retried).failed == 3
    state = RunState(retried.folder / "state.sqlite3")
    try:
        assert {state.get(key).attempts for key in state.statuses()} == {2}
    finally:
        state.close()
    assert "--retry-failed" in log_tail(retried, lines=100)


def test_a_run_started_by_an_earlier_server_process_is_followed_and_stopped(
    tmp_path: Path,
) -> None:
    settings = Settings(home=tmp_path / "home")
    checked = save_upload(settings, "topics.csv", TOPICS)
    assert checked.batch is not None
    batch = checked.batch

    def adopted(command: list[str]) -> tuple[Batch, subprocess.Popen[bytes]]:
        process = subprocess.Popen(command, start_new_session=True)
        run = Run("new", process.pid, datetime.now(UTC), "ed", "composer", 1, 3, 0)
        return replace(batch, runs=(run,)), process

    other, process = adopted(["sleep", "60"])  # another program, under a reused pid
    try:
        assert progress(other).state == "stopped" and not stop(other)
    finally:
        process.kill()
        process.wait()
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)", "--out", str(batch.folder)]
    ours, process = adopted(sleeper)
    try:
        command_line = Path(f"/proc/{process.pid}/cmdline")
        deadline = time.monotonic() + 30  # until the child has exec'd (slow on a busy machine)
        while str(batch.folder).encode() not in command_line.read_bytes():
            assert time.monotonic() < deadline, "the child never started"
            time.sleep(0.05)
        assert progress(ours).state == "running"
        assert stop(ours)
        assert process.wait(timeout=10) == -signal.SIGTERM
    finally:
        process.kill()


# the page -----------------------------------------------------------------------------------
def batch_page(name: str) -> AppTest:
    return signed_in(name).switch_page(BATCH_PAGE).run()


def test_the_page_needs_a_sign_in(settings: Settings) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120).run().switch_page(BATCH_PAGE).run()
    assert [t.value for t in at.title] == ["Sign in"] and not at.file_uploader


def test_an_editor_checks_an_upload_starts_and_stops_it(settings: Settings) -> None:
    at = batch_page("ed")
    assert at.title[0].value == "Batches" and len(at.file_uploader) == 1
    assert at.button(key="batch_validate").disabled
    upload = b"topic,specialty\nShingles,Dermatology\n,\nGout <i>flare</i>,x,y\n"
    at.file_uploader[0].set_value(("winter.csv", upload, "text/csv")).run()
    at.button(key="batch_validate").click().run()
    assert "1 row(s) ready to draft; 2 row(s) will be skipped" in texts(at.warning)
    problems = at.dataframe[0].value
    assert list(problems["line of the file"]) == ["3", "4"]
    assert list(problems["problem"]) == ["empty row", "3 cells but 2 columns"]
    assert not at.button(key="batch_start").disabled
    at.button(key="batch_start").click().run()
    assert "Started batch winter.csv." in texts(at.success)
    (batch,) = [b for b in batches(settings) if b.name == "winter.csv"]
    assert batch.runs[0].editor == "ed" and at.selectbox(key="batch_selected").value == batch.id
    assert "Running for" in texts(at.info)  # the process is still starting up
    at.button(key="batch_stop").click().run()
    assert "Stopped batch winter.csv" in texts(at.warning)
    assert "1 item(s) not drafted yet" in texts(at.warning) and at.button(key="batch_resume")
    assert progress(batch).state == "stopped"


def test_an_upload_nothing_can_be_drafted_from_cannot_start(settings: Settings) -> None:
    at = batch_page("ed")
    at.file_uploader[0].set_value(("people.csv", b"name,age\nAnn,40\n", "text/csv")).run()
    at.button(key="batch_validate").click().run()
    assert "Nothing can be drafted from people.csv" in texts(at.error)
    assert "no 'topic' or 'question' column" in " ".join(at.dataframe[0].value["problem"])
    assert at.button(key="batch_start").disabled


def test_a_physician_follows_a_batch_and_opens_its_drafts(
    settings: Settings, finished: Batch
) -> None:
    at = batch_page("ana")
    assert not at.file_uploader and "Editors start batches" in texts(at.info)
    at.selectbox(key="batch_selected").select(finished.id).run()
    assert "Finished in" in texts(at.success)
    assert [m.value for m in at.metric] == ["3", "0", str(progress(finished).flagged), "0"]
    keys = {b.key for b in at.button}
    assert not keys & {"batch_stop", "batch_resume", "batch_retry", "batch_validate"}
    shown = "\n".join(m.value for m in at.markdown)
    assert "\\<b\\>Migraine\\</b\\> attacks" in shown and "<b>" not in shown  # escaped
    assert "Line 2 of the file" in shown  # the header is line 1
    (download,) = [b for b in at.get("download_button") if b.proto.label.startswith("Download")]
    assert download.proto.label == "Download the 3 article(s) (.zip)"
    with zipfile.ZipFile(io.BytesIO(bundle(finished.folder / "articles"))) as bundled:
        names = bundled.namelist()
        assert names[-1] == "index.csv" and len(names) == 4
        assert re.fullmatch(r"0001-[a-z0-9-]+\.md", names[0]), names
        assert "DRAFT — not reviewed by a physician" in bundled.read(names[0]).decode()
    first = finished_items(finished)[0]
    at.button(key=f"batch-open-{first.question_id}").click().run()
    assert texts([at.subheader[0]]) == f"#{first.question_id} · Gout"
