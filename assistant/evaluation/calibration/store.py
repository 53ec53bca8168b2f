"""Calibrations on disk: JSON under ``{home}/eval/calibration/``, one file per judge name,
read back by :func:`stored_agreement` for the evaluation report."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pydantic import ValidationError

from assistant.evaluation.calibration.measure import Calibration
from assistant.evaluation.results import Agreement
from assistant.files import write_atomically


class CalibrationError(ValueError):
    """A stored calibration cannot be read; the message names the file."""


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
    return write_atomically(path, calibration.model_dump_json(indent=2))


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
