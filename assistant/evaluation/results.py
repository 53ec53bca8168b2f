"""What an evaluation run leaves behind, and how it is read back.

A run is a directory ``{home}/eval/runs/{run_id}/``:

- ``manifest.json`` — a ``RunManifest`` (what was run, with which drafter, model and judge,
  the judge's measured agreement with physicians, and the aggregate metrics);
- ``items.jsonl`` — one ``ItemResult`` per (item, repeat);
- ``report.md`` and ``report.html`` — the report (see :mod:`assistant.evaluation.report`);
- ``kqa_results.json`` — drafts in K-QA's official results format (on export).

``METRICS`` is the one list of metric names, what they mean, and which direction is better.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.evaluation.judges import Label
from assistant.files import write_atomically

StatementKind = Literal["must_have", "nice_to_have"]
Better = Literal["higher", "lower", "closer_to_1"]
_ARROW: dict[Better, str] = {"higher": "↑", "lower": "↓", "closer_to_1": "→ 1"}
_IN_WORDS: dict[Better, str] = {
    "higher": "higher ↑",
    "lower": "lower ↓",
    "closer_to_1": "closer to 1",
}


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    better: Better
    description: str
    judged: bool = False  # decided by the statement judge, so as noisy as the judge

    @property
    def arrow(self) -> str:
        """Which way is better, as a column heading shows it: ↑, ↓ or → 1."""
        return _ARROW[self.better]

    @property
    def better_in_words(self) -> str:
        """Which way is better, in a table's "better" column: "higher ↑", …"""
        return _IN_WORDS[self.better]


METRICS: tuple[Metric, ...] = (
    Metric(
        "comprehensiveness",
        "Comprehensiveness",
        "higher",
        "share of the reference's must-have statements the draft entails (K-QA)",
        judged=True,
    ),
    Metric(
        "hallucination",
        "Hallucination rate",
        "lower",
        "share of must-have and nice-to-have statements the draft contradicts (K-QA)",
        judged=True,
    ),
    Metric(
        "groundedness",
        "Groundedness",
        "higher",
        "share of draft sentences supported by their cited sources or the doctor's reply",
    ),
    Metric(
        "answers_question",
        "Answers the question",
        "higher",
        "share of drafts where every part of what was asked has a section with a supported "
        "sentence (the answer check; n/a for a drafter that does not say what was asked)",
    ),
    Metric(
        "citation_validity",
        "Citation validity",
        "higher",
        "share of citations that name a source the draft lists",
    ),
    Metric(
        "rouge_l", "ROUGE-L F1", "higher", "longest-common-subsequence overlap with the reference"
    ),
    Metric("cosine", "Embedding cosine", "higher", "MiniLM cosine of draft and reference"),
    Metric("grade", "Readability grade", "lower", "Flesch-Kincaid grade of the draft"),
    Metric("length_ratio", "Length ratio", "closer_to_1", "draft words / reference words"),
)
METRIC_NAMES = tuple(m.name for m in METRICS)


class StatementResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    kind: StatementKind
    label: Label


class ItemResult(BaseModel):
    """One drafted item (one repeat) with its judged statements and metrics."""

    model_config = ConfigDict(frozen=True)

    item_id: str
    repeat: int = 0
    question: str
    reply: str | None = None
    reference: str
    draft: str  # the draft's body text with [n] citations; "" when drafting failed
    # what the statement judge read (the draft without the composer's connecting lines);
    # None in runs written before it was kept
    judged: str | None = None
    drafter: str
    model: str
    source_ids: tuple[str, ...] = ()
    statements: tuple[StatementResult, ...] = ()
    metrics: dict[str, float | None] = Field(default_factory=dict)  # None: not applicable
    seconds: float = 0.0
    tokens: int = 0
    error: str | None = None


class Interval(BaseModel):
    """A metric's mean over items with its bootstrap 95% confidence interval."""

    model_config = ConfigDict(frozen=True)

    mean: float
    low: float
    high: float
    n: int
    spread: float | None = None  # with repeats: standard deviation of the per-repeat means


class Agreement(BaseModel):
    """How far the judge agrees with physicians (from ``assistant eval calibrate``)."""

    model_config = ConfigDict(frozen=True)

    judge: str
    pairs: int
    accuracy: float
    kappa: float
    calibrated_at: datetime | None = None
    kappa_interval: tuple[float, float] | None = None  # 95%, held out (learned judge)
    accuracy_interval: tuple[float, float] | None = None

    @property
    def noise(self) -> float:
        """Half the width of the held-out accuracy's 95% interval: how far a share the judge
        decides may move by the judge's own uncertainty (0.0 when not measured)."""
        if self.accuracy_interval is None:
            return 0.0
        low, high = self.accuracy_interval
        return (high - low) / 2


class RunManifest(BaseModel):
    run_id: str
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    dataset: str  # "kqa" or the file's path
    dataset_sha256: str
    items: int
    repeats: int = 1
    limit: int | None = None
    drafter: str
    model: str
    judge: str
    agreement: Agreement | None = None  # None: the judge was never calibrated
    excluded_ids: int = 0  # records kept out of retrieval (the items under evaluation)
    settings: dict[str, object] = Field(default_factory=dict)  # retrieval and model settings
    summary: dict[str, Interval] = Field(default_factory=dict)
    retrieval: list[dict[str, float | str]] = Field(default_factory=list)  # recall@k, MRR rows
    failed: int = 0
    seconds: float = 0.0


def runs_dir(home: Path) -> Path:
    return home / "eval" / "runs"


def write_manifest(run_dir: Path, manifest: RunManifest) -> None:
    write_atomically(run_dir / "manifest.json", manifest.model_dump_json(indent=2))


def write_reference_run(run_dir: Path, reference: Path) -> Path:
    """Copies a finished run's manifest and per-item scores into ``reference`` (a committed
    reference run, see ``eval/README.md``), replacing what was there: the new files are
    written beside it first, so a failure leaves the old reference whole."""
    files = {name: (run_dir / name).read_bytes() for name in ("manifest.json", "items.jsonl")}
    staged = reference.with_name(f".{reference.name}.new")
    shutil.rmtree(staged, ignore_errors=True)
    for name, data in files.items():
        write_atomically(staged / name, data)
    retired = reference.with_name(f".{reference.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if reference.exists():
        reference.rename(retired)
    staged.rename(reference)
    shutil.rmtree(retired, ignore_errors=True)
    return reference


def read_manifest(run_dir: Path) -> RunManifest:
    return RunManifest.model_validate_json((run_dir / "manifest.json").read_text("utf-8"))


def read_items(run_dir: Path) -> list[ItemResult]:
    path = run_dir / "items.jsonl"
    with path.open(encoding="utf-8") as lines:
        return [ItemResult.model_validate_json(line) for line in lines if line.strip()]
