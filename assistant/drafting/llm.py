"""The LLM drafter: the prompt files rendered with the question, the doctor's reply, the
numbered sources and, with an archive, the evidence plan (sections in page order, the quotes
each should use, the terms to explain, what no source covers), sent to any OpenAI-compatible
chat model through langchain, streamed back, and parsed into cited sections.

Patient text and sources enter the prompt as delimited data, with angle brackets neutralised
so that no text inside can close a delimiter or open a fake system tag.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import NamedTuple

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk, BaseMessage

from assistant.corpus.record import Asker
from assistant.drafting.common import SOURCES, assemble, retrieve, timings
from assistant.drafting.instructions import LANGUAGE_MODEL
from assistant.drafting.models import Draft, DraftRequest, Provenance, Usage
from assistant.drafting.parsing import MalformedOutput, parse_markdown
from assistant.drafting.plan import Plan, as_read, plan_for, plan_sources
from assistant.errors import UserError
from assistant.index import Archive
from assistant.prompts import Block, Prompt, as_data, load_prompt
from assistant.retrieval import Retriever, Source
from assistant.understanding import ASK_WORDS, as_named

EXPLAINER_WORDS = "about 400 to 700 words"  # an explainer's length when the row gives none


class DraftingError(UserError, RuntimeError):
    """The model did not produce a usable draft (after bounded attempts)."""


@dataclass(frozen=True)
class DraftPrompts:
    """The LLM drafter's prompts, chosen at construction: one that expands a doctor's reply,
    one that answers when there is none, one for an editor's explainer."""

    expand: Prompt
    answer: Prompt
    explainer: Prompt

    @classmethod
    def load(cls) -> DraftPrompts:
        return cls(
            load_prompt("expand_reply"),
            load_prompt("draft_answer"),
            load_prompt("explainer_article"),
        )

    def for_request(self, request: DraftRequest) -> Prompt:
        """The explainer prompt for an editor's explainer; otherwise the prompt that expands
        the doctor's reply, or the one that answers when there is none."""
        if request.explainer is not None:
            return self.explainer
        return self.expand if request.reply else self.answer

    def prepare(
        self, request: DraftRequest, retriever: Retriever, archive: Archive | None = None
    ) -> Prepared:
        """The plan, the retrieved pool, the numbered sources (the plan's records first, as
        the plan cites them) and the rendered messages for ``request``."""
        plan = plan_for(archive, request)
        pool = retrieve(retriever, as_read(request, plan))
        sources = pool[:SOURCES]
        if plan is not None and plan.record_ids and archive is not None:
            planned = plan_sources(plan, archive.records(plan.record_ids))
            rest = [s for s in pool if s.record_id not in set(plan.record_ids)]
            sources = [*planned, *rest[: max(0, SOURCES - len(planned))]]
        prompt = self.for_request(request)
        variables = LLMDrafter.variables(prompt, request, sources, plan)
        return Prepared(plan, pool, sources, prompt, prompt.messages(**variables))


class Prepared(NamedTuple):
    """What the LLM drafter sends for one request, and what it came from."""

    plan: Plan | None
    pool: list[Source]
    sources: list[Source]
    prompt: Prompt
    messages: list[BaseMessage]


class LLMDrafter:
    """Drafts with a chat model; ``stream`` yields text as it arrives, then the ``Draft``."""

    name = "llm"
    instructions = LANGUAGE_MODEL  # the instruction goes into the prompt

    def __init__(
        self,
        chat: BaseChatModel,
        retriever: Retriever,
        model: str,
        endpoint: str | None = None,
        model_note: str | None = None,
        attempts: int = 2,
        guard: Callable[[], AbstractContextManager[None]] = nullcontext,
        archive: Archive | None = None,
        prompts: DraftPrompts | None = None,
    ) -> None:
        """``guard`` wraps each call to the model, e.g. to turn endpoint failures into
        :class:`assistant.llm.LLMUnavailable` (see ``assistant.drafting.factory``);
        ``archive``: the plan's evidence comes from it (without one, retrieval alone);
        ``prompts``: the prompt files it renders (by default the project's)."""
        self.archive = archive
        self.chat = chat
        self.retriever = retriever
        self.model = model
        self.endpoint = endpoint
        self.model_note = model_note
        self.attempts = attempts
        self.guard = guard
        self.prompts = prompts or DraftPrompts.load()

    def messages(self, request: DraftRequest) -> list[BaseMessage]:
        """The messages the model would be sent for ``request`` (plan, sources and all),
        without calling it: for cost estimates and for reading what the model is asked."""
        return self._prepare(request).messages

    def _prepare(self, request: DraftRequest) -> Prepared:
        return self.prompts.prepare(request, self.retriever, self.archive)

    def draft(self, request: DraftRequest) -> Draft:
        """One call, not streamed (endpoints report token usage reliably this way)."""
        return _last(self._run(request, streaming=False))

    def stream(self, request: DraftRequest) -> Iterator[str | Draft]:
        """The answer's text as it arrives, then the parsed ``Draft``."""
        return self._run(request, streaming=True)

    def _run(self, request: DraftRequest, streaming: bool) -> Iterator[str | Draft]:
        started = time.perf_counter()
        plan, pool, sources, prompt, messages = self._prepare(request)
        retrieved = time.perf_counter()
        usage = Usage()
        for attempt in range(1, self.attempts + 1):
            reply: AIMessageChunk | None = None
            with self.guard():
                if streaming:
                    for chunk in self.chat.stream(messages):
                        assert isinstance(chunk, AIMessageChunk)
                        reply = chunk if reply is None else reply + chunk
                        if isinstance(chunk.content, str) and chunk.content:
                            yield chunk.content
                else:
                    answer = self.chat.invoke(messages)
                    reply = AIMessageChunk(
                        content=answer.content,
                        usage_metadata=getattr(answer, "usage_metadata", None),
                    )
            usage = _add_usage(usage, reply)
            try:
                sections = parse_markdown(reply.text if reply is not None else "")
                break
            except MalformedOutput:
                if attempt == self.attempts:
                    raise DraftingError(
                        f"{self.model} returned no usable text in {self.attempts} attempts; "
                        "try again, use another model, or draft with --drafter composer"
                    ) from None
                if streaming:
                    yield "\n\n[the answer was empty or unreadable; asking again]\n\n"
        done = time.perf_counter()
        yield assemble(
            request,
            pool,
            sources,
            sections,
            Provenance(
                drafter=self.name,
                model=self.model,
                model_note=self.model_note,
                endpoint=self.endpoint,
                prompt_name=prompt.name,
                prompt_version=prompt.version,
                prompt_hash=prompt.digest,
                source_ids=tuple(s.record_id for s in sources),
                timings_ms=timings(started, retrieved, done),
                usage=usage,
            ),
            plan.understanding if plan else None,
        )

    @staticmethod
    def variables(
        prompt: Prompt, request: DraftRequest, sources: list[Source], plan: Plan | None = None
    ) -> dict[str, str]:
        values = {
            "plan": format_plan(plan, sources),
            "question": request.question,
            "reply": request.reply or "",
            "asker": asker_line(request.asker),
            "specialty": request.specialty or "not given",
            "sources": format_sources(sources),
            "instruction": Block(
                f"The reviewing physician asks for this version: {as_data(request.instruction)}\n\n"
                if request.instruction
                else ""
            ),
        }
        if request.explainer is not None:
            words = request.explainer.target_length
            values |= {
                "question": request.topic or request.question,
                "reply": request.reply or "(no reply yet)",
                "audience": (
                    "a patient"
                    if request.explainer.audience == "patient"
                    else "a family member caring for a patient"
                ),
                "target_length": f"about {words} words" if words else EXPLAINER_WORDS,
            }
        return {k: v for k, v in values.items() if k in prompt.variables}


def asker_line(asker: Asker) -> str:
    parts = [f"{asker.age_range} year old" if asker.age_range else "", asker.sex or ""]
    line = " ".join(p for p in parts if p)
    return line or "not given"


def format_sources(sources: list[Source]) -> Block:
    if not sources:
        return Block("(no similar past answers were found)")
    blocks = []
    for n, s in enumerate(sources, start=1):
        who = ", ".join(x for x in (s.doctor and f"Dr. {s.doctor}", s.specialty) if x)
        text = "\n".join([*(p.text for p in s.passages), *([s.reply] if s.reply else [])])
        blocks.append(
            f"[{n}] {as_data(s.display_title)}{f' ({as_data(who)})' if who else ''}\n"
            f"<source>\n{as_data(text)}\n</source>"
        )
    return Block("\n\n".join(blocks))


def format_plan(plan: Plan | None, sources: list[Source]) -> Block:
    """The plan as the prompt gives it: the sections in page order, each with the numbered
    quotes it should use, the terms to explain and what no source covers."""
    if plan is None:
        return Block("(no plan: use the sources that fit the question)")
    u = plan.understanding
    number = {s.record_id: n for n, s in enumerate(sources, start=1)}
    lines = [f"Topic: {as_data(u.focus)}" if u.focus else "Topic: not found in the archive"]
    if u.also_called:  # "stomach flu" for gastroenteritis: the page uses the patient's words
        lines[0] += f" (the patient calls it {as_data(u.also_called)}: use both names)"
    lines.append("Asked: " + ", ".join(ASK_WORDS[a] for a in u.asks))
    for i, section in enumerate(plan.sections, start=1):
        role = " (answers the question: write it first)" if section.answers_question else ""
        on = f" (on {as_data(section.focus)})" if section.focus else ""  # a second condition
        lines.append(f"{i}. {ASK_WORDS[section.ask]}{on}{role}")
        lines += [f'   [{number[q.record_id]}] "{as_data(q.text)}"' for q in section.quotes]
    if plan.warning_signs:
        lines.append("When to see a doctor (quote these in that section):")
        lines += [f'   [{number[q.record_id]}] "{as_data(q.text)}"' for q in plan.warning_signs]
    if u.terms:
        terms = ", ".join(f'"{as_data(t)}"' for t in u.terms)
        lines.append(f"Terms to explain in plain words, from the sources only: {terms}")
    if u.same_names:  # "Is Valtrex the same thing as valacyclovir?"
        first, second, kind = u.same_names
        what = "medicine" if kind == "drug" else "condition"
        lines.append(
            f"The dictionaries list {as_data(first)} and {as_data(second)} as two names for the"
            f" same {what}: say so."
        )
    if u.combination:  # "Is Augmentin the same thing as amoxicillin?"
        whole, parts, part = u.combination
        lines.append(
            f"The drug dictionary lists {as_data(whole)} as a combination of {as_data(parts)}:"
            f" say it is not the same as {as_data(part)} alone."
        )
    if u.unanswered:  # "Lexapro (escitalopram)": named, but the archive has no answer on it
        lines.append(
            f"The archive has no answer on {as_data(u.unanswered)}: say so plainly, and do not"
            " present answers on other conditions or medicines as answers on it."
        )
    if u.member_named and u.focus:  # "Lexapro (escitalopram)", from antidepressants' answers
        lines.append(
            f"The archive has no answer on {as_data(u.member_named)} itself, only on its class,"
            f" {as_data(u.focus)}, in general: say so plainly, and do not present what is said"
            " of the class as said of that medicine."
        )
    if u.medicines_unanswered:  # "Zyrtec (cetirizine)" beside a focus the archive answers on
        named = ", ".join(
            as_data(as_named(written, name)) for written, name in u.medicines_unanswered
        )
        lines.append(
            f"The archive has no answer on these medicines asked about: {named}: say so plainly,"
            " and do not advise on them."
        )
    if u.levels_unanswered:  # "low lipase": a test's result, not a medicine
        named = ", ".join(as_data(as_named(written, name)) for written, name in u.levels_unanswered)
        lines.append(
            f"The archive has no answer on these levels the question gives: {named}: say so"
            " plainly, and do not speak of them as medicines."
        )
    if u.particulars.child:  # "Migraine in children", "my 7 year old son …"
        lines.append(
            "The question is about a child: leave out what the sources say of adults only,"
            " and say where they do not speak of children."
        )
    elif u.particulars.adult:  # "I am a healthy adult …", "If I take a probiotic …"
        lines.append(
            "The question is about a grown-up: leave out what the sources say of children only."
        )
    if plan.missing and not u.unanswered:
        missing = ", ".join(ASK_WORDS[a] for a in plan.missing)
        lines.append(f"No source covers: {missing}. Say so plainly; do not fill it in.")
    return Block("\n".join(lines))


def _last(items: Iterator[str | Draft]) -> Draft:
    for item in items:
        if isinstance(item, Draft):
            return item
    raise DraftingError("the drafter stopped without a draft")  # pragma: no cover


def _add_usage(usage: Usage, reply: AIMessageChunk | None) -> Usage:
    meta = reply.usage_metadata if reply is not None else None
    if not meta:
        return usage
    return Usage(
        prompt_tokens=usage.prompt_tokens + int(meta.get("input_tokens", 0)),
        completion_tokens=usage.completion_tokens + int(meta.get("output_tokens", 0)),
    )
