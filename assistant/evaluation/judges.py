"""Statement judges: does an answer entail, contradict, or say nothing about a statement?

K-QA (Manes et al., BioNLP 2024) scores an answer by natural-language inference against the
physicians' gold statements: the answer is the premise, each statement the hypothesis.
A ``StatementJudge`` gives one ``Label`` per (answer, statement) pair. Two implementations:
an offline judge (no LLM) and an LLM judge (prompts in ``prompts/``, cached on disk by input
hash). ``assistant eval calibrate`` measures both against physicians' labels.

``OfflineJudge`` finds the answer passage closest to the statement (MiniLM cosine over the
answer's sentences and adjacent sentence pairs, via :class:`OfflineSupportScorer` with the
answer as its one piece of evidence) and then decides:

1. **contradiction** when that passage is on the same point (similarity ≥
   ``Thresholds.contradiction``) and disagrees with the statement: one is negated and the
   other not, it states the same kind of quantity with another value ("4000 mg" where the
   passage says "200 mg to 400 mg"), or the statement names a drug or condition the answer
   lacks while the passage names another one of the same kind;
2. **entailment** when the passage is close enough (≥ ``Thresholds.entailment``) and the
   agreement checks do not veto it (every number, dose, drug and condition of the statement
   is stated somewhere in the answer);
3. **neutral** otherwise.

The thresholds are not picked by hand: :func:`assistant.evaluation.calibration.tune_thresholds`
takes the pair with the highest Cohen's kappa against the physicians' majority label over a
grid (entailment 0.50 to 0.95 by 0.01; contradiction 0.60 to 0.95 by 0.05, or never). The
shipped ``DEFAULT_THRESHOLDS`` (0.70, 0.90) are that procedure run on all 399 pairs of
``data/kqa_nli_physician_labels.csv``, so the offline judge's calibration on that file is
**in-sample** (accuracy 67.9%, kappa 0.37). Held out, by 5-fold cross-validation grouped by
question (thresholds tuned on four folds, measured on the fifth), it is the same: every fold
picks 0.70 and 0.90. Physicians agree with each other on 82-88% of these pairs (kappa
0.67-0.76): similarity is a weak judge, a cheap offline stand-in for the LLM judge.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Literal, Protocol

from langchain_core.language_models import BaseChatModel
from langchain_core.prompt_values import PromptValue

from assistant.checks.agreement import Vocabulary, default_vocabulary, disagreements, quantities
from assistant.checks.support import Embedder, Evidence, OfflineSupportScorer
from assistant.config import Settings
from assistant.embeddings import MiniLMEmbedder
from assistant.llm.client import chat_model, explain_errors
from assistant.llm.local import ensure_llm
from assistant.prompts import Prompt, load_prompt

Label = Literal["entailment", "neutral", "contradiction"]
LABELS: tuple[Label, ...] = ("entailment", "neutral", "contradiction")
JudgeKind = Literal["offline", "llm"]


@dataclass(frozen=True, slots=True)
class Pair:
    """One judgement to make: does ``answer`` entail or contradict ``statement``?"""

    answer: str
    statement: str


@dataclass(frozen=True, slots=True)
class CallEstimate:
    """What judging will cost before it starts: calls not already cached, and tokens."""

    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(slots=True)
class JudgeStats:
    """What a judge has done so far: model calls made, answers found in the cache, and answers
    that named no verdict (counted as neutral) or two at once."""

    calls: int = 0
    cached: int = 0
    unparseable: int = 0
    conflicting: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class StatementJudge(Protocol):
    @property
    def name(self) -> str:
        """Names the judge precisely enough to match it with its calibration (model, prompt)."""
        ...

    def estimate(self, pairs: Sequence[Pair]) -> CallEstimate: ...

    def judge(self, pairs: Sequence[Pair]) -> list[Label]: ...


# --- the offline judge ----------------------------------------------------------------------

OFFLINE_VERSION = "1"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Similarities the offline judge needs: to call a statement entailed (with no veto), and
    to call a disagreeing passage "on the same point" (``None``: never call a contradiction)."""

    entailment: float
    contradiction: float | None

    def __str__(self) -> str:
        contradiction = "never" if self.contradiction is None else f"{self.contradiction:.2f}"
        return f"entailment ≥ {self.entailment:.2f}, contradiction ≥ {contradiction}"


DEFAULT_THRESHOLDS = Thresholds(entailment=0.70, contradiction=0.90)
TUNED_ON_SHA256 = "98372a3feea2ac7b445357ec2ab2e6f6251ecd72ad03a102ea4e4cdf53956779"
"""sha256 of the labels file ``DEFAULT_THRESHOLDS`` were tuned on (the shipped K-QA file)."""


@dataclass(frozen=True, slots=True)
class PairFeatures:
    """What the offline judge measured for one pair; :func:`decide` turns it into a label."""

    similarity: float  # cosine of the statement and its closest answer passage, 0..1
    vetoed: bool  # the answer lacks a number, dose, drug or condition of the statement
    conflicts: tuple[str, ...] = ()  # how the closest passage disagrees with the statement
    passage: str | None = None


def decide(features: PairFeatures, thresholds: Thresholds) -> Label:
    """The offline judge's rule (see the module's docstring)."""
    same_point = thresholds.contradiction
    if same_point is not None and features.conflicts and features.similarity >= same_point:
        return "contradiction"
    if features.similarity >= thresholds.entailment and not features.vetoed:
        return "entailment"
    return "neutral"


_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nothing|neither|nor|cannot)\b|n['\u2019]t\b", re.IGNORECASE
)


def negated(text: str) -> bool:
    """Whether ``text`` contains a negation ("not", "no", "never", "doesn't", "cannot", …)."""
    return _NEGATION.search(text) is not None


def conflicts(statement: str, passage: str, answer: str, vocabulary: Vocabulary) -> list[str]:
    """How ``passage`` (of ``answer``) disagrees with ``statement``; empty when it does not."""
    found: list[str] = []
    if negated(statement) != negated(passage):
        found.append(
            "the statement is negated and the answer is not"
            if negated(statement)
            else "the answer is negated and the statement is not"
        )
    stated = quantities(passage)
    for q in quantities(statement):
        same_kind = [s for s in stated if q.unit is not None and s.unit == q.unit]
        if same_kind and q not in same_kind:
            listed = ", ".join(dict.fromkeys(f'"{s}"' for s in same_kind))
            found.append(f'states "{q}" where the answer states {listed}')
    named = {m.concept.name for m in vocabulary.find(statement)}
    in_passage = vocabulary.find(passage)
    for missing in vocabulary.missing(statement, answer):
        others = [
            m.name
            for m in in_passage
            if m.concept.kind == missing.concept.kind and m.concept.name not in named
        ]
        if others:
            found.append(f"names {missing.name} where the answer names {others[0]}")
    return list(dict.fromkeys(found))


class OfflineJudge:
    """Embedding similarity, agreement vetoes and contradiction cues; no LLM, deterministic."""

    def __init__(
        self,
        embedder: Embedder,
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.thresholds = thresholds
        self.vocabulary = vocabulary or default_vocabulary()
        self.scorer = OfflineSupportScorer(embedder, thresholds.entailment, self.vocabulary)
        self.stats = JudgeStats()

    @property
    def name(self) -> str:
        return f"offline v{OFFLINE_VERSION} (MiniLM + agreement; {self.thresholds})"

    @property
    def tuned_on(self) -> str | None:
        """sha256 of the labels file these thresholds were tuned on; None when not known."""
        return TUNED_ON_SHA256 if self.thresholds == DEFAULT_THRESHOLDS else None

    def with_thresholds(self, thresholds: Thresholds) -> OfflineJudge:
        """The same judge (and embedder) with other thresholds."""
        return OfflineJudge(self.scorer.embedder, thresholds, self.vocabulary)

    def estimate(self, pairs: Sequence[Pair]) -> CallEstimate:
        return CallEstimate()  # no model calls

    def judge(self, pairs: Sequence[Pair]) -> list[Label]:
        return [decide(f, self.thresholds) for f in self.features(pairs)]

    def features(self, pairs: Sequence[Pair]) -> list[PairFeatures]:
        """What :func:`decide` needs for each pair, independent of the thresholds."""
        by_answer: dict[str, list[int]] = {}
        for i, pair in enumerate(pairs):
            by_answer.setdefault(pair.answer, []).append(i)
        found: dict[int, PairFeatures] = {}
        for answer, rows in by_answer.items():
            statements = [pairs[i].statement for i in rows]
            supports = self.scorer.score(statements, [Evidence(answer, "answer")])
            for i, statement, support in zip(rows, statements, supports, strict=True):
                passage = support.evidence
                found[i] = PairFeatures(
                    similarity=support.score,
                    vetoed=bool(disagreements(statement, answer, self.vocabulary)),
                    conflicts=tuple(
                        conflicts(statement, passage, answer, self.vocabulary) if passage else ()
                    ),
                    passage=passage,
                )
        return [found[i] for i in range(len(pairs))]


# --- the LLM judge --------------------------------------------------------------------------

ENTAILMENT_PROMPT = "nli_entailment"
CONTRADICTION_PROMPT = "nli_contradiction"
MAX_ANSWER_CHARS = 8_000
JUDGE_MAX_TOKENS = 16
CHARS_PER_TOKEN = 4
"""Token estimates are characters / 4 (a rule of thumb for English under BPE tokenizers) plus
``MESSAGE_TOKENS`` per chat message; a one-word answer is ``COMPLETION_TOKENS``."""
MESSAGE_TOKENS = 4
COMPLETION_TOKENS = 2

Question = Literal["entailment", "contradiction"]
_ONE_WORD = re.compile(r"^[\s\"'*`_.:!]*(yes|no)[\s\"'*`_.:!]*$", re.IGNORECASE)
_DATA_TAG = re.compile(r"<\s*/?\s*(answer|statement)\b[^>]*>", re.IGNORECASE)


def parse_yes_no(reply: str) -> bool | None:
    """``"YES"`` → True, ``"no."`` → False; None unless the whole reply is that one word."""
    match = _ONE_WORD.match(reply)
    return None if match is None else match.group(1).lower() == "yes"


def as_data(text: str) -> str:
    """Text that can neither close nor open the prompt's ``<answer>``/``<statement>`` tags."""
    return _DATA_TAG.sub(lambda m: m.group().replace("<", "&lt;").replace(">", "&gt;"), text)


def cache_path(home: Path) -> Path:
    return home / "eval" / "judge_cache.sqlite3"


@dataclass(frozen=True, slots=True)
class CachedReply:
    key: str
    model: str
    prompt: str
    reply: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


class JudgeCache:
    """The LLM judge's replies on disk (SQLite), keyed by sha256 of (model, prompt digest,
    answer, statement). Safe to share between threads (one connection behind a lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._db:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, model TEXT NOT NULL, "
                "prompt TEXT NOT NULL, reply TEXT NOT NULL, prompt_tokens INTEGER NOT NULL, "
                "completion_tokens INTEGER NOT NULL, created_at TEXT NOT NULL)"
            )

    @staticmethod
    def key(model: str, prompt_digest: str, answer: str, statement: str) -> str:
        payload = json.dumps([model, prompt_digest, answer, statement], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def get(self, keys: Sequence[str]) -> dict[str, str]:
        """The stored replies of those ``keys`` that are stored."""
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, reply FROM replies WHERE key IN ({marks})"
            with self._lock, closing(self._db.execute(query, chunk)) as rows:
                found.update((str(k), str(r)) for k, r in rows)
        return found

    def put(self, replies: Sequence[CachedReply]) -> None:
        now = datetime.now(UTC).isoformat()
        with self._lock, self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO replies VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.key, r.model, r.prompt, r.reply, r.prompt_tokens, r.completion_tokens, now)
                    for r in replies
                ],
            )

    def __len__(self) -> int:
        with self._lock, closing(self._db.execute("SELECT COUNT(*) FROM replies")) as rows:
            return int(rows.fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> JudgeCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class _Call:
    key: str
    question: Question
    pair: Pair


class LLMJudge:
    """Two yes/no questions per pair, each one chat call (cached on disk by input hash):
    does the answer entail the statement (``prompts/nli_entailment.toml``), does it contradict
    it (``prompts/nli_contradiction.toml``)?

    Yes to one question gives its label; no to both gives neutral; yes to both gives neutral
    and is counted in ``stats.conflicting``. A reply that is not exactly one word, YES or NO,
    counts as no (so, alone, as neutral) and is counted in ``stats.unparseable``.
    ``guard`` wraps the model calls (e.g. :func:`assistant.llm.explain_errors`); replies that
    arrived are cached before a failure is raised, so a re-run resumes.
    """

    def __init__(
        self,
        chat_model: BaseChatModel,
        cache: JudgeCache,
        *,
        entailment: Prompt | None = None,
        contradiction: Prompt | None = None,
        max_concurrency: int = 4,
        guard: Callable[[], AbstractContextManager[None]] = nullcontext,
    ) -> None:
        self.chat_model = chat_model
        self.cache = cache
        self.prompts: dict[Question, Prompt] = {
            "entailment": entailment or load_prompt(ENTAILMENT_PROMPT),
            "contradiction": contradiction or load_prompt(CONTRADICTION_PROMPT),
        }
        self._templates = {q: p.template() for q, p in self.prompts.items()}
        self.max_concurrency = max_concurrency
        self.guard = guard
        self.model = str(getattr(chat_model, "model_name", None) or chat_model._llm_type)
        self.stats = JudgeStats()

    @property
    def name(self) -> str:
        prompts = ", ".join(f"{p.name} v{p.version} {p.digest}" for p in self.prompts.values())
        temperature = getattr(self.chat_model, "temperature", None)
        sampling = "" if temperature is None else f"; T={temperature:g}"
        return f"llm ({self.model}; {prompts}{sampling})"

    def estimate(self, pairs: Sequence[Pair]) -> CallEstimate:
        calls = self._calls(pairs)
        cached = self.cache.get([c.key for c in calls])
        todo = [c for c in calls if c.key not in cached]
        prompt_tokens = sum(
            MESSAGE_TOKENS + -(-len(str(m.content)) // CHARS_PER_TOKEN)
            for c in todo
            for m in self._input(c).to_messages()
        )
        return CallEstimate(
            calls=len(todo),
            cached=len(calls) - len(todo),
            prompt_tokens=prompt_tokens,
            completion_tokens=COMPLETION_TOKENS * len(todo),
        )

    def judge(self, pairs: Sequence[Pair]) -> list[Label]:
        calls = self._calls(pairs)
        replies = self.cache.get([c.key for c in calls])
        self.stats.cached += len(replies)
        todo = [c for c in calls if c.key not in replies]
        if todo:
            replies.update(self._ask(todo))
        labels: list[Label] = []
        for pair in pairs:
            entailed, contradicted = (
                self._verdict(replies[self._key(q, pair)]) for q in ("entailment", "contradiction")
            )
            if entailed and contradicted:
                self.stats.conflicting += 1
                labels.append("neutral")
            elif entailed:
                labels.append("entailment")
            elif contradicted:
                labels.append("contradiction")
            else:
                labels.append("neutral")
        return labels

    def _verdict(self, reply: str) -> bool:
        verdict = parse_yes_no(reply)
        if verdict is None:
            self.stats.unparseable += 1
        return bool(verdict)

    def _ask(self, todo: list[_Call]) -> dict[str, str]:
        answers = self.chat_model.batch(
            [self._input(c) for c in todo],
            config={"max_concurrency": self.max_concurrency},
            return_exceptions=True,
        )
        self.stats.calls += len(todo)
        done: list[CachedReply] = []
        failure: Exception | None = None
        for call, answer in zip(todo, answers, strict=True):
            if isinstance(answer, Exception):
                failure = failure or answer
                continue
            usage = getattr(answer, "usage_metadata", None) or {}
            reply = CachedReply(
                key=call.key,
                model=self.model,
                prompt=f"{self.prompts[call.question].name} {self.prompts[call.question].digest}",
                reply=str(answer.text),
                prompt_tokens=int(usage.get("input_tokens", 0)),
                completion_tokens=int(usage.get("output_tokens", 0)),
            )
            self.stats.prompt_tokens += reply.prompt_tokens
            self.stats.completion_tokens += reply.completion_tokens
            done.append(reply)
        self.cache.put(done)
        if failure is not None:
            with self.guard():
                raise failure
        return {r.key: r.reply for r in done}

    def _calls(self, pairs: Sequence[Pair]) -> list[_Call]:
        """One call per (question, distinct pair)."""
        calls = {
            self._key(q, pair): _Call(self._key(q, pair), q, pair)
            for pair in pairs
            for q in self.prompts
        }
        return list(calls.values())

    def _key(self, question: Question, pair: Pair) -> str:
        digest = self.prompts[question].digest
        return JudgeCache.key(self.model, digest, pair.answer, pair.statement)

    def _input(self, call: _Call) -> PromptValue:
        return self._templates[call.question].invoke(
            {
                "answer": as_data(call.pair.answer[:MAX_ANSWER_CHARS]),
                "statement": as_data(call.pair.statement),
            }
        )


@contextmanager
def open_judge(
    kind: JudgeKind, settings: Settings, embedder: Embedder | None = None
) -> Iterator[StatementJudge]:
    """The judge; for the LLM judge on the local demo model, its server runs only while this
    is open. The LLM judge answers at temperature 0 with at most ``JUDGE_MAX_TOKENS`` tokens,
    and caches under ``{home}/eval/judge_cache.sqlite3``."""
    if kind == "offline":
        if embedder is None:
            embedder = MiniLMEmbedder(
                batch_size=settings.embed_batch_size, threads=settings.embed_threads
            )
        yield OfflineJudge(embedder)
        return
    judging = settings.model_copy(
        update={"llm_temperature": 0.0, "llm_max_tokens": JUDGE_MAX_TOKENS}
    )
    base_url, server = ensure_llm(judging)
    try:
        with JudgeCache(cache_path(settings.home)) as cache:
            yield LLMJudge(
                chat_model(judging, base_url),
                cache,
                guard=partial(explain_errors, judging, base_url),
            )
    finally:
        if server is not None:
            server.stop()
