"""Statement judges: does an answer entail, contradict, or say nothing about a statement?

K-QA (Manes et al., BioNLP 2024) scores an answer by natural-language inference against the
physicians' gold statements: the answer is the premise, each statement the hypothesis.
A ``StatementJudge`` gives one ``Label`` per (answer, statement) pair. Two implementations:
an offline judge (no LLM, ``judges.offline``) and an LLM judge (prompts in ``prompts/``,
cached on disk by input hash; ``judges.llm``, ``judges.cache``). ``open_judge`` builds
either one at an entry point; ``assistant eval calibrate`` measures both against physicians'
labels.
"""

from assistant.evaluation.judges.cache import CachedReply, JudgeCache, cache_path
from assistant.evaluation.judges.factory import JUDGE_MAX_TOKENS, JudgeKind, open_judge
from assistant.evaluation.judges.llm import (
    CHARS_PER_TOKEN,
    COMPLETION_TOKENS,
    CONTRADICTION_PROMPT,
    ENTAILMENT_PROMPT,
    MAX_ANSWER_CHARS,
    MESSAGE_TOKENS,
    LLMJudge,
    Question,
    parse_yes_no,
)
from assistant.evaluation.judges.offline import (
    DEFAULT_THRESHOLDS,
    OFFLINE_VERSION,
    TUNED_ON_SHA256,
    OfflineJudge,
    PairFeatures,
    Thresholds,
    conflicts,
    decide,
    negated,
)
from assistant.evaluation.judges.protocol import (
    LABELS,
    CallEstimate,
    JudgeStats,
    Label,
    Pair,
    StatementJudge,
)

__all__ = [
    "CHARS_PER_TOKEN",
    "COMPLETION_TOKENS",
    "CONTRADICTION_PROMPT",
    "DEFAULT_THRESHOLDS",
    "ENTAILMENT_PROMPT",
    "JUDGE_MAX_TOKENS",
    "LABELS",
    "MAX_ANSWER_CHARS",
    "MESSAGE_TOKENS",
    "OFFLINE_VERSION",
    "TUNED_ON_SHA256",
    "CachedReply",
    "CallEstimate",
    "JudgeCache",
    "JudgeKind",
    "JudgeStats",
    "LLMJudge",
    "Label",
    "OfflineJudge",
    "Pair",
    "PairFeatures",
    "Question",
    "StatementJudge",
    "Thresholds",
    "cache_path",
    "conflicts",
    "decide",
    "negated",
    "open_judge",
    "parse_yes_no",
]
