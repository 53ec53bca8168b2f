"""Batches: an editor uploads a file of topics or questions, checks it and starts a run in the
background; everyone follows the batches' progress and opens the drafted questions for review.
"""

from pathlib import Path

import streamlit as st

import appstate
from assistant.batch.bundle import bundle
from assistant.batch.jobs import (
    DRAFTERS,
    Batch,
    BatchError,
    Mode,
    batches,
    batches_dir,
    discard,
    finished_items,
    load,
    log_tail,
    may_start,
    progress,
    start,
    stop,
)
from assistant.review.errors import PermissionDenied
from assistant.reviewui.batch import (
    Checked,
    drafter_label,
    duration,
    save_upload,
)
from assistant.reviewui.text import md_escape
from tables import table

REFRESH_S = 2
SHOWN_ITEMS = 100
STARTED = {"new": "Started", "resume": "Resumed", "retry": "Retrying the failed items of"}

user = appstate.require_user()
settings = appstate.services().settings
editor = may_start(user.role)


def forget_checked() -> None:
    """A new file: the last check no longer applies (its unstarted copy is removed)."""
    checked = st.session_state.pop("batch_checked", None)
    if isinstance(checked, Checked) and checked.batch is not None:
        discard(checked.batch)


def run(
    batch: Batch, mode: Mode, drafter: str | None = None, concurrency: int | None = None
) -> None:
    try:
        started = start(settings, batch, user, mode, drafter, concurrency)
    except (BatchError, PermissionDenied) as exc:
        appstate.flash(str(exc), "error")
    else:
        appstate.flash(f"{STARTED[mode]} batch {started.name}.")
        st.session_state.batch_selected = started.id
    st.rerun()


def stop_batch(batch: Batch) -> None:
    stop(batch)
    appstate.flash(f"Stopped batch {batch.name}: resume it to finish.", "warning")
    st.rerun()


def show_checked(checked: Checked) -> None:
    validation = checked.validation
    kind, message = validation.summary()
    {"success": st.success, "warning": st.warning, "error": st.error}[kind](md_escape(message))
    if validation.issues:
        table(validation.table())


def show_batch(batch_id: str, was_running: bool) -> None:
    appstate.require_user(touch=False)  # it refreshes itself: the session is checked each time
    batch = load(batches_dir(settings) / batch_id)
    now = progress(batch)
    if was_running and now.state != "running":
        st.rerun()  # the whole page: stop refreshing, offer what comes next
    last = batch.runs[-1]
    st.caption(
        f"{md_escape(batch.name)} · {batch.rows} row(s) · started by {md_escape(last.editor)} "
        f"on {last.started_at:%Y-%m-%d %H:%M} UTC · {last.drafter}, {last.concurrency} at a time"
    )
    if now.state == "running":
        eta = f", about {duration(now.eta_s)} left" if now.eta_s is not None else ""
        st.info(f"Running for {duration(now.elapsed_s)}{eta}.", icon=":material/autorenew:")
    elif now.state == "finished":
        st.success(f"Finished in {duration(now.elapsed_s)}.")
    else:
        st.warning(
            f"Stopped with {now.pending} item(s) not drafted yet: resume to finish them.",
            icon=":material/pause_circle:",
        )
        with st.expander("The run's last output"):
            st.code(log_tail(batch) or "(no output)", language=None)
    finished = now.done + now.failed
    st.progress(now.fraction, text=f"{finished} of {now.total} item(s) finished")
    for column, (label, value) in zip(
        st.columns(4),
        [
            ("Drafted", now.done),
            ("Failed", now.failed),
            ("Flagged", now.flagged),
            ("Pending", now.pending),
        ],
        strict=True,
    ):
        column.metric(label, value)

    if editor:
        actions = st.columns(3)
        if now.state == "running" and actions[0].button("Stop", key="batch_stop"):
            stop_batch(batch)
        if now.state == "stopped" and actions[0].button("Resume", key="batch_resume"):
            run(batch, "resume")
        if (
            now.failed
            and now.state != "running"
            and actions[1].button("Retry failed", key="batch_retry")
        ):
            run(batch, "retry")

    items = finished_items(batch)
    drafted = [i for i in items if i.status == "done" and i.question_id is not None]
    if drafted and now.state != "running":
        st.download_button(
            f"Download the {len(drafted)} article(s) (.zip)",
            bundle(batch.folder / "articles"),
            f"{Path(batch.name).stem}-articles.zip",
            "application/zip",
            key="batch_zip",
            help="Each article as NNNN-topic.md, numbered in the order of the file, and an "
            "index.csv. They are drafts until a physician approves them.",
        )
    st.page_link(appstate.QUEUE_PAGE, label="Go to the queue", icon=":material/inbox:")
    for item in drafted[:SHOWN_ITEMS]:
        text_col, open_col = st.columns([10, 1])
        flags = f" · {item.flags} flag(s)" if item.flags else ""
        text_col.markdown(
            f"Line {item.row} of the file · **\\#{item.question_id}** · "
            f"{md_escape(item.text)}{flags}"
        )
        opened = open_col.button("Open", key=f"batch-open-{item.question_id}")
        if opened and item.question_id is not None:
            appstate.open_question(item.question_id)
    if len(drafted) > SHOWN_ITEMS:
        st.caption(f"… and {len(drafted) - SHOWN_ITEMS} more in the queue.")
    failed = [i for i in items if i.status == "failed"]
    if failed:
        with st.expander(f"Failed items ({len(failed)})"):
            table(
                [
                    {"line of the file": i.row, "about": i.text, "error": i.error or ""}
                    for i in failed
                ]
            )


st.title("Batches")
appstate.show_flash()

if editor:
    with st.container(border=True):
        st.subheader("New batch")
        upload = st.file_uploader(
            "A .csv with a 'topic' or 'question' column (optional: audience, specialty, "
            "target_length, reply), or a .jsonl with one such object per line",
            type=["csv", "jsonl"],
            key=f"batch-upload-{st.session_state.get('batch_uploads', 0)}",
            on_change=forget_checked,
        )
        drafter_col, concurrency_col = st.columns([3, 1])
        drafter = drafter_col.radio(
            "Drafter",
            DRAFTERS,
            format_func=lambda kind: drafter_label(kind, settings),
            key="batch_drafter",
        )
        concurrency = int(
            concurrency_col.number_input(
                "Items at the same time", min_value=1, max_value=8, value=1, key="batch_workers"
            )
        )
        if st.button("Validate", key="batch_validate", disabled=upload is None) and upload:
            forget_checked()
            try:
                st.session_state.batch_checked = save_upload(
                    settings, upload.name, upload.getvalue()
                )
            except BatchError as exc:
                st.error(md_escape(str(exc)))
        checked = st.session_state.get("batch_checked")
        if isinstance(checked, Checked):
            show_checked(checked)
            if (
                st.button(
                    "Start", type="primary", key="batch_start", disabled=checked.batch is None
                )
                and checked.batch is not None
            ):
                del st.session_state.batch_checked
                st.session_state.batch_uploads = st.session_state.get("batch_uploads", 0) + 1
                run(checked.batch, "new", drafter, concurrency)
else:
    st.info("Editors start batches; here you can follow them and open their drafts.")

st.subheader("Batches so far")
found = batches(settings)
if not found:
    st.caption("No batch has been started yet.")
    st.stop()
by_id = {b.id: b for b in found}
if st.session_state.get("batch_selected") not in by_id:
    st.session_state.pop("batch_selected", None)
chosen = st.selectbox(
    "Batch",
    list(by_id),
    format_func=lambda i: (
        f"{by_id[i].name} · {by_id[i].created_at:%Y-%m-%d %H:%M} · {by_id[i].runs[0].editor}"
    ),
    key="batch_selected",
)
running = progress(by_id[chosen]).state == "running"
st.fragment(show_batch, run_every=REFRESH_S if running else None)(chosen, running)
