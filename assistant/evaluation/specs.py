"""The files of the repository's top-level ``eval/`` folder (what is evaluated), read safely.

- ``eval/datasets/NAME.toml``: a dataset card (the file, its sha256, licence and citation).
  :func:`load_card` checks the file's digest, so a run never scores a file other than the
  one the card (and the reference runs made from it) describe.
- ``eval/suites/NAME.toml``: a suite (see :mod:`assistant.evaluation.suites`).
- ``eval/gates.toml``: the gate (metric and largest allowed drop) that ``assistant eval
  compare`` and the review app's Evaluation page both default to.

Files are TOML read with :mod:`tomllib` into pydantic models that forbid unknown keys; a file
that cannot be used raises :class:`SpecError` naming the file, the key and what to do.
``eval/README.md`` describes the files for people.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.config import EVAL_DIR
from assistant.errors import UserError
from assistant.evaluation.results import METRIC_NAMES
from assistant.resources import shown

SLUG = r"^[a-z0-9][a-z0-9_-]{0,59}$"

Model = TypeVar("Model", bound=BaseModel)


class SpecError(UserError):
    """A file of ``eval/`` cannot be used; the message names the file, the key and what to do."""


class Spec(BaseModel):
    """A model of an ``eval/`` file: unknown keys are errors (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --- dataset cards ---------------------------------------------------------------------------


class DatasetCard(Spec):
    """``eval/datasets/NAME.toml``: one file the evaluation reads, and where it comes from."""

    name: str = Field(pattern=SLUG)
    title: str = Field(min_length=1)
    path: str = Field(min_length=1, description="the file, relative to the card's folder")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    licence: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    url: str | None = None
    records: int | None = Field(default=None, ge=1, description="how many items the file holds")


class Card(BaseModel):
    """A card as read: the card, its own file, and the data file it names."""

    model_config = ConfigDict(frozen=True)

    card: DatasetCard
    source: Path  # the card's TOML file
    file: Path  # the data file, resolved


def load_card(name: str, eval_dir: Path = EVAL_DIR, verify: bool = True) -> Card:
    """The card ``eval/datasets/{name}.toml``, its data file checked against its sha256."""
    source = eval_dir / "datasets" / f"{name}.toml"
    if not source.is_file():
        known = ", ".join(sorted(p.stem for p in (eval_dir / "datasets").glob("*.toml")))
        raise SpecError(
            f"{source}: no dataset card {name!r}. Known cards: {known or 'none'}; "
            "add a card (see eval/README.md) or name one of these."
        )
    card = read_toml(source, DatasetCard)
    if card.name != name:
        raise SpecError(
            f"{source}: key 'name' is {card.name!r} but the file is {name}.toml — "
            "make the name and the file name agree."
        )
    file = (source.parent / card.path).resolve()
    if not file.is_file():
        raise SpecError(
            f"{source}: key 'path': {file} does not exist — restore the file or fix the path "
            "(relative to the card's folder)."
        )
    if verify:
        digest = file_sha256(file)
        if digest != card.sha256:
            raise SpecError(
                f"{source}: key 'sha256': {file} differs from the file the card describes "
                f"(its sha256 is {digest}, the card says {card.sha256}). If the change is "
                "deliberate, put the new sha256 in the card and refresh the reference runs "
                "(eval/README.md); otherwise restore the file (git checkout -- "
                f"{shown(file)})."
            )
    return Card(card=card, source=source, file=file)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- gates -----------------------------------------------------------------------------------


class Gate(Spec):
    """A change passes when ``metric`` moves in its worse direction by at most ``max_drop``."""

    metric: str
    max_drop: float = Field(ge=0.0, le=1.0)
    why: str | None = None

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, value: str) -> str:
        if value not in METRIC_NAMES:
            raise ValueError(f"{value!r} is not a metric; use one of: {', '.join(METRIC_NAMES)}")
        return value


class _GatesFile(Spec):
    gate: Gate


def load_gate(eval_dir: Path = EVAL_DIR) -> Gate:
    """The one gate default of the CLI and the review app: ``[gate]`` of ``gates.toml`` in
    the eval folder (``Settings.eval_dir``, ``ASSISTANT_EVAL_DIR``)."""
    return read_toml(eval_dir / "gates.toml", _GatesFile).gate


# --- reading TOML ----------------------------------------------------------------------------


def read_toml(path: Path, model: type[Model], wrap: str | None = None) -> Model:
    """``path`` as ``model``; :class:`SpecError` names the file, the key and what to do.
    ``wrap`` puts the file's table under that key (for a discriminated union of files)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(f"{path}: no such file — check the path.") from None
    except IsADirectoryError:
        raise SpecError(f"{path} is a directory — name a .toml file.") from None
    except UnicodeDecodeError as exc:
        raise SpecError(f"{path}: not UTF-8 text ({exc.reason}) — save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML: {exc} — fix the syntax there.") from None
    try:
        return model.model_validate({wrap: raw} if wrap else raw)
    except ValidationError as exc:
        problems = [_problem(error, wrap) for error in exc.errors(include_url=False)]
        listed = "\n".join(f"  {p}" for p in problems[:10])
        more = f"\n  … and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise SpecError(
            f"{path}: {len(problems)} problem(s); fix them (see eval/README.md):\n{listed}{more}"
        ) from None


def _problem(error: object, wrap: str | None) -> str:
    assert isinstance(error, dict)
    loc = [str(p) for p in error["loc"]]
    if wrap and loc[:1] == [wrap]:
        loc = loc[1:]
    # a discriminated union puts the chosen kind in the path: "drafting.systems.0.name"
    if loc[:1] and loc[0] in ("drafting", "retrieval"):
        loc = loc[1:]
    key = ".".join(loc) or "(the whole file)"
    kind, message = error["type"], str(error["msg"])
    hints = {
        "missing": "add it",
        "extra_forbidden": "remove it or check its spelling",
        "union_tag_invalid": 'write kind = "drafting" or kind = "retrieval"',
        "union_tag_not_found": 'add kind = "drafting" or kind = "retrieval"',
    }
    hint = hints.get(kind, "")
    if kind == "extra_forbidden":
        message = "is not a known key"
    return f"key '{key}': {message}" + (f" — {hint}" if hint else "")
