"""The LLM-judge support scorer: asks a chat model whether the evidence supports each claim.

Any langchain ``BaseChatModel`` works (``ChatOpenAI`` pointed at OpenAI, vLLM, Ollama or
llama.cpp's server). The prompt is ``prompts/support_judge.toml`` (loaded by
:mod:`assistant.prompts`); the claim and the evidence enter it as delimited data, and the
model answers one word. An answer that names no verdict, or names more than one, counts as
not supported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import BaseMessage

from assistant.checks.support import NO_EVIDENCE, Evidence, Support, SupportScorer, Verdict
from assistant.prompts import Block, Prompt, as_data, load_prompt

JUDGE_PROMPT = "support_judge"
NO_VERDICT = "judge gave no verdict"
MAX_EVIDENCE_CHARS = 4_000

_VERDICT = re.compile(r"\b(NOT[_ ]SUPPORTED|UNSUPPORTED|CONTRADICTED|SUPPORTED)\b", re.IGNORECASE)


def parse_verdict(answer: str) -> Verdict | None:
    """``"SUPPORTED"`` → ``"supported"``; ``None`` when no single verdict is named."""
    found = {m.group(1).upper().replace(" ", "_") for m in _VERDICT.finditer(answer)}
    found = {"NOT_SUPPORTED" if v == "UNSUPPORTED" else v for v in found}
    if len(found) != 1:
        return None
    verdict: Verdict = {
        "SUPPORTED": "supported",
        "NOT_SUPPORTED": "not_supported",
        "CONTRADICTED": "contradicted",
    }[found.pop()]  # type: ignore[assignment]
    return verdict


def format_evidence(evidence: Sequence[Evidence]) -> Block:
    return Block(
        "\n\n".join(
            f"{'Physician reply' if e.label == 'reply' else 'Source ' + e.label}:\n"
            f"{as_data(e.text[:MAX_EVIDENCE_CHARS])}"
            for e in evidence
        )
    )


class LLMJudgeScorer:
    """One chat call per claim; ``locator`` (e.g. the offline scorer) finds the closest passage."""

    def __init__(
        self,
        chat_model: BaseChatModel,
        prompt: Prompt | None = None,
        locator: SupportScorer | None = None,
        max_concurrency: int = 4,
    ) -> None:
        self.chat_model = chat_model
        self.prompt = prompt or load_prompt(JUDGE_PROMPT)
        self.locator = locator
        self.max_concurrency = max_concurrency

    @property
    def name(self) -> str:
        model = getattr(self.chat_model, "model_name", None) or self.chat_model._llm_type
        prompt = f"{self.prompt.name} v{self.prompt.version} {self.prompt.digest}"
        return f"llm-judge ({model}; prompt {prompt})"

    def score(self, claims: Sequence[str], evidence: Sequence[Evidence]) -> list[Support]:
        if not claims:
            return []
        if not evidence:
            return [Support(0.0, False, reasons=(NO_EVIDENCE,)) for _ in claims]
        text = format_evidence(evidence)
        inputs: list[LanguageModelInput] = [
            self.prompt.value(claim=claim, evidence=text) for claim in claims
        ]
        answers = self.chat_model.batch(
            inputs, config={"max_concurrency": self.max_concurrency}, return_exceptions=True
        )
        closest = self.locator.score(claims, evidence) if self.locator else [None] * len(claims)
        return [_support(a, c) for a, c in zip(answers, closest, strict=True)]


def _support(answer: BaseMessage | Exception, closest: Support | None) -> Support:
    where = (closest.evidence, closest.evidence_from) if closest else (None, None)
    if isinstance(answer, Exception):
        reason = f"judge failed: {type(answer).__name__}: {answer}"
        return Support(0.0, False, *where, reasons=(reason,))
    verdict = parse_verdict(str(answer.text))
    if verdict is None:
        return Support(0.0, False, *where, reasons=(NO_VERDICT,))
    ok = verdict == "supported"
    reason = {
        "supported": "the judge found it supported",
        "not_supported": "the judge found it not supported by the evidence",
        "contradicted": "the judge found it contradicted by the evidence",
    }[verdict]
    return Support(1.0 if ok else 0.0, ok, *where, reasons=(reason,), verdict=verdict)
