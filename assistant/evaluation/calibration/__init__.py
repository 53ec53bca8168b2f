"""How far a statement judge agrees with physicians, beside how far physicians agree.

The physicians' labels (``calibration.labels``) are three physicians' NLI labels and their
majority on K-QA's (answer, statement) pairs. :func:`calibrate` (``calibration.measure``) runs
a judge on every pair and measures it with the agreement measures of
``calibration.agreement``; :func:`human_ceiling` measures the physicians against each other
on the same pairs. ``calibration.tuning`` tunes the offline judge's thresholds and measures
that tuning held out; ``calibration.training`` fits the learned offline judge and measures
its recipe held out (nested), ``calibration.refit`` rebuilds its files;
``calibration.store`` keeps each judge's calibration for the evaluation report, and
``calibration.markdown`` writes the calibration report.
"""

from assistant.evaluation.calibration.agreement import (
    ClassScores,
    HumanCeiling,
    Matrix,
    RaterAgreement,
    accuracy,
    class_scores,
    cohen_kappa,
    confusion,
    human_ceiling,
    rater_agreement,
)
from assistant.evaluation.calibration.labels import (
    DEFAULT_LABELS,
    PHYSICIANS,
    REQUIRED,
    LabelledPair,
    LabelsError,
    file_sha256,
    read_labels,
    select,
)
from assistant.evaluation.calibration.markdown import kappa_text, to_markdown
from assistant.evaluation.calibration.measure import BATCH, Calibration, Progress, calibrate
from assistant.evaluation.calibration.store import (
    CalibrationError,
    calibration_path,
    calibrations_dir,
    load_calibration,
    store_calibration,
    stored_agreement,
)
from assistant.evaluation.calibration.training import (
    CurvePoint,
    Interval,
    Rate,
    Training,
    clopper_pearson,
    cross_validate_learned,
    fit,
)
from assistant.evaluation.calibration.tuning import (
    CONTRADICTION_GRID,
    ENTAILMENT_GRID,
    FOLDS,
    HeldOut,
    cross_validate,
    tune_thresholds,
)

__all__ = [
    "BATCH",
    "CONTRADICTION_GRID",
    "DEFAULT_LABELS",
    "ENTAILMENT_GRID",
    "FOLDS",
    "PHYSICIANS",
    "REQUIRED",
    "Calibration",
    "CalibrationError",
    "ClassScores",
    "CurvePoint",
    "HeldOut",
    "HumanCeiling",
    "Interval",
    "LabelledPair",
    "LabelsError",
    "Matrix",
    "Progress",
    "Rate",
    "RaterAgreement",
    "Training",
    "accuracy",
    "calibrate",
    "calibration_path",
    "calibrations_dir",
    "class_scores",
    "clopper_pearson",
    "cohen_kappa",
    "confusion",
    "cross_validate",
    "cross_validate_learned",
    "file_sha256",
    "fit",
    "human_ceiling",
    "kappa_text",
    "load_calibration",
    "rater_agreement",
    "read_labels",
    "select",
    "store_calibration",
    "stored_agreement",
    "to_markdown",
    "tune_thresholds",
]
