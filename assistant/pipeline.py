"""One drafting pipeline for every entry point (CLI draft, review app, batch, demo,
evaluation): a drafter, the checker, and the policy that applies to every machine draft.

- ``draft(request)``: the drafter's draft, finished.
- ``finish(draft)``: its checks; with strict grounding, the unsupported sentences dropped and
  the rest checked again; the disclaimer. A streamed draft is finished the same way.
- ``recheck(body, base)``: a human edit read back onto the draft it edits, and its checks.
  No policy: a physician's words are never dropped.

The drafter is opened on the first draft, not before: for the local demo model that starts
its server, which a reviewer who only edits and approves never needs. Close the pipeline
(or use it as a context manager) to stop it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass
from functools import partial
from types import TracebackType

from assistant.checks import DISCLAIMER, CheckReport, DraftChecker, OfflineSupportScorer
from assistant.checks import strict_grounding as drop_unsupported
from assistant.config import Settings
from assistant.drafting import Draft, Drafter, DraftRequest
from assistant.drafting.body import from_body
from assistant.drafting.factory import DrafterKind, open_drafter
from assistant.index import Archive

Opener = Callable[[], AbstractContextManager[Drafter]]


@dataclass(frozen=True)
class Checked:
    """A draft as an entry point stores or shows it, with its checks."""

    draft: Draft
    report: CheckReport


class Pipeline:
    """A drafter (opened on first use), the checker and the policy; see the module docstring."""

    def __init__(self, opener: Opener, checker: DraftChecker, strict_grounding: bool) -> None:
        self.checker = checker
        self.strict_grounding = strict_grounding
        self._opener = opener
        self._drafter: Drafter | None = None
        self._stack = ExitStack()
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls,
        settings: Settings,
        archive: Archive,
        kind: DrafterKind | None = None,
        opener: Opener | None = None,
        strict_grounding: bool | None = None,
    ) -> Pipeline:
        """The pipeline the settings select: the drafter of ``kind`` (default: settings) or
        the one ``opener`` opens, the offline checker, strict grounding from the settings
        unless given."""
        return cls(
            opener or partial(open_drafter, settings, archive, kind),
            DraftChecker(OfflineSupportScorer(archive.embedder)),
            settings.strict_grounding if strict_grounding is None else strict_grounding,
        )

    @classmethod
    def around(
        cls, drafter: Drafter, checker: DraftChecker, strict_grounding: bool = False
    ) -> Pipeline:
        """A pipeline over a drafter that is already open (its owner closes it)."""
        return cls(lambda: nullcontext(drafter), checker, strict_grounding)

    @property
    def drafter(self) -> Drafter:
        with self._lock:
            if self._drafter is None:
                self._drafter = self._stack.enter_context(self._opener())
            return self._drafter

    @property
    def name(self) -> str:
        return self.drafter.name

    def draft(self, request: DraftRequest) -> Checked:
        return self.finish(self.drafter.draft(request))

    def finish(self, draft: Draft) -> Checked:
        report = self.checker.check(draft)
        if self.strict_grounding:
            draft = drop_unsupported(draft, report)
            report = self.checker.check(draft)
        return Checked(draft.model_copy(update={"disclaimer": DISCLAIMER}), report)

    def recheck(self, body: str, base: Draft) -> Checked:
        """The edited ``body`` read back onto ``base`` (raises ``MalformedOutput`` when the
        body has no sentences), and its checks."""
        draft = from_body(body, base)
        return Checked(draft, self.checker.check(draft))

    def close(self) -> None:
        """Stops the drafter (the local model's server, if it started one)."""
        with self._lock:
            self._stack.close()
            self._drafter = None

    def __enter__(self) -> Pipeline:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
