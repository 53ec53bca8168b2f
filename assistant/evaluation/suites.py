"""Suites: what an evaluation runs, as ``eval/suites/NAME.toml`` declares it.

A drafting suite (``kind = "drafting"``, read by ``assistant eval run --suite`` and
``assistant eval baselines --suite``) names a dataset card, the systems to draft with (each a
run of its own), the judge, repeats and limits. It may name a small index of its own
(``[index]``: records of a dataset card, by id pattern), so that its runs do not depend on what
``ASSISTANT_HOME`` holds, and a committed reference run (``reference``) that ``assistant eval
compare`` gates a change against.

A retrieval suite (``kind = "retrieval"``, read by ``assistant eval retrieval --suite``) names
the held-out dataset, the retrieval systems, and the patient questions judged against
physicians' answers.

:func:`load_suite` checks the file (see :func:`assistant.evaluation.specs.read_toml`) and every
dataset card it names, with the cards' files' digests, before anything runs.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator

from assistant.config import Settings
from assistant.corpus import Record, load
from assistant.evaluation.baselines import SystemKind
from assistant.evaluation.harness import ReplyMode
from assistant.evaluation.judges import JudgeKind
from assistant.evaluation.specs import SLUG, Spec, SpecError, load_card, read_toml


class SystemSpec(Spec):
    """One drafting system of a suite: a row of its table, a run of its own."""

    name: str = Field(pattern=SLUG, description="the run is {suite}-{name}-{time}")
    label: str = Field(min_length=1)
    drafter: SystemKind
    reply: ReplyMode | None = None  # None: the suite's reply
    limit: int | None = Field(default=None, ge=0)  # at most this many items (0: skip the system)


class IndexSpec(Spec):
    """A small index of the suite's own: the records of ``dataset`` whose id matches ``only``."""

    dataset: str = Field(pattern=SLUG)
    only: tuple[str, ...] = Field(min_length=1)


class DraftingSuite(Spec):
    """Draft a dataset's questions with each system; judge and measure every draft."""

    kind: Literal["drafting"] = "drafting"
    name: str = Field(pattern=SLUG)
    description: str = Field(min_length=1)
    dataset: str = Field(pattern=SLUG)
    judge: JudgeKind = "offline"
    repeats: int = Field(default=1, ge=1, le=20)
    limit: int | None = Field(default=None, ge=1)
    reply: ReplyMode = "auto"
    retrieval_holdout: int = Field(default=200, ge=0)
    calibrate: bool = Field(
        default=True, description="calibrate an uncalibrated offline judge before the run"
    )
    index: IndexSpec | None = None  # None: the index of ASSISTANT_HOME
    reference: str | None = None  # a reference run directory, relative to the eval folder
    systems: tuple[SystemSpec, ...] = Field(min_length=1)

    @field_validator("systems")
    @classmethod
    def _distinct(cls, systems: tuple[SystemSpec, ...]) -> tuple[SystemSpec, ...]:
        names = [s.name for s in systems]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"system name(s) {', '.join(twice)} repeat: give each its own name")
        return systems


class PatientsSpec(Spec):
    dataset: str = Field(pattern=SLUG)
    limit: int = Field(ge=0, description="0: skip the patient questions")


class RetrievalSuite(Spec):
    """Recall and MRR of retrieval systems on held-out questions of ``dataset``, and on
    patient questions judged against physicians' answers."""

    kind: Literal["retrieval"]
    name: str = Field(pattern=SLUG)
    description: str = Field(min_length=1)
    dataset: str = Field(pattern=SLUG)
    holdout: int = Field(ge=1)
    seed: int = 13
    judge: Literal["offline"] = "offline"
    patients: PatientsSpec | None = None
    systems: tuple[str, ...] = Field(min_length=1)


Suite = Annotated[DraftingSuite | RetrievalSuite, Field(discriminator="kind")]


class _SuiteFile(Spec):
    suite: Suite


def load_suite(path: Path) -> DraftingSuite | RetrievalSuite:
    """A suite file; its dataset cards are checked (and their files' digests) now."""
    path = path.expanduser()
    suite = read_toml(path, _SuiteFile, wrap="suite").suite
    eval_dir = suite_eval_dir(path)
    for key, name in _datasets(suite):
        try:
            load_card(name, eval_dir)
        except SpecError as exc:
            raise SpecError(f"{path}: key '{key}' names the dataset {name!r}: {exc}") from None
    if isinstance(suite, DraftingSuite) and suite.reference is not None:
        reference_dir(suite, path)  # checks it
    return suite


def load_drafting_suite(path: Path) -> DraftingSuite:
    suite = load_suite(path)
    if not isinstance(suite, DraftingSuite):
        raise _wrong_kind(path, suite.kind, "drafting", "assistant eval retrieval --suite")
    return suite


def load_retrieval_suite(path: Path) -> RetrievalSuite:
    suite = load_suite(path)
    if not isinstance(suite, RetrievalSuite):
        raise _wrong_kind(path, suite.kind, "retrieval", "assistant eval run --suite")
    return suite


def _wrong_kind(path: Path, kind: str, wanted: str, instead: str) -> SpecError:
    return SpecError(
        f"{path}: key 'kind' is {kind!r}: this command runs a {wanted} suite "
        f'(kind = "{wanted}"); run this one with `{instead}`.'
    )


def suite_eval_dir(path: Path) -> Path:
    """The eval folder a suite belongs to: the parent of its ``suites/`` folder."""
    return path.resolve().parent.parent


def reference_dir(suite: DraftingSuite, path: Path) -> Path:
    """The suite's reference run directory (it may not exist yet: it is written by
    ``assistant eval run --suite ... --write-reference``)."""
    if suite.reference is None:
        raise SpecError(
            f"{path}: the suite names no 'reference' run — add reference = "
            f'"reference/{suite.name}" to gate against one.'
        )
    eval_dir = suite_eval_dir(path)
    found = (eval_dir / suite.reference).resolve()
    if not found.is_relative_to(eval_dir / "reference"):
        raise SpecError(
            f"{path}: key 'reference' ({suite.reference!r}) leaves the eval/reference folder — "
            f'name a folder inside it, e.g. "reference/{suite.name}".'
        )
    return found


def _datasets(suite: DraftingSuite | RetrievalSuite) -> list[tuple[str, str]]:
    """(key, card name) of every dataset the suite names."""
    found = [("dataset", suite.dataset)]
    if isinstance(suite, DraftingSuite) and suite.index:
        found.append(("index.dataset", suite.index.dataset))
    if isinstance(suite, RetrievalSuite) and suite.patients:
        found.append(("patients.dataset", suite.patients.dataset))
    return found


def index_settings(settings: Settings, suite: DraftingSuite) -> Settings:
    """The settings of a suite's own index: the same home, the collection ``eval-{suite}``."""
    return settings.model_copy(update={"collection": f"eval-{suite.name}"})


def index_records(suite: DraftingSuite, path: Path) -> list[Record]:
    """The records of the suite's ``[index]``: those of its dataset card's file whose id
    matches one of ``only`` (``*`` and ``?`` wildcards, as ``assistant ingest --only``)."""
    if suite.index is None:
        raise SpecError(f"{path}: the suite names no [index] — it runs over the home's index.")
    card = load_card(suite.index.dataset, suite_eval_dir(path))
    records = load(card.file).records
    chosen = [r for r in records if any(fnmatch.fnmatchcase(r.id, p) for p in suite.index.only)]
    unmatched = [
        p for p in suite.index.only if not any(fnmatch.fnmatchcase(r.id, p) for r in chosen)
    ]
    if unmatched:
        raise SpecError(
            f"{path}: key 'index.only': {', '.join(map(repr, unmatched))} match(es) no record of "
            f"{card.file.name} — check the pattern against the records' ids."
        )
    return chosen
