"""The LLM judge: two yes/no questions per pair to any OpenAI-compatible chat model."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.prompt_values import PromptValue

from assistant.evaluation.judges.cache import CachedReply, JudgeCache
from assistant.evaluation.judges.protocol import CallEstimate, JudgeStats, Label, Pair
from assistant.prompts import Prompt, load_prompt

ENTAILMENT_PROMPT = "nli_entailment"
CONTRADICTION_PROMPT = "nli_contradiction"
MAX_ANSWER_CHARS = 8_000
CHARS_PER_TOKEN = 4
"""Token estimates are characters / 4 (a rule of thumb for English under BPE tokenizers) plus
``MESSAGE_TOKENS`` per chat message; a one-word answer is ``COMPLETION_TOKENS``."""
MESSAGE_TOKENS = 4
COMPLETION_TOKENS = 2

Question = Literal["entailment", "contradiction"]
QUESTIONS: tuple[Question, ...] = ("entailment", "contradiction")
_ONE_WORD = re.compile(r"^[\s\"'*`_.:!]*(yes|no)[\s\"'*`_.:!]*$", re.IGNORECASE)


def parse_yes_no(reply: str) -> bool | None:
    """``"YES"`` → True, ``"no."`` → False; None unless the whole reply is that one word."""
    match = _ONE_WORD.match(reply)
    return None if match is None else match.group(1).lower() == "yes"


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
            entailed, contradicted = (self._verdict(replies[self._key(q, pair)]) for q in QUESTIONS)
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
        return self.prompts[call.question].value(
            answer=call.pair.answer[:MAX_ANSWER_CHARS], statement=call.pair.statement
        )
