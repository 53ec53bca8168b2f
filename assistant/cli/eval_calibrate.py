"""``assistant eval calibrate``: each judge against physicians' entailment labels."""

from __future__ import annotations


def calibrate() -> None:
    """Accuracy, Cohen's kappa and confusion of a judge against the physicians' majority."""
    raise NotImplementedError
