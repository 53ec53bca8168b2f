"""The review page's HTML: the patient's question card and the draft with its flags inline.

Everything that came from a patient, a doctor, a source or a model is escaped with
``html.escape`` (quotes too, for attributes): ``<script>`` or ``<img onerror=…>`` in a
question shows as text. The only markup is the fixed tags and classes written here.
"""

from __future__ import annotations

from html import escape

from assistant.checks import CheckReport, Flag, SentenceCheck
from assistant.drafting import Draft
from assistant.knowledge.redflags import detect_red_flags
from assistant.review.views import QuestionView
from assistant.reviewui.sources import highlighted, supporting_passage

Position = tuple[int, int]  # (section, sentence)

PREVIEW_CSS = """
<style>
.card { border: 1px solid #ddd; border-radius: .5rem; padding: .75rem 1rem; }
.card .question, .card .reply { white-space: pre-wrap; margin: .25rem 0; }
.card .asker { color: #666; font-size: .85rem; }
.card .doctor { font-weight: 600; margin-top: .75rem; }
.draft h4 { margin: .9rem 0 .3rem; font-size: 1.05rem; }
.draft .section { line-height: 1.6; margin: 0 0 .4rem; }
.draft .template { color: #555; }
.draft .unsupported { background: #fff1b8; border-bottom: 2px solid #e0a800; }
.draft details.sentence { display: inline; }
.draft details.sentence > summary { display: inline; cursor: pointer; list-style: none; }
.draft details.sentence > summary::-webkit-details-marker { display: none; }
.draft details.sentence:not([open])::details-content { display: none; }
.draft details.sentence > summary:hover { text-decoration: underline dotted #1c6dd0; }
.draft details[open] > summary { outline: 2px solid #1c6dd0; border-radius: 2px; }
.draft .evidence { display: block; margin: .3rem 0 .6rem 1rem; padding: .4rem .7rem;
  border-left: 3px solid #1c6dd0; background: #f4f8fd; font-size: .88rem; }
.draft .evidence .verdict { color: #555; font-size: .8rem; }
.draft .evidence.no { border-left-color: #e0a800; background: #fffbea; }
.draft .evidence blockquote { margin: .25rem 0 0; }
.draft mark { background: #cfe6ff; padding: 0 .1rem; }
.draft sup { color: #1c6dd0; font-size: .7rem; }
.draft .flag { font-size: .72rem; color: #8a5300; background: #fff7e0; border-radius: 3px;
  padding: 0 .25rem; margin-left: .2rem; }
.draft .flag-error { color: #a30000; background: #fde8e8; }
.draft .physician { font-size: .72rem; color: #1d5e2c; background: #e6f4ea; border-radius: 3px;
  padding: 0 .25rem; margin-left: .2rem; }
.redflag { background: #fde8e8; border: 1px solid #d33; border-radius: .4rem;
  padding: .5rem .75rem; margin-bottom: .6rem; }
.redflag.ok { background: #eef8ee; border-color: #4a4; }
.redflag strong { color: #a30000; }
</style>
"""

FLAG_LABELS = {
    "unsupported_sentence": "not supported",
    "uncited_sentence": "no source",
    "invalid_citation": "bad citation",
}


def asker_line(question: QuestionView) -> str:
    who = " ".join(
        p
        for p in (
            question.asker_age_range and f"{question.asker_age_range} year old",
            question.asker_sex,
        )
        if p
    )
    return f"Asked by: {who or 'anonymous'}"


def question_html(question: QuestionView) -> str:
    """The patient's question, the asker line and the doctor's reply, escaped."""
    parts = [
        f'{PREVIEW_CSS}<div class="card"><p class="question">{escape(question.question)}</p>',
        f'<p class="asker">{escape(asker_line(question))}</p>',
    ]
    if question.reply:
        doctor = f"Dr. {question.doctor}" if question.doctor else "The doctor"
        specialty = f" · {question.specialty}" if question.specialty else ""
        parts.append(f'<p class="doctor">{escape(doctor)} replied{escape(specialty)}</p>')
        parts.append(f'<p class="reply">{escape(question.reply)}</p>')
    else:
        parts.append('<p class="asker">No reply from a doctor yet.</p>')
    parts.append("</div>")
    return "".join(parts)


def draft_html(draft: Draft, checks: CheckReport, approved: bool = False) -> str:
    """The More Info body: unsupported sentences highlighted, sentence flags inline, the
    red-flag status on top. A click on a sentence opens the passage it rests on beneath it,
    the shared words marked; the first unsupported sentence starts open. Once ``approved``,
    a sentence a person wrote or edited is marked physician-written, not unsupported: the
    approving physician vouched for it."""
    by_position = {(c.section, c.index): c for c in checks.sentences}
    inline: dict[Position, list[Flag]] = {}
    for flag in checks.flags:
        if flag.section is not None and flag.index is not None:
            inline.setdefault((flag.section, flag.index), []).append(flag)
    first = next(
        (
            (c.section, c.index)
            for c in checks.sentences
            if not c.supported and c.origin != "template" and not approved
        ),
        None,
    )
    parts = [PREVIEW_CSS, '<div class="draft">', red_flag_html(draft, checks)]
    for s, section in enumerate(draft.sections):
        if section.heading:
            parts.append(f"<h4>{escape(section.heading)}</h4>")
        sentences = []
        for i, sentence in enumerate(section.sentences):
            check = by_position.get((s, i))
            if check is not None and check.text != sentence.text:
                check = None  # the report is of another text: do not mark
            vouched = approved and sentence.origin == "human"
            classes = ["sentence", sentence.origin]
            if check is not None and not check.supported and not vouched:
                classes.append("unsupported")
            cites = "".join(f"<sup>[{n}]</sup>" for n in sentence.citations)
            flags = "".join(_flag(f) for f in inline.get((s, i), []))
            if vouched:
                flags = '<span class="physician">physician-written</span>'
            text = f"{escape(sentence.text)}{cites}"
            attributes = f'class="{" ".join(classes)}" data-pos="{s}.{i}"'
            if check is None or vouched:
                title = "physician-written" if vouched else _title(check)
                sentences.append(f'<span {attributes} title="{escape(title)}">{text}</span>{flags}')
                continue
            shown = " open" if (s, i) == first else ""
            sentences.append(
                f'<details {attributes}{shown}><summary title="{escape(_title(check))}">'
                f"{text}</summary>{_evidence(draft, checks, (s, i))}</details>{flags}"
            )
        parts.append(
            f'<div class="section-{escape(section.kind)}"><p>{" ".join(sentences)}</p></div>'
        )
    parts.append("</div>")
    return "".join(parts)


def _evidence(draft: Draft, checks: CheckReport, position: Position) -> str:
    """What a sentence rests on: the verdict, where from, and the passage, shared words
    marked."""
    passage = supporting_passage(draft, checks, position)
    assert passage is not None
    verdict = "Supported" if passage.supported else "Not supported"
    why = f" — {'; '.join(passage.reasons)}" if passage.reasons else ""
    body = (
        f"<blockquote>{highlighted(passage.text, passage.sentence)}</blockquote>"
        if passage.text
        else "<blockquote>No passage to compare with.</blockquote>"
    )
    return (
        f'<div class="evidence{"" if passage.supported else " no"}">'
        f'<span class="verdict">{verdict} · closest passage from {escape(passage.origin)}'
        f"{escape(why)}</span>{body}</div>"
    )


def red_flag_html(draft: Draft, checks: CheckReport) -> str:
    if not checks.red_flags:
        return ""
    labels = ", ".join(checks.red_flag_labels or _labels(draft, checks))
    if checks.escalation_present:
        return (
            f'<div class="redflag ok"><strong>Red flag</strong> in the question: {escape(labels)}. '
            "The draft tells the patient to get emergency help.</div>"
        )
    return (
        f'<div class="redflag"><strong>Red flag</strong> in the question: {escape(labels)}. '
        "<strong>The draft never tells the patient to get emergency help</strong>: "
        "add the escalation paragraph.</div>"
    )


def _labels(draft: Draft, checks: CheckReport) -> list[str]:
    """For a version checked before reports carried the labels: found again in the question."""
    return [f.label for f in detect_red_flags(draft.request.question)] or list(checks.red_flags)


def _flag(flag: Flag) -> str:
    label = FLAG_LABELS.get(flag.kind, flag.kind.replace("_", " "))
    return (
        f'<span class="flag flag-{escape(flag.severity)}" title="{escape(flag.message)}">'
        f"⚠ {escape(label)}</span>"
    )


def _title(check: SentenceCheck | None) -> str:
    if check is None:
        return "not checked yet"
    state = "supported" if check.supported else "not supported"
    source = f" by {check.evidence_from}" if check.evidence_from and check.supported else ""
    reasons = f" — {'; '.join(check.reasons)}" if check.reasons else ""
    return f"{state}{source} (score {check.score:.2f}){reasons}"
