"""Statement judges: does an answer entail, contradict, or say nothing about a statement?

K-QA (Manes et al., BioNLP 2024) scores an answer by natural-language inference against the
physicians' gold statements: the answer is the premise, each statement the hypothesis.
A ``StatementJudge`` gives one ``Label`` per (answer, statement) pair. Implementations: the
learned offline judge (no LLM: signals of ``judges.signals`` combined by a fitted model,
``judges.learned``; what ``open_judge("offline")`` gives), the older cosine-threshold judge
(``judges.offline``) and an LLM judge (prompts in ``prompts/``,
cached on disk by input hash; ``judges.llm``, ``judges.cache``). ``open_judge`` builds
either one at an entry point; ``assistant eval calibrate`` measures both against physicians'
labels.
"""

from assistant.evaluation.judges.cache import CachedReply, JudgeCache, cache_path
from assistant.evaluation.judges.factory import JUDGE_MAX_TOKENS, JudgeKind, open_judge
from assistant.evaluation.judges.learned import (
    LEARNED_VERSION,
    MODEL_FILE,
    LearnedJudge,
    LearnedModel,
    ModelError,
)
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
    "LEARNED_VERSION",
    "MAX_ANSWER_CHARS",
    "MESSAGE_TOKENS",
    "MODEL_FILE",
    "OFFLINE_VERSION",
    "TUNED_ON_SHA256",
    "CachedReply",
    "CallEstimate",
    "JudgeCache",
    "JudgeKind",
    "JudgeStats",
    "LLMJudge",
    "Label",
    "LearnedJudge",
    "LearnedModel",
    "ModelError",
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
