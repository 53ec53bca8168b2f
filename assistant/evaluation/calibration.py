"""How far a statement judge agrees with physicians, beside how far physicians agree.

``data/kqa_nli_physician_labels.csv`` (K-QA, Manes et al., BioNLP 2024) holds 399
(question, model answer, gold statement) triples, each labelled Entailment, Neutral or
Contradiction by three physicians (``label_0..2``) and their majority (``majority_label``).
:func:`calibrate` runs a judge on every (answer, statement) pair and measures it against the
majority: accuracy, Cohen's kappa, the 3 by 3 confusion matrix, per-class precision and recall,
and its agreement with each single physician. :func:`human_ceiling` measures the physicians
against each other on the same pairs (pairwise and all three): a judge that agrees with one
physician about as well as physicians agree with each other is as good as a physician.

Results are stored as JSON under ``{home}/eval/calibration/``, one file per judge name, and
read back by :func:`stored_agreement` for the evaluation report.

The offline judge's thresholds are tuned by :func:`tune_thresholds` on this very file, so its
agreement on it is in-sample; :func:`cross_validate` measures the tuning procedure held out
(5 folds grouped by question, so no answer is in both the tuning and the measured part), and
:attr:`Calibration.agreement` reports that held-out figure for in-sample calibrations.
"""

from __future__ import annotations

import csv
import hashlib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from assistant.evaluation.judges import (
    LABELS,
    Label,
    OfflineJudge,
    Pair,
    PairFeatures,
    StatementJudge,
    Thresholds,
    decide,
)
from assistant.evaluation.results import Agreement

DEFAULT_LABELS = Path(__file__).resolve().parents[2] / "data" / "kqa_nli_physician_labels.csv"
PHYSICIANS = ("label_0", "label_1", "label_2")
REQUIRED = ("Question", "answer", "claim", "majority_label", *PHYSICIANS)
BATCH = 16  # pairs per judge() call (the progress callback advances after each)
FOLDS = 5
ENTAILMENT_GRID = tuple(round(0.50 + 0.01 * i, 2) for i in range(46))  # 0.50 .. 0.95
CONTRADICTION_GRID: tuple[float | None, ...] = (
    None,
    *(round(0.60 + 0.05 * i, 2) for i in range(8)),  # 0.60 .. 0.95
)

_LABEL_OF: dict[str, Label] = {label: label for label in LABELS}
Matrix = list[list[int]]  # rows: the reference's label, columns: the judge's, in LABELS order
Progress = Callable[[int], None]


class LabelsError(ValueError):
    """The labels file cannot be read; the message names the file, line and field."""


class CalibrationError(ValueError):
    """A stored calibration cannot be read; the message names the file."""


# --- the labels file ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LabelledPair:
    line: int  # where the row starts in the file
    question: str
    answer: str
    claim: str
    majority: Label
    physicians: tuple[Label, Label, Label]
    category: str = ""
    model: str = ""

    @property
    def pair(self) -> Pair:
        return Pair(self.answer, self.claim)


def read_labels(path: Path = DEFAULT_LABELS) -> list[LabelledPair]:
    """Every row of a K-QA NLI labels file, checked; :class:`LabelsError` names what is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LabelsError(f"{path}: no such file; pass --labels with a K-QA labels CSV") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelsError(f"{path}: cannot be read as UTF-8 text: {exc}") from None
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    rows: list[LabelledPair] = []
    try:
        header = next(reader, None)
        if header is None:
            raise LabelsError(f"{path}: the file is empty; expected a header with {REQUIRED}")
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise LabelsError(
                f"{path}:1: the header lacks the column(s) {', '.join(missing)}; "
                f"a K-QA labels file has {', '.join(REQUIRED)}"
            )
        columns = {name: i for i, name in enumerate(header)}
        start = reader.line_num + 1
        for values in reader:
            if any(v.strip() for v in values):
                rows.append(_row(path, start, header, columns, values))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise LabelsError(f"{path}:{reader.line_num}: not valid CSV: {exc}") from None
    if not rows:
        raise LabelsError(f"{path}: the header is there but no labelled pairs follow it")
    return rows


def _row(
    path: Path, line: int, header: list[str], columns: dict[str, int], values: list[str]
) -> LabelledPair:
    where = f"{path}:{line}"
    if len(values) != len(header):
        raise LabelsError(
            f"{where}: the row has {len(values)} fields but the header has {len(header)}; "
            "check the quoting of that row"
        )

    def text(field: str) -> str:
        value = values[columns[field]].strip()
        if not value:
            raise LabelsError(f"{where}: field {field!r} is empty")
        return value

    def label(field: str) -> Label:
        value = text(field)
        found = _LABEL_OF.get(value.lower())
        if found is None:
            raise LabelsError(
                f"{where}: field {field!r} is {value!r}; expected Entailment, Neutral or "
                "Contradiction"
            )
        return found

    first, second, third = (label(f) for f in PHYSICIANS)
    majority = label("majority_label")
    votes = (first, second, third)
    winner = max(LABELS, key=votes.count)
    if votes.count(winner) >= 2 and majority != winner:
        raise LabelsError(
            f"{where}: field 'majority_label' is {majority!r} but the physicians voted "
            f"{', '.join(votes)}; correct the majority or the labels"
        )
    optional = {k: values[columns[k]].strip() for k in ("category_x", "llm_x") if k in columns}
    return LabelledPair(
        line=line,
        question=text("Question"),
        answer=text("answer"),
        claim=text("claim"),
        majority=majority,
        physicians=votes,
        category=optional.get("category_x", ""),
        model=optional.get("llm_x", ""),
    )


def select(rows: Sequence[LabelledPair], limit: int | None) -> list[LabelledPair]:
    """``limit`` rows spread evenly over the file (the same ones every time), or all."""
    if limit is None or limit >= len(rows):
        return list(rows)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    return [rows[i * len(rows) // limit] for i in range(limit)]


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- agreement measures ---------------------------------------------------------------------


def confusion(reference: Sequence[Label], judged: Sequence[Label]) -> Matrix:
    if len(reference) != len(judged):
        raise ValueError(f"{len(reference)} reference labels but {len(judged)} judged ones")
    matrix = [[0] * len(LABELS) for _ in LABELS]
    for r, j in zip(reference, judged, strict=True):
        matrix[LABELS.index(r)][LABELS.index(j)] += 1
    return matrix


def accuracy(matrix: Matrix) -> float:
    n = sum(map(sum, matrix))
    if n == 0:
        raise ValueError("no pairs to measure")
    return sum(matrix[i][i] for i in range(len(matrix))) / n


def cohen_kappa(matrix: Matrix) -> float:
    """Cohen's kappa, (p_o - p_e) / (1 - p_e): observed agreement p_o beyond the agreement p_e
    expected from each rater's label frequencies alone. 1.0 when both raters gave one and the
    same label throughout (p_e = p_o = 1)."""
    n = sum(map(sum, matrix))
    observed = accuracy(matrix)
    rows = [sum(r) for r in matrix]
    cols = [sum(c) for c in zip(*matrix, strict=True)]
    expected = sum(r * c for r, c in zip(rows, cols, strict=True)) / (n * n)
    if expected >= 1.0:
        return 1.0
    return float((observed - expected) / (1.0 - expected))


class ClassScores(BaseModel):
    label: Label
    reference: int  # pairs the reference gave this label
    judged: int  # pairs the judge gave this label
    precision: float | None  # None: the judge never gave this label
    recall: float | None  # None: the reference never gave this label


def class_scores(matrix: Matrix) -> list[ClassScores]:
    scores = []
    for i, label in enumerate(LABELS):
        reference, judged = sum(matrix[i]), sum(row[i] for row in matrix)
        hit = matrix[i][i]
        scores.append(
            ClassScores(
                label=label,
                reference=reference,
                judged=judged,
                precision=hit / judged if judged else None,
                recall=hit / reference if reference else None,
            )
        )
    return scores


class RaterAgreement(BaseModel):
    """Agreement of two raters (a judge or a physician) over the same pairs."""

    rater: str
    other: str
    pairs: int
    accuracy: float
    kappa: float


def rater_agreement(
    rater: str, other: str, a: Sequence[Label], b: Sequence[Label]
) -> RaterAgreement:
    matrix = confusion(b, a)
    return RaterAgreement(
        rater=rater, other=other, pairs=len(a), accuracy=accuracy(matrix), kappa=cohen_kappa(matrix)
    )


class HumanCeiling(BaseModel):
    """How far the three physicians agree with each other on the same pairs."""

    pairs: int
    pairwise: list[RaterAgreement]
    all_three: float  # share of pairs all three labelled alike
    labels_file: str = ""

    @property
    def mean_pairwise(self) -> float:
        return sum(p.accuracy for p in self.pairwise) / len(self.pairwise)

    @property
    def mean_kappa(self) -> float:
        return sum(p.kappa for p in self.pairwise) / len(self.pairwise)


def human_ceiling(rows: Sequence[LabelledPair], labels_file: str = "") -> HumanCeiling:
    if not rows:
        raise ValueError("no pairs to measure")
    votes = [[r.physicians[i] for r in rows] for i in range(len(PHYSICIANS))]
    pairwise = [
        rater_agreement(f"physician {i}", f"physician {j}", votes[i], votes[j])
        for i in range(len(votes))
        for j in range(i + 1, len(votes))
    ]
    unanimous = sum(len(set(r.physicians)) == 1 for r in rows)
    return HumanCeiling(
        pairs=len(rows), pairwise=pairwise, all_three=unanimous / len(rows), labels_file=labels_file
    )


# --- tuning the offline judge ---------------------------------------------------------------


class HeldOut(BaseModel):
    """Agreement of a tuned judge on pairs its thresholds were not tuned on."""

    method: str
    pairs: int
    accuracy: float
    kappa: float
    thresholds: list[str]  # what each fold's tuning picked


def tune_thresholds(features: Sequence[PairFeatures], reference: Sequence[Label]) -> Thresholds:
    """The grid point with the highest Cohen's kappa against ``reference``; ties go to the
    earliest (no contradiction before any, lower thresholds before higher)."""
    best: Thresholds | None = None
    best_kappa = float("-inf")
    for contradiction in CONTRADICTION_GRID:
        for entailment in ENTAILMENT_GRID:
            thresholds = Thresholds(entailment, contradiction)
            judged = [decide(f, thresholds) for f in features]
            kappa = cohen_kappa(confusion(reference, judged))
            if kappa > best_kappa + 1e-12:
                best, best_kappa = thresholds, kappa
    assert best is not None
    return best


def cross_validate(
    features: Sequence[PairFeatures],
    reference: Sequence[Label],
    groups: Sequence[str],
    folds: int = FOLDS,
) -> HeldOut:
    """Tune on all folds but one, judge the one left out; pooled over the folds. Pairs of one
    group (question) stay in one fold; groups are dealt to folds in the order of their hash."""
    distinct = sorted(set(groups), key=lambda g: hashlib.sha256(g.encode("utf-8")).hexdigest())
    if len(distinct) < folds:
        raise ValueError(f"{len(distinct)} questions cannot make {folds} folds")
    fold_of = {g: i % folds for i, g in enumerate(distinct)}
    judged: list[Label | None] = [None] * len(features)
    picked = []
    for fold in range(folds):
        train = [i for i, g in enumerate(groups) if fold_of[g] != fold]
        thresholds = tune_thresholds([features[i] for i in train], [reference[i] for i in train])
        picked.append(str(thresholds))
        for i, g in enumerate(groups):
            if fold_of[g] == fold:
                judged[i] = decide(features[i], thresholds)
    pooled: list[Label] = [label for label in judged if label is not None]
    matrix = confusion(reference, pooled)
    return HeldOut(
        method=f"{folds}-fold cross-validation grouped by question",
        pairs=len(pooled),
        accuracy=accuracy(matrix),
        kappa=cohen_kappa(matrix),
        thresholds=picked,
    )


# --- calibrating a judge --------------------------------------------------------------------


class Calibration(BaseModel):
    """One judge measured against the physicians' labels."""

    judge: str
    labels_file: str
    labels_sha256: str
    pairs: int
    limit: int | None = None
    accuracy: float  # against the physicians' majority
    kappa: float
    confusion: Matrix
    classes: list[ClassScores]
    physicians: list[RaterAgreement]  # against each single physician
    in_sample: bool = False  # the judge was tuned on these labels
    held_out: HeldOut | None = None
    calls: int = 0  # model calls made (LLM judges)
    cached: int = 0  # answers found in the judge's cache
    unparseable: int = 0  # model answers that named no verdict (counted as neutral)
    conflicting: int = 0  # pairs judged both entailed and contradicted (counted as neutral)
    seconds: float = 0.0
    calibrated_at: datetime

    @property
    def agreement(self) -> Agreement:
        """The agreement to expect on new data: held-out when the judge was tuned on these
        labels (and the held-out measure exists), else the measured one."""
        held = self.held_out if self.in_sample else None
        return Agreement(
            judge=self.judge,
            pairs=held.pairs if held else self.pairs,
            accuracy=held.accuracy if held else self.accuracy,
            kappa=held.kappa if held else self.kappa,
            calibrated_at=self.calibrated_at,
        )

    @property
    def mean_physician_accuracy(self) -> float:
        return sum(p.accuracy for p in self.physicians) / len(self.physicians)

    @property
    def mean_physician_kappa(self) -> float:
        return sum(p.kappa for p in self.physicians) / len(self.physicians)


def calibrate(
    judge: StatementJudge,
    path: Path = DEFAULT_LABELS,
    limit: int | None = None,
    progress: Progress | None = None,
) -> Calibration:
    """Runs ``judge`` on the labelled pairs (``limit`` of them, spread over the file) and
    measures it. ``progress(n)`` is called after each batch of ``n`` pairs."""
    every = read_labels(path)
    rows = select(every, limit)
    sha = file_sha256(path)
    stats = getattr(judge, "stats", None)
    before = _counts(stats)
    started = time.perf_counter()
    judged: list[Label] = []
    features: list[PairFeatures] = []
    for start in range(0, len(rows), BATCH):
        pairs = [r.pair for r in rows[start : start + BATCH]]
        if isinstance(judge, OfflineJudge):
            found = judge.features(pairs)
            features.extend(found)
            labels = [decide(f, judge.thresholds) for f in found]
        else:
            labels = judge.judge(pairs)
        if len(labels) != len(pairs):
            raise ValueError(f"judge {judge.name} gave {len(labels)} labels for {len(pairs)}")
        judged.extend(labels)
        if progress is not None:
            progress(len(pairs))
    seconds = time.perf_counter() - started
    reference = [r.majority for r in rows]
    matrix = confusion(reference, judged)
    in_sample = getattr(judge, "tuned_on", None) == sha
    held_out = None
    questions = [r.question for r in rows]
    # held out only over the whole file: a sample's folds would measure tuning on fewer pairs
    if in_sample and features and len(rows) == len(every) and len(set(questions)) >= FOLDS:
        held_out = cross_validate(features, reference, questions)
    after = _counts(stats)
    return Calibration(
        judge=judge.name,
        labels_file=str(path),
        labels_sha256=sha,
        pairs=len(rows),
        limit=limit,
        accuracy=accuracy(matrix),
        kappa=cohen_kappa(matrix),
        confusion=matrix,
        classes=class_scores(matrix),
        physicians=[
            rater_agreement("judge", f"physician {i}", judged, [r.physicians[i] for r in rows])
            for i in range(len(PHYSICIANS))
        ],
        in_sample=in_sample,
        held_out=held_out,
        calls=after["calls"] - before["calls"],
        cached=after["cached"] - before["cached"],
        unparseable=after["unparseable"] - before["unparseable"],
        conflicting=after["conflicting"] - before["conflicting"],
        seconds=seconds,
        calibrated_at=datetime.now(UTC),
    )


def _counts(stats: object) -> dict[str, int]:
    return {k: int(getattr(stats, k, 0)) for k in ("calls", "cached", "unparseable", "conflicting")}


# --- storing calibrations -------------------------------------------------------------------


def calibrations_dir(home: Path) -> Path:
    return home / "eval" / "calibration"


def calibration_path(home: Path, judge_name: str) -> Path:
    slug = re.sub(r"[^a-z0-9]+", "-", judge_name.lower()).strip("-")[:60]
    digest = hashlib.sha256(judge_name.encode("utf-8")).hexdigest()[:12]
    return calibrations_dir(home) / f"{slug}-{digest}.json"


def store_calibration(home: Path, calibration: Calibration) -> Path:
    """Writes the calibration as the judge's, and returns its path; it replaces the judge's
    previous one unless that one measured more pairs of the same labels file (a ``--limit``
    sample does not replace a calibration on the whole file)."""
    path = calibration_path(home, calibration.judge)
    try:
        previous = load_calibration(home, calibration.judge)
    except CalibrationError:
        previous = None  # unreadable: replaced
    if (
        previous is not None
        and previous.labels_sha256 == calibration.labels_sha256
        and previous.pairs > calibration.pairs
    ):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(calibration.model_dump_json(indent=2), encoding="utf-8")
    temporary.replace(path)
    return path


def load_calibration(home: Path, judge_name: str) -> Calibration | None:
    """The stored calibration of exactly this judge, or None when it was never calibrated."""
    path = calibration_path(home, judge_name)
    try:
        calibration = Calibration.model_validate_json(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValidationError) as exc:
        raise CalibrationError(
            f"{path}: not a readable calibration ({exc}). Delete it and run "
            "`assistant eval calibrate` again."
        ) from None
    return calibration if calibration.judge == judge_name else None


def stored_agreement(home: Path, judge_name: str) -> Agreement | None:
    calibration = load_calibration(home, judge_name)
    return calibration.agreement if calibration else None


# --- the report -----------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def kappa_text(kappa: float) -> str:
    """Kappa to two places, without a minus sign on a value that rounds to zero."""
    return f"{round(kappa, 2) + 0.0:.2f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def to_markdown(calibrations: Sequence[Calibration], human: HumanCeiling) -> str:
    """One table of the judges beside the physicians, then each judge's confusion matrix."""
    lines = [
        "# Statement judges against physicians",
        "",
        f"Labels: `{human.labels_file}` ({human.pairs} answer-statement pairs, three "
        "physicians each; K-QA, Manes et al., BioNLP 2024). A judge is compared with the "
        "physicians' majority, and with each single physician beside how physicians agree "
        "with each other.",
        "",
        "| rater | against | pairs | accuracy | Cohen's κ |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for c in calibrations:
        note = " (in-sample: tuned on these labels)" if c.in_sample else ""
        name = _cell(c.judge)
        lines.append(
            f"| {name} | physicians' majority{note} | {c.pairs} | {_pct(c.accuracy)} | "
            f"{kappa_text(c.kappa)} |"
        )
        if c.held_out is not None:
            h = c.held_out
            lines.append(
                f"| {name} | physicians' majority, held out ({_cell(h.method)}) | {h.pairs} | "
                f"{_pct(h.accuracy)} | {kappa_text(h.kappa)} |"
            )
        lines.append(
            f"| {name} | one physician (mean of 3) | {c.pairs} | "
            f"{_pct(c.mean_physician_accuracy)} | {kappa_text(c.mean_physician_kappa)} |"
        )
    for p in human.pairwise:
        lines.append(
            f"| {p.rater} | {p.other} | {p.pairs} | {_pct(p.accuracy)} | {kappa_text(p.kappa)} |"
        )
    lines.append(
        f"| physicians (mean of pairs) | one physician | {human.pairs} | "
        f"{_pct(human.mean_pairwise)} | {kappa_text(human.mean_kappa)} |"
    )
    lines.append(
        f"| all three physicians | each other | {human.pairs} | {_pct(human.all_three)} | - |"
    )
    for c in calibrations:
        lines += ["", f"## {_cell(c.judge)}", ""]
        lines += [
            "Confusion (rows: physicians' majority; columns: judge):",
            "",
            "| majority \\ judge | " + " | ".join(LABELS) + " | precision | recall |",
            "| --- | " + " | ".join("---:" for _ in LABELS) + " | ---: | ---: |",
        ]
        for label, row, scores in zip(LABELS, c.confusion, c.classes, strict=True):
            cells = " | ".join(str(v) for v in row)
            lines.append(
                f"| {label} | {cells} | {_pct(scores.precision)} | {_pct(scores.recall)} |"
            )
        lines.append("")
        lines.append(
            "Against each physician: "
            + "; ".join(
                f"{p.other} {_pct(p.accuracy)} (κ {kappa_text(p.kappa)})" for p in c.physicians
            )
            + "."
        )
        notes = _notes(c)
        if notes:
            lines += ["", *(f"- {n}" for n in notes)]
    return "\n".join(lines) + "\n"


def _notes(c: Calibration) -> list[str]:
    notes = []
    if c.in_sample:
        notes.append(
            "In-sample: this judge's thresholds were tuned on these labels; the held-out row "
            "is the figure to expect on new data."
        )
    if c.held_out is not None:
        notes.append(f"Thresholds picked per fold: {'; '.join(c.held_out.thresholds)}.")
    if c.limit is not None:
        notes.append(f"A sample: {c.pairs} pairs spread evenly over the file (--limit {c.limit}).")
    if c.calls or c.cached:
        notes.append(f"{c.calls} model calls made, {c.cached} answers from the cache.")
    if c.unparseable:
        notes.append(f"{c.unparseable} model answers named no verdict (counted as neutral).")
    if c.conflicting:
        notes.append(
            f"{c.conflicting} pairs were judged both entailed and contradicted (counted as "
            "neutral)."
        )
    return notes
