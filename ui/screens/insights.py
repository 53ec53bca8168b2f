"""Draft insights: how machine drafts fare with physicians, per drafter and week (approved,
approved unchanged, rejected, how much was changed, how long a decision took) and the
sentences physicians delete most often, with their sources."""

import statistics

import streamlit as st

import appstate
from assistant.review.insights import as_text, most_deleted, outcomes, weekly

appstate.require_user()
store = appstate.services().store

st.title("Draft insights")
st.caption(
    "Every question with a machine draft counts once, in the week of its draft. Shares are of "
    "all drafts (pending ones included); words changed and hours are medians of decided ones."
)
found = outcomes(store)
if not found:
    st.info("No machine draft yet: draft questions from the queue, or run `assistant demo`.")
    st.stop()

decided = [o for o in found if o.decision]
approved = [o for o in decided if o.decision == "approved"]
changes = [o.words_changed for o in approved if o.words_changed is not None]
hours = [o.hours_to_decision for o in decided if o.hours_to_decision is not None]
columns = st.columns(5)
columns[0].metric("Machine drafts", len(found), f"{len(found) - len(decided)} waiting")
columns[1].metric("Approved", f"{len(approved) / len(found):.0%}")
columns[2].metric("Approved unchanged", f"{sum(o.unchanged for o in approved) / len(found):.0%}")
columns[3].metric("Words changed", f"{statistics.median(changes):.0%}" if changes else "n/a")
columns[4].metric("Hours to a decision", f"{statistics.median(hours):.1f}" if hours else "n/a")

rows = weekly(found)
st.subheader("Per drafter and week")
st.bar_chart(
    [
        {
            "week": f"{r.week} · {r.drafter}",
            "approved unchanged": r.approved_unchanged,
            "approved after edits": r.approved - r.approved_unchanged,
            "rejected": r.rejected,
        }
        for r in rows
    ],
    x="week",
    y=["approved unchanged", "approved after edits", "rejected"],
    y_label="share of the week's drafts",
)
st.dataframe([as_text(r) for r in rows], hide_index=True, width="stretch")

st.subheader("Sentences physicians deleted most often")
deleted = most_deleted(found, 15)
if deleted:
    st.dataframe(
        [{"times": d.times, "sentence": d.sentence, "source": d.source} for d in deleted],
        hide_index=True,
        width="stretch",
    )
else:
    st.caption("No approved draft had a source sentence deleted yet.")
