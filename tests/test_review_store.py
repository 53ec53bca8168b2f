"""The review store on SQLite and on a real PostgreSQL: the flow from a question to an
approved page, statuses, permissions, read-only approved pages, conflicts (also between two
threads saving at once), and the queue's filters and counts."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from assistant.checks.report import CheckReport, Flag
from assistant.config import Settings
from assistant.corpus import Asker
from assistant.drafting import Draft
from assistant.drafting.body import from_body, to_body
from assistant.review.errors import Claimed, Conflict, NotFound, PermissionDenied, ReadOnly
from assistant.review.insights import changed_share, most_deleted, outcomes, weekly
from assistant.review.models import Base
from assistant.review.store import ReviewStore
from assistant.review.views import QueueFilter, RejectReason, Role, Status, UserView
from assistant.reviewui.versions import request_of
from tests.builders import QUESTION, make_draft
from tests.conftest import FakeClock


def checks(flags: int = 0, red: bool = False) -> CheckReport:
    found = tuple(
        Flag(kind="unsupported_sentence", severity="warning", message=f"sentence {i}")
        for i in range(flags)
    )
    return CheckReport(scorer="test", flags=found, red_flags=("chest pain",) if red else ())


def people(store: ReviewStore) -> tuple[UserView, UserView, UserView]:
    doc = store.add_user("doc", "correct horse", Role.PHYSICIAN, "Dr. Ada Physician")
    ed = store.add_user("ed", "battery staple", Role.EDITOR, "Ed Editor")
    admin = store.add_user("root", "admin password", Role.ADMIN)
    return doc, ed, admin


def drafted(store: ReviewStore, by: UserView, draft: Draft | None = None) -> int:
    draft = draft or make_draft()
    question = store.create_question(draft.request, by)
    store.add_machine_version(question.id, draft, checks())
    return question.id


def edit(store: ReviewStore, qid: int, base: int, by: UserView, words: str) -> int:
    draft = make_draft()
    body = to_body(draft).replace("Here is more.", words)
    return store.save_edit(qid, body, from_body(body, draft), checks(), base, by).number


def test_question_to_approved_page(review_store: ReviewStore, review_clock: FakeClock) -> None:
    doc, ed, _ = people(review_store)
    review_clock.advance(0.000123)
    question = review_store.create_question(make_draft().request, ed, origin="upload")
    assert (question.status, question.latest_version) == (Status.PENDING, 0)
    assert question.created_at == review_clock.at  # aware UTC, to the microsecond
    first = review_store.add_machine_version(question.id, make_draft(), checks(flags=2))
    assert (first.number, first.kind, first.author) == (1, "machine", "grounded-composer")
    assert first.drafter == "grounded-composer" and first.model == "none (no language model)"
    assert first.body == to_body(make_draft()) and first.created_at.tzinfo is not None
    assert review_store.open_for_review(question.id, doc).status is Status.PENDING  # only read
    claimed = review_store.claim(question.id, doc)
    assert (claimed.status, claimed.claimed_by_display) == (Status.IN_REVIEW, "Dr. Ada Physician")
    assert edit(review_store, question.id, 1, doc, "Here is a human sentence.") == 2
    review = review_store.approve(question.id, 2, doc)
    assert (review.decision, review.reviewer_display_name) == ("approved", "Dr. Ada Physician")

    full = review_store.detail(question.id)
    assert full.question.status is Status.APPROVED
    assert [v.kind for v in full.versions] == ["machine", "edit"]
    assert full.latest is not None and "Here is a human sentence." in full.latest.body
    assert full.machine is not None and full.machine.number == 1
    assert full.latest.draft["sections"][0]["sentences"][0]["origin"] == "human"
    assert full.reviews == (review,)
    ((approved, approval),) = review_store.approved()
    assert approved.question.id == question.id and approval == review
    assert full.question.question == QUESTION and full.question.asker_age_range == "40~49"


def test_only_physicians_approve_or_reject(review_store: ReviewStore) -> None:
    _, ed, admin = people(review_store)
    qid = drafted(review_store, ed)
    for user in (ed, admin):
        with pytest.raises(PermissionDenied, match="only a physician"):
            review_store.approve(qid, 1, user)
        with pytest.raises(PermissionDenied):
            review_store.reject(qid, 1, RejectReason.OTHER, None, user)
    with pytest.raises(PermissionDenied):
        edit(review_store, qid, 1, admin, "Admins do not edit.")
    assert review_store.detail(qid).question.status is Status.PENDING


def test_a_disabled_user_can_do_nothing(review_store: ReviewStore) -> None:
    doc, ed, admin = people(review_store)
    qid = drafted(review_store, ed)
    review_store.disable_user("doc", by=admin)
    with pytest.raises(PermissionDenied, match="disabled"):
        review_store.approve(qid, 1, doc)  # the view in hand still says active
    with pytest.raises(PermissionDenied):
        edit(review_store, qid, 1, doc, "Still here.")
    with pytest.raises(PermissionDenied):
        review_store.open_for_review(qid, doc)
    with pytest.raises(PermissionDenied):
        review_store.create_question(make_draft().request, doc)


def test_approved_is_read_only_until_reopened(review_store: ReviewStore) -> None:
    doc, ed, _ = people(review_store)
    qid = drafted(review_store, ed)
    review_store.approve(qid, 1, doc)
    with pytest.raises(ReadOnly):
        edit(review_store, qid, 1, ed, "Sneaky change.")
    with pytest.raises(ReadOnly):
        review_store.add_machine_version(qid, make_draft(), checks(), ed, kind="regenerated")
    with pytest.raises(ReadOnly):
        review_store.approve(qid, 1, doc)
    assert review_store.reopen(qid, ed).status is Status.IN_REVIEW
    assert edit(review_store, qid, 1, ed, "A needed change.") == 2
    review_store.approve(qid, 2, doc)
    assert [r.version_number for r in review_store.detail(qid).reviews] == [1, 2]
    assert [a.version_number for _, a in review_store.approved()] == [2]


def test_reject_with_a_reason_then_redraft(review_store: ReviewStore) -> None:
    doc, ed, _ = people(review_store)
    qid = drafted(review_store, ed)
    review = review_store.reject(qid, 1, RejectReason.UNSAFE, "  Missing the ER advice. ", doc)
    assert (review.decision, review.reason) == ("rejected", RejectReason.UNSAFE)
    assert review.comment == "Missing the ER advice."
    assert review_store.detail(qid).question.status is Status.REJECTED
    assert review_store.approved() == []
    again = review_store.add_machine_version(qid, make_draft(), checks(), ed, kind="regenerated")
    assert again.number == 2 and review_store.detail(qid).question.status is Status.PENDING
    review_store.claim(qid, doc)
    review_store.add_machine_version(qid, make_draft(), checks(), doc, kind="regenerated")
    assert review_store.detail(qid).question.status is Status.IN_REVIEW  # a reviewer's redraft


def test_claims_views_and_order(review_store: ReviewStore, review_clock: FakeClock) -> None:
    doc, ed, _ = people(review_store)
    other = review_store.add_user("eve", "correct horse", Role.PHYSICIAN, "Dr. Eve")
    calm, red, edited = (drafted(review_store, ed) for _ in range(3))
    review_clock.advance(60)
    review_store.add_machine_version(red, make_draft(), checks(1, red=True), ed, "regenerated")
    mine = QueueFilter(open_only=True, claimed_by="doc")
    unclaimed = QueueFilter(open_only=True, unclaimed=True)

    def ids(where: QueueFilter) -> list[int]:
        return [q.id for q in review_store.queue(where)]

    assert ids(replace(unclaimed, order="red_first")) == [red, calm, edited]
    assert ids(replace(unclaimed, order="newest")) == [edited, red, calm]
    review_store.claim(calm, doc)
    assert ids(mine) == [calm] and ids(unclaimed) == [red, edited]
    assert review_store.count(unclaimed) == 2 and review_store.count(mine) == 1
    with pytest.raises(Claimed, match="in review by doc"):
        review_store.claim(calm, other)
    with pytest.raises(PermissionDenied, match="only they can release"):
        review_store.release(calm, other)
    taken = review_store.claim(calm, other, take_over=True)
    assert taken.claimed_by == "eve" and ids(mine) == []
    assert review_store.release(calm, other).status is Status.PENDING  # nothing was edited

    edit(review_store, edited, 1, ed, "An editor's sentence.")  # editing claims it
    assert review_store.detail(edited).question.claimed_by == "ed"
    assert review_store.release(edited, ed).status is Status.IN_REVIEW  # edited: stays
    review_store.approve(red, 2, doc)
    with pytest.raises(ReadOnly):
        review_store.claim(red, doc)
    actions = [e.action for e in review_store.events()]
    assert actions.count("question.claimed") == 2 and actions.count("question.released") == 2


def test_second_save_on_the_same_version_is_a_conflict(review_store: ReviewStore) -> None:
    doc, ed, _ = people(review_store)
    qid = drafted(review_store, ed)
    assert edit(review_store, qid, 1, ed, "The editor's words.") == 2
    with pytest.raises(Conflict) as caught:
        edit(review_store, qid, 1, doc, "The physician's words.")
    theirs = caught.value.theirs
    assert theirs is not None and theirs.number == 2 and theirs.author == "ed"  # type: ignore[attr-defined]
    assert "-Here is more." in caught.value.diff and "+The editor's words." in caught.value.diff
    assert "version 2 was saved by ed" in str(caught.value)
    with pytest.raises(Conflict):
        review_store.approve(qid, 1, doc)  # approving what is no longer the newest
    assert [v.number for v in review_store.detail(qid).versions] == [1, 2]


def test_the_unique_version_number_backs_up_the_check(review_store: ReviewStore) -> None:
    """A row the check cannot see (written behind the store's back) still stops a save."""
    _, ed, _ = people(review_store)
    qid = drafted(review_store, ed)
    with review_store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO versions (question_id, number, kind, body, draft_json, checks_json,"
                " author, drafter, model, flag_count, has_red_flag, created_at) VALUES (:q, 2,"
                " 'edit', 'x', '{}', '{}', 'other', 'd', 'm', 0, false, CURRENT_TIMESTAMP)"
            ),
            {"q": qid},
        )
    with pytest.raises(Conflict):
        edit(review_store, qid, 1, ed, "Mine.")


def test_two_threads_saving_at_once_cannot_both_win(review_store: ReviewStore) -> None:
    doc, ed, _ = people(review_store)
    qid = drafted(review_store, ed)
    start = threading.Barrier(2)
    won: list[int] = []
    lost: list[Conflict] = []

    def save(user: UserView) -> None:
        start.wait()
        try:
            won.append(edit(review_store, qid, 1, user, f"Words of {user.name}."))
        except Conflict as exc:
            lost.append(exc)

    threads = [threading.Thread(target=save, args=(u,)) for u in (doc, ed)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert won == [2] and len(lost) == 1
    versions = review_store.detail(qid).versions
    assert [v.number for v in versions] == [1, 2]
    assert lost[0].theirs == versions[1]
    assert review_store.verify_audit().ok


def test_queue_filters_and_counts(review_store: ReviewStore, review_clock: FakeClock) -> None:
    doc, ed, _ = people(review_store)
    old = review_store.create_question(
        make_draft("Why does my knee hurt?", "Orthopedics").request, ed
    )
    review_store.add_machine_version(old.id, make_draft(), checks(flags=2, red=True))
    review_clock.advance(3 * 3600)
    calm = drafted(review_store, ed, make_draft("Is a calcified lump 100% benign?", "Surgery"))
    review_clock.advance(60)
    empty = review_store.create_question(make_draft("A question not drafted yet", None).request, ed)
    review_store.approve(calm, 1, doc)

    def ids(**where: object) -> list[int]:
        return [q.id for q in review_store.queue(QueueFilter(**where))]  # type: ignore[arg-type]

    assert ids() == [old.id, calm, empty.id]  # oldest first
    assert ids(status=Status.APPROVED) == [calm]
    assert ids(status=Status.PENDING) == [old.id, empty.id]
    assert ids(specialty="Orthopedics") == [old.id]
    assert ids(flagged=True) == [old.id] and ids(flagged=False) == [calm, empty.id]
    assert ids(red_flag=True) == [old.id] and ids(red_flag=False) == [calm, empty.id]
    assert ids(older_than_hours=2) == [old.id]
    assert ids(search="KNEE hurt") == [old.id] and ids(search="100%") == [calm]
    assert ids(search="lump", status=Status.PENDING) == []
    first = review_store.queue()[0]
    assert (first.flag_count, first.has_red_flag, first.latest_version) == (2, True, 1)
    assert first.title == "Understanding calcified lumps"
    counts = review_store.counts()
    assert counts == {Status.PENDING: 2, Status.IN_REVIEW: 0, Status.APPROVED: 1,
                      Status.REJECTED: 0}  # fmt: skip
    assert review_store.specialties() == ["Orthopedics", "Surgery"]


def test_an_undrafted_question_keeps_its_whole_request(review_store: ReviewStore) -> None:
    _, ed, _ = people(review_store)
    request = make_draft().request.model_copy(
        update={
            "asker": Asker(name="Ms. Li", sex="female", age_range="30-40"),
            "ask_date": date(2022, 3, 20),
            "reply_date": date(2022, 3, 24),
        }
    )
    question = review_store.create_question(request, ed)
    assert request_of(review_store.detail(question.id).question) == request


def test_unknown_question_is_not_found(review_store: ReviewStore) -> None:
    doc, _, _ = people(review_store)
    with pytest.raises(NotFound):
        review_store.detail(999)
    with pytest.raises(NotFound):
        review_store.approve(999, 1, doc)


def test_open_migrates_to_head_once(review_url: str, tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", database_url=review_url)
    for _ in range(2):  # the second open finds the schema current
        store = ReviewStore.open(settings)
        with store.engine.connect() as connection:
            revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
            assert revision.scalar_one() == "0004"
            # the migrations build exactly the tables the models declare
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        store.close()


def test_insights_per_drafter_and_week(review_store: ReviewStore, review_clock: FakeClock) -> None:
    doc, ed, _ = people(review_store)
    same, edited, rejected, pending = (drafted(review_store, ed) for _ in range(4))
    review_clock.advance(3600)
    review_store.approve(same, 1, doc)  # as the machine wrote it, an hour later
    draft = make_draft()
    body = to_body(draft).replace("Calcium builds up [1].", "Calcium salts settle in the lump.")
    review_store.save_edit(edited, body, from_body(body, draft), checks(), 1, doc)
    review_clock.advance(3600)
    review_store.approve(edited, 2, doc)
    review_store.reject(rejected, 1, RejectReason.OTHER, None, doc)

    found = outcomes(review_store)
    assert [o.question_id for o in found] == [same, edited, rejected, pending]
    (row,) = weekly(found)
    assert (row.drafter, row.week, row.drafts) == ("grounded-composer", "2025-W09", 4)
    assert (row.approved, row.approved_unchanged, row.rejected) == (0.5, 0.25, 0.25)
    assert row.median_hours_to_decision == 2.0  # of 1, 2 and 2 hours
    changed = next(o for o in found if o.question_id == edited).words_changed
    assert changed is not None and 0 < changed < 1 and row.median_words_changed == changed / 2
    (gone,) = most_deleted(found)
    assert (gone.sentence, gone.times) == ("Calcium builds up.", 1)
    assert changed_share("a b c d", "a b c d") == 0.0 and changed_share("a b", "x y") == 1.0


def test_the_sqlite_store_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    """It holds password hashes and patients' questions (issue 14)."""
    fresh = Settings(home=tmp_path / "fresh-home")
    ReviewStore.open(fresh).close()
    assert (fresh.home.stat().st_mode & 0o777) == 0o700
    assert ((fresh.home / "review.sqlite3").stat().st_mode & 0o777) == 0o600
    shared = tmp_path / "shared-home"  # an existing home and store, open to everyone
    shared.mkdir(mode=0o755)
    (shared / "review.sqlite3").touch(mode=0o644)
    ReviewStore.open(Settings(home=shared)).close()
    assert ((shared / "review.sqlite3").stat().st_mode & 0o777) == 0o600
