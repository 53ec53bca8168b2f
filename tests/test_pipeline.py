"""One pipeline behind every entry point: the same request gives the same checked draft
(text, sources, disclaimer and checks) from the pipeline itself, ``assistant draft``, the
review app's services, ``assistant batch``, ``assistant demo`` and the evaluation harness;
and the policy (strict grounding, then the disclaimer) is applied in that order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.batch.article import request_for
from assistant.batch.rows import BatchRow
from assistant.cli import app
from assistant.cli.demo import _kqa_requests
from assistant.config import Settings
from assistant.drafting import Draft, DraftRequest
from assistant.evaluation.dataset import load_items
from assistant.evaluation.harness import Harness, build_request, plan_run
from assistant.evaluation.results import read_items
from assistant.index import Archive
from assistant.pipeline import Checked, Pipeline
from assistant.review.store import ReviewStore
from assistant.review.views import QueueFilter, Role
from assistant.reviewui import Services
from tests.conftest import CALF_QUERY
from tests.test_eval_run import FakeScriptedJudge

pytestmark = pytest.mark.embedded_only

REPLY = "It is most likely a benign calcified lipoma; an ultrasound would tell."
REQUEST = DraftRequest(question=CALF_QUERY, reply=REPLY)


def same(draft: Draft, report: Any) -> tuple[object, ...]:
    """What must agree between entry points (how long the checks took aside)."""
    return (
        draft.body_text(),
        [s.record_id for s in draft.sources],
        draft.disclaimer,
        report.model_dump(mode="json", exclude={"seconds"}),
    )


@pytest.fixture
def settings(archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The shared archive, with a review store and eval runs of this test's own."""
    database = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    environment = {
        "ASSISTANT_HOME": str(archive.settings.home),
        "ASSISTANT_COLLECTION": archive.settings.collection,
        "ASSISTANT_DATABASE_URL": database,
        "ASSISTANT_DRAFTER": "composer",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return archive.settings.model_copy(update={"database_url": database, "drafter": "composer"})


def reference(settings: Settings, archive: Archive, request: DraftRequest) -> Checked:
    with Pipeline.open(settings, archive, "composer") as pipeline:
        return pipeline.draft(request)


def test_cli_draft_and_the_review_app_give_the_pipelines_draft(
    settings: Settings, archive: Archive
) -> None:
    expected = reference(settings, archive, REQUEST)
    assert expected.draft.disclaimer and expected.draft.sections

    done = CliRunner().invoke(app, ["draft", CALF_QUERY, "--reply", REPLY, "--json"])
    assert done.exit_code == 0, done.output
    printed = json.loads(done.stdout)
    cli = Draft.model_validate(printed["draft"])
    assert same(cli, expected.report.model_validate(printed["checks"])) == same(
        expected.draft, expected.report
    )

    services = Services.build(settings)
    try:
        editor = services.store.add_user("ed", "a long password here", Role.EDITOR)
        question = services.create_and_draft(REQUEST, editor)
        stored = services.store.detail(question.id).latest
        assert stored is not None
        stored_draft = Draft.model_validate(stored.draft)
        stored_checks = expected.report.model_validate(stored.checks)
        assert same(stored_draft, stored_checks) == same(expected.draft, expected.report)
    finally:
        services.close()


def test_batch_demo_and_evaluation_give_the_pipelines_draft(
    settings: Settings, archive: Archive, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"question": CALF_QUERY, "reply": REPLY}) + "\n", encoding="utf-8")
    done = CliRunner().invoke(app, ["batch", str(rows), "--out", str(tmp_path / "out")])
    assert done.exit_code == 0, done.output
    (article,) = (tmp_path / "out" / "articles").glob("*.json")
    written = json.loads(article.read_text(encoding="utf-8"))
    expected = reference(
        settings, archive, request_for(BatchRow(row=1, question=CALF_QUERY, reply=REPLY))
    )
    batch = Draft.model_validate(written["draft"])
    checks = expected.report.model_validate(written["checks"])
    assert same(batch, checks) == same(expected.draft, expected.report)

    done = CliRunner().invoke(app, ["demo", "--questions", "1"])
    assert done.exit_code == 0, done.output
    (demo_request,) = _kqa_requests(1)
    expected = reference(settings, archive, demo_request)
    store = ReviewStore.open(settings)
    try:
        (queued,) = [q for q in store.queue(QueueFilter()) if q.question == demo_request.question]
        stored = store.detail(queued.id).latest
    finally:
        store.close()
    assert stored is not None
    demo_checks = expected.report.model_validate(stored.checks)
    assert same(Draft.model_validate(stored.draft), demo_checks) == same(
        expected.draft, expected.report
    )

    item = {
        "id": "x:1",
        "question": CALF_QUERY,
        "reply": REPLY,
        "long_explanation": "A lipoma is fat.",
    }
    dataset_file = tmp_path / "set.jsonl"
    dataset_file.write_text(json.dumps(item) + "\n", encoding="utf-8")
    dataset = load_items(str(dataset_file))
    plan = plan_run(dataset, "same", retrieval_holdout=0)
    with Pipeline.open(settings, archive, "composer") as pipeline:
        Harness(pipeline, FakeScriptedJudge(), archive).run(plan, tmp_path / "run")
    (result,) = read_items(tmp_path / "run")
    expected = reference(settings, archive, build_request(dataset.items[0], frozenset(), "auto"))
    assert result.draft == expected.draft.body_text()
    assert result.source_ids == tuple(s.record_id for s in expected.draft.sources)


def test_strict_grounding_drops_unsupported_sentences_before_the_disclaimer(
    settings: Settings, archive: Archive
) -> None:
    with Pipeline.open(settings, archive, "composer", strict_grounding=False) as lenient:
        edited = lenient.recheck(
            lenient.draft(REQUEST).draft.body_text()
            + "\n\nA calcified lump can be removed in a short outpatient procedure.",
            lenient.draft(REQUEST).draft,
        )
        assert edited.report.unsupported  # the added claim: no source says so
        kept = lenient.finish(edited.draft)
        assert "outpatient procedure" in kept.draft.body_text()
    strict = Pipeline.open(settings, archive, "composer", strict_grounding=True)
    finished = strict.finish(edited.draft)
    assert "outpatient procedure" not in finished.draft.body_text()
    assert not finished.report.unsupported and finished.draft.disclaimer
