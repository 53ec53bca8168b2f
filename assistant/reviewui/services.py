"""What the review UI holds for the life of the process: settings, the archive (and its
embedder), the drafting pipeline and the review store, built once at the entry point
(``st.cache_resource``), plus the few steps that combine them: draft a question, re-check an
edited body, regenerate with an instruction, save an edit.

The pipeline opens its drafter on the first draft: for the local demo model that starts its
server, which a reviewer who only edits and approves never needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.checks import CheckReport
from assistant.config import Settings
from assistant.drafting import Draft, Drafter, DraftRequest
from assistant.drafting.instructions import normalize
from assistant.drafting.llm import DraftingError
from assistant.embeddings import MiniLMEmbedder
from assistant.index import Archive, IndexUnavailable
from assistant.llm.client import LLMUnavailable
from assistant.pipeline import Checked, Pipeline
from assistant.review.errors import ReviewError
from assistant.review.store import ReviewStore
from assistant.review.views import QuestionView, UserView, VersionView
from assistant.reviewui.versions import draft_of

Progress = Callable[[int, int], object]  # (done, total)
DRAFTING_ERRORS = (ReviewError, LLMUnavailable, DraftingError, IndexUnavailable)
"""What drafting or storing a draft may refuse with a message a reviewer can act on."""


@dataclass
class Services:
    """Collaborators of every page, built once; see :meth:`build`."""

    settings: Settings
    archive: Archive
    pipeline: Pipeline
    store: ReviewStore

    @classmethod
    def build(cls, settings: Settings, store: ReviewStore | None = None) -> Services:
        archive = Archive(settings)
        return cls(
            settings, archive, Pipeline.open(settings, archive), store or ReviewStore.open(settings)
        )

    @property
    def embedder(self) -> MiniLMEmbedder:
        return self.archive.embedder

    @property
    def drafter(self) -> Drafter:
        return self.pipeline.drafter

    def close(self) -> None:
        """Stops the drafter (the local model's server, if it started one) and the store."""
        self.pipeline.close()
        self.store.close()

    # drafting and checking -------------------------------------------------
    def drafting(self, request: DraftRequest) -> tuple[Draft, CheckReport]:
        """A new draft for ``request`` and its checks, finished by the pipeline's policy."""
        checked = self.pipeline.draft(request)
        return checked.draft, checked.report

    def recheck(self, body: str, base: Draft) -> tuple[Draft, CheckReport]:
        """The edited ``body`` read back onto ``base`` (raises ``MalformedOutput`` when the
        body has no sentences), and its checks."""
        checked = self.pipeline.recheck(body, base)
        return checked.draft, checked.report

    def regenerate(self, base: Draft, instruction: str | None) -> Checked:
        """A fresh draft of the same request, following ``instruction`` as far as the
        drafter can ("simpler", "shorter", or free text for a language model); the draft's
        ``provenance.instruction_note`` says what it did."""
        request = base.request.model_copy(update={"instruction": normalize(instruction)})
        return self.pipeline.draft(request)

    # the store, with drafting ------------------------------------------------
    def create_and_draft(
        self, request: DraftRequest, by: UserView, origin: str = "form"
    ) -> QuestionView:
        """Stores the question, drafts it, stores the machine version. When drafting fails
        (``DRAFTING_ERRORS``) the question stays in the queue undrafted, to draft again."""
        question = self.store.create_question(request, by, origin=origin)
        return self.draft_question(question.id, request, by)

    def draft_question(self, question_id: int, request: DraftRequest, by: UserView) -> QuestionView:
        draft, report = self.drafting(request)
        self.store.add_machine_version(question_id, draft, report, by=by)
        return self.store.detail(question_id).question

    def create_many(
        self,
        requests: Sequence[DraftRequest],
        by: UserView,
        progress: Progress | None = None,
        origin: str = "upload",
    ) -> list[QuestionView]:
        created: list[QuestionView] = []
        for done, request in enumerate(requests, start=1):
            created.append(self.create_and_draft(request, by, origin=origin))
            if progress is not None:
                progress(done, len(requests))
        return created

    def save(self, question_id: int, body: str, base: VersionView, by: UserView) -> VersionView:
        """An edit of version ``base``; the store raises ``Conflict`` when someone saved
        after it, ``ReadOnly`` when approved, ``PermissionDenied`` for who may not edit."""
        draft, report = self.recheck(body, draft_of(base))
        return self.store.save_edit(question_id, body, draft, report, base.number, by)

    def save_regenerated(self, question_id: int, regenerated: Checked, by: UserView) -> VersionView:
        return self.store.add_machine_version(
            question_id, regenerated.draft, regenerated.report, by=by, kind="regenerated"
        )
