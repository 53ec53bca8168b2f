"""Evaluation: the runs of the evaluation harness (newest first) with what their numbers mean
and how far their judge can be trusted; one run's report with its files; two runs compared,
with the gate of a chosen metric. Anyone signed in may look.

Registered in ``app.py`` as
``st.Page("screens/evaluation.py", title="Evaluation", icon=":material/analytics:")``.
"""

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

import appstate
from assistant.evaluation.compare import RunError, compare
from assistant.evaluation.report import judge_statement
from assistant.evaluation.results import METRICS
from assistant.evaluation.specs import Gate, SpecError, load_gate
from assistant.review.insights import outcomes, summary
from assistant.reviewui.evaluation import (
    CREATE_COMMAND,
    RunEntry,
    comparison_rows,
    find_runs,
    gate_result,
    headline,
    judge_guide,
    metric_rows,
    report_html,
    run_files,
    run_rows,
    worsened_rows,
)
from assistant.reviewui.text import md_escape
from tables import table

METRIC_LABELS = {m.name: m.label for m in METRICS}

appstate.require_user()
settings = appstate.services().settings


def pick(
    where: DeltaGenerator, label: str, runs: dict[str, RunEntry], key: str, default: int
) -> RunEntry:
    if st.session_state.get(key) not in runs:  # a run removed since: start from the default
        st.session_state.pop(key, None)
    chosen = where.selectbox(
        label, list(runs), index=default, format_func=lambda i: runs[i].label, key=key
    )
    return runs[chosen or next(iter(runs))]


def show_report(run: RunEntry) -> None:
    try:
        page = report_html(run.path)
        files = run_files(run.path)
    except RunError as exc:
        st.error(md_escape(str(exc)))
        return
    judge = judge_statement(run.manifest)
    if not judge.calibrated or judge.warnings:
        st.warning(md_escape(" ".join([judge.sentence, *judge.warnings])), icon=":material/gavel:")
    for column, file in zip(st.columns(len(files)), files, strict=True):
        column.download_button(
            file.label, file.data, file.filename, file.mime, key=f"eval-download-{file.label}"
        )
    # escaped and self-contained (its CSS stays inside); as tall as the report, so it scrolls
    # with the page
    st.iframe(page, height="content")


def show_comparison(a: RunEntry, b: RunEntry, metric: str, max_drop: float) -> None:
    try:
        comparison = compare(a.path, b.path)
    except RunError as exc:
        st.error(md_escape(str(exc)))
        return
    st.caption(
        f"B {md_escape(b.id)} against A {md_escape(a.id)}: {len(comparison.shared)} item(s) in "
        "both runs, repeats averaged per item, paired bootstrap 95% intervals over items."
    )
    for warning in comparison.warnings:
        st.warning(md_escape(warning), icon=":material/warning:")
    table(comparison_rows(comparison))
    result = gate_result(comparison, metric, max_drop)
    if result.passed is None:
        st.info(md_escape(result.message))
    else:
        (st.success if result.passed else st.error)(md_escape(result.message))
    worse = worsened_rows(comparison, metric)
    if worse:
        st.markdown(f"Items whose {md_escape(METRIC_LABELS[metric].lower())} got worse in B")
        table(worse)
    else:
        st.caption(f"No item's {md_escape(METRIC_LABELS[metric].lower())} got worse in B.")


st.title("Evaluation")
st.caption(
    "How close drafts come to physicians' answers to held-out questions: each run drafts "
    "them with one drafter and model, and a judge scores the drafts against the answers."
)
found = find_runs(settings.home)
for problem in found.problems:
    st.warning(md_escape(problem))
if not found.runs:
    st.info(
        "No evaluation run yet. Create one at the command line with the command below "
        f"(add `--limit 20` for a quick one); its results appear here. Runs are kept under "
        f"{md_escape(str(settings.home))}."
    )
    st.code(CREATE_COMMAND, language="bash")
    st.stop()

newest = found.runs[0]
st.subheader(f"The newest run: {md_escape(newest.manifest.drafter)}")
st.caption(
    f"{newest.manifest.items} question(s) answered by physicians, "
    f"{newest.manifest.created_at:%Y-%m-%d}; {md_escape(judge_statement(newest.manifest).sentence)}"
)
for col, item in zip(st.columns(4), headline(newest.manifest), strict=False):
    col.metric(item.label, item.value, help=item.help)
drafts = outcomes(appstate.services().store)
total = summary(drafts) if drafts else None
if total is not None and total.decided:
    changed = total.median_words_changed
    left, right = st.columns(2)
    left.metric(
        "Approved as drafted",
        f"{total.approved_unchanged * total.drafts / total.decided:.0%}",
        help="Of the drafts physicians decided on in the review app (see Insights).",
    )
    right.metric(
        "Words physicians changed",
        "n/a" if changed is None else f"{changed:.0%}",
        help="Median share of a machine draft's words changed before approval.",
    )

with st.expander("Engineering details: every run, the metrics, how far the judge is trusted"):
    st.markdown(judge_guide())
    table(metric_rows())
    table(run_rows(found.runs))

runs = {run.id: run for run in found.runs}
report_tab, compare_tab = st.tabs(["Report of a run", "Compare two runs"])
with report_tab:
    show_report(pick(st.container(), "Run", runs, "eval_run", 0))
with compare_tab:
    try:  # the gate `assistant eval compare` starts from too
        gate: Gate | None = load_gate(settings.eval_dir)
    except SpecError as exc:
        gate = None
        st.error(md_escape(str(exc)))
    if gate is not None and len(runs) < 2:
        st.info(f"Comparing needs two runs: make another with `{CREATE_COMMAND}`.")
    elif gate is not None:
        a_col, b_col = st.columns(2)
        a = pick(a_col, "A: the baseline", runs, "eval_a", 1)
        b = pick(b_col, "B: the run to check against it", runs, "eval_b", 0)
        metric_col, drop_col = st.columns(2)
        metric = metric_col.selectbox(
            "Gate on",
            list(METRIC_LABELS),
            index=list(METRIC_LABELS).index(gate.metric),
            format_func=METRIC_LABELS.__getitem__,
            key="eval_metric",
        )
        max_drop = drop_col.number_input(
            "Largest allowed drop (in the metric's worse direction)",
            help=f"Default from eval/gates.toml. {gate.why or ''}",
            min_value=0.0,
            value=gate.max_drop,
            step=0.01,
            format="%.3f",
            key="eval_max_drop",
        )
        if a.id == b.id:
            st.info("Choose two different runs: A, the baseline, and B, the run to check.")
        else:
            show_comparison(a, b, metric or gate.metric, float(max_drop))
