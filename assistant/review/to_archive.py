"""Approved pages as archive records: a physician-approved More Info becomes a past answer
that future drafts can cite, with the approving physician as its doctor.

Ids are ``approved:<question id>`` (dataset ``approved``), so re-importing is idempotent (an
unchanged page is skipped, a page approved again replaces its record) and an evaluation can
keep them out (``assistant eval run --exclude-approved``).
"""

from __future__ import annotations

from assistant.corpus.record import Record
from assistant.drafting.models import DraftRequest
from assistant.drafting.parsing import parse_markdown
from assistant.review.export import approved_version
from assistant.review.store import ReviewStore
from assistant.review.views import QuestionDetail, ReviewView

PREFIX = "approved:"
DATASET = "approved"


def approved_records(store: ReviewStore) -> list[Record]:
    """Every approved page of the review store, as it was approved."""
    return [approved_record(full, review) for full, review in store.approved()]


def approved_ids(store: ReviewStore) -> frozenset[str]:
    return frozenset(f"{PREFIX}{full.question.id}" for full, _ in store.approved())


def approved_record(full: QuestionDetail, review: ReviewView) -> Record:
    question = full.question
    version = approved_version(full, review)
    request = (
        DraftRequest.model_validate_json(question.request_json)
        if question.request_json
        else DraftRequest(question=question.question)
    )
    # the page's text without its [n] markers (they number this page's sources) and with its
    # headings as plain lines, as the archive's other answers are
    text = "\n\n".join(
        "\n".join(filter(None, [section.heading, " ".join(x.text for x in section.sentences)]))
        for section in parse_markdown(version.body)
    )
    return Record(
        id=f"{PREFIX}{question.id}",
        dataset=DATASET,
        title=str(version.draft.get("title") or question.title or "") or None,
        question=question.question,
        asker=request.asker,
        ask_date=request.ask_date,
        doctor=review.reviewer_display_name,
        specialty=question.specialty,
        reply=question.reply,
        reply_date=review.created_at.date(),
        long_explanation=text or None,
        provenance=(
            f"approved in the review app by {review.reviewer_display_name} on "
            f"{review.created_at:%Y-%m-%d}, version {version.number}"
        ),
        extras={"replied_by": question.doctor} if question.doctor else {},
    )
