"""Checks on every draft: sentence support, citations, red flags, readability, length."""

from assistant.checks.agreement import Vocabulary, default_vocabulary, disagreements, quantities
from assistant.checks.checker import DISCLAIMER, DraftChecker, source_evidence, strict_grounding
from assistant.checks.judge import LLMJudgeScorer, parse_verdict
from assistant.checks.readability import readability_flags
from assistant.checks.report import CheckReport, Flag, SentenceCheck
from assistant.checks.support import (
    DEFAULT_THRESHOLD,
    Evidence,
    OfflineSupportScorer,
    Support,
    SupportScorer,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "DISCLAIMER",
    "CheckReport",
    "DraftChecker",
    "Evidence",
    "Flag",
    "LLMJudgeScorer",
    "OfflineSupportScorer",
    "SentenceCheck",
    "Support",
    "SupportScorer",
    "Vocabulary",
    "default_vocabulary",
    "disagreements",
    "parse_verdict",
    "quantities",
    "readability_flags",
    "source_evidence",
    "strict_grounding",
]
