"""Draft insights: how machine drafts fare with physicians, per drafter and week (approved,
approved unchanged, rejected, how much was changed, how long a decision took) and the
sentences physicians delete most often, with their sources."""

import streamlit as st

import appstate
from assistant.review.insights import as_text, most_deleted, outcomes, summary, weekly
from tables import table

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

total = summary(found)
changed, hours = total.median_words_changed, total.median_hours_to_decision
columns = st.columns(5)
columns[0].metric("Machine drafts", total.drafts, f"{total.drafts - total.decided} waiting")
columns[1].metric("Approved", f"{total.approved:.0%}")
columns[2].metric("Approved unchanged", f"{total.approved_unchanged:.0%}")
columns[3].metric("Words changed", "n/a" if changed is None else f"{changed:.0%}")
columns[4].metric("Hours to a decision", "n/a" if hours is None else f"{hours:.1f}")

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
table([as_text(r) for r in rows])

st.subheader("Sentences physicians deleted most often")
deleted = most_deleted(found, 15)
if deleted:
    table([{"times": d.times, "sentence": d.sentence, "source": d.source} for d in deleted])
else:
    st.caption("No approved draft had a source sentence deleted yet.")
