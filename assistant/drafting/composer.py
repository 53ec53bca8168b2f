"""The grounded composer: a draft built only from sentences of the doctor's reply and of the
retrieved past answers, each cited, ordered into the sections of a "More Info" page.

It needs no LLM and is deterministic. It never states what no source states: every sentence
is copied verbatim from the reply or from a cited source, except the short connecting lines
of ``prompts/composer.toml`` (origin ``template``) and, for red-flag questions, the
escalation paragraph of the red-flag list.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import Stemmer

from assistant.corpus import Record
from assistant.drafting.arrange import (
    SEEK_CARE,
    TOPICS,
    after_opening,
    ask_of,
    calls_it_its_own,
    named_beside,
    named_in,
    names_any,
    names_own,
    narrower,
    numbered,
    of_a_rare_disease,
    of_its_own,
    on_focus,
    opens_with,
    quoted,
    said_of_own,
    says_what_it_is,
    section_for,
    section_of,
    unanswered,
)
from assistant.drafting.common import SOURCES, assemble, retrieve, timings, topic_of
from assistant.drafting.differential import Condition, differential
from assistant.drafting.instructions import (
    COMPOSER,
    COMPOSER_CANNOT,
    HARD_GRADE,
    MIN_SENTENCES,
    preset,
    simplify,
)
from assistant.drafting.models import Draft, DraftRequest, DraftSentence, Provenance, Section
from assistant.drafting.plan import (
    Plan,
    PlannedSection,
    as_read,
    balanced,
    in_record_order,
    item_fragment,
    list_items,
    medicines_named,
    plan_for,
    plan_sources,
    quote_sources,
    standalone,
    strip_label,
)
from assistant.drafting.terms import TermQuote, explain_terms
from assistant.embeddings import MiniLMEmbedder
from assistant.index import Archive
from assistant.knowledge import lexicon
from assistant.knowledge.capitals import as_written
from assistant.knowledge.classes import medicine_classes
from assistant.knowledge.redflags import detect_red_flags
from assistant.prompts import Prompt, load_prompt
from assistant.retrieval import Retriever, Source
from assistant.text import reading_grade, sentence_spans, split_sentences
from assistant.understanding import (
    ANSWERED_BY,
    ASK_OF_TYPE,
    ASK_WORDS,
    COMMON_KIND,
    Ask,
    Understanding,
    as_named,
    is_medicine,
    key_of,
    keys_of,
    names_of,
    without_asks,
)
from assistant.understanding.particulars import (
    for_another_patient,
    for_their_age,
    names_children,
)

# Lines that are navigation or boilerplate of the archive's sites, not medical content.
BOILERPLATE = re.compile(
    r"\b(this summary|pdq|see the following|click|read more|these resources|this section|"
    r"listed below|the links? below|more information|clinicaltrials\.gov|genereviews|"
    r"the following (organizations|resources)|human phenotype ontology|approximate number of "
    r"patients|watch the|video|this app|the app|learn more|find out more)\b|"
    r"^(hello|hi|dear|thank)",
    re.I,
)


# Sentences about another patient's own case, or summing up another page.
CONTEXT_BOUND = re.compile(
    r"\b(in your case|you (mentioned|described|noted|said)|your (case|mass|lump|situation|"
    r"results?|report|son|daughter)|your (doctor|physician) (has |had )?(indicated|said|"
    r"mentioned|advised|classified|recommended)|as you|in summary|in conclusion|"
    r"to summari[sz]e)\b",
    re.I,
)
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•])\s+")
_STEM = Stemmer.Stemmer("english")
_STOP_WORDS = """
the and for are with that this from have has was were can may will your you not but what how
does did its also been being into than then them they their there which who when about more
most some such very would should could other
"""
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class _Candidate:
    text: str
    source: int  # 1-based citation number
    record_id: str
    answers: Ask | None = None  # what its answer's question asks ("outlook" of "What is the
    # outlook for …?"); None for a general answer
    names: tuple[str, ...] = ()  # what its answer is about: "Hematuria (Blood in the Urine)"


def _noted(draft: Draft, note: str) -> Draft:
    provenance = draft.provenance.model_copy(update={"instruction_note": note})
    return draft.model_copy(update={"provenance": provenance})


class GroundedComposer:
    """Composes drafts from retrieved sources; the default drafter when no LLM is configured."""

    name = "grounded-composer"
    instructions = COMPOSER

    def __init__(
        self,
        retriever: Retriever,
        embedder: MiniLMEmbedder,
        templates: Prompt | None = None,
        max_sentences: int = 12,
        max_candidates: int = 24,
        min_relevance: float = 0.5,
        mmr_lambda: float = 0.7,
        archive: Archive | None = None,
        pick_from: int = SOURCES + 2,
    ) -> None:
        self.archive = archive
        self.pick_from = pick_from
        self.retriever = retriever
        self.embedder = embedder
        self.templates = templates or load_prompt("composer")
        self.max_sentences = max_sentences
        self.max_candidates = max_candidates
        self.min_relevance = min_relevance
        self.mmr_lambda = mmr_lambda

    def draft(self, request: DraftRequest) -> Draft:
        """The composed draft, following "shorter" and "simpler" (see
        ``assistant.drafting.instructions``); the provenance notes what was done."""
        order = preset(request.instruction)
        if order == "shorter":
            fewer = max(MIN_SENTENCES, self.max_sentences // 2)
            shorter = copy.copy(self)
            shorter.max_sentences = fewer
            note = f"The composer picked at most {fewer} source sentences."
            return _noted(shorter._draft(request), note)
        draft = self._draft(request)
        if order == "simpler":
            draft, dropped = simplify(draft)
            return _noted(
                draft,
                f"The composer left out {dropped} source sentence(s) that read above grade "
                f"{HARD_GRADE:g}.",
            )
        return _noted(draft, COMPOSER_CANNOT) if order == "other" else draft

    def _draft(self, request: DraftRequest) -> Draft:
        started = time.perf_counter()
        plan = plan_for(self.archive, request)
        asked = as_read(request, plan)  # searched and matched as read ("hemmroids")
        pool = retrieve(self.retriever, asked)
        retrieved = time.perf_counter()
        asks: tuple[str, ...] = plan.understanding.asks if plan else ()
        top = pool[: self.pick_from]
        if plan is not None:
            sections, sources = self._compose(request, asked, plan, top)
        else:
            chosen, sources = _cited_only(self._choose(request, top), top)
            topic = topic_of(request, top)
            sections = self._sections(request, chosen, topic, len(sources))
        done = time.perf_counter()
        draft = assemble(
            request,
            pool,
            sources,
            sections,
            Provenance(
                drafter=self.name,
                model="none (no language model)",
                prompt_name=self.templates.name,
                prompt_version=self.templates.version,
                prompt_hash=self.templates.digest,
                source_ids=tuple(s.record_id for s in sources),
                timings_ms=timings(started, retrieved, done),
            ),
            plan.understanding if plan else None,
        )
        return draft.model_copy(update={"asks": asks})

    def _compose(
        self, request: DraftRequest, asked: DraftRequest, plan: Plan, top: list[Source]
    ) -> tuple[list[Section], list[Source]]:
        """The planned sections, then the picked sentences, terms and similar questions
        within the word budget; numbered against the sources they cite."""
        assert self.archive is not None
        # the plan's records and the retrieved ones, read once: planned sources, candidates'
        # list items, each section's record order
        records = self.archive.records([*plan.record_ids, *(s.record_id for s in top)])
        planned = plan_sources(plan, records)
        quoted = {q.text for q in plan.quotes}
        u = plan.understanding
        names = [*u.focus_names, *(n for f in u.also for n in f.names)]
        keys = {key_of(n) for n in names}
        chosen = self._choose(asked, top, sorted(quoted), keys, u.asks, records)
        # what is said of grown-ups alone is no answer on a child, nor the reverse; nor is
        # what an answer on patients of another age says ("Urine Blockage in Newborns" on a
        # grown-up's clear urine, K-QA 114)
        age = u.particulars.model_copy(update={"sex": None})
        chosen = [
            replace(c, text=text)
            for c in chosen
            if (text := for_their_age(c.text, u.particulars))
            and not for_another_patient(top[c.source - 1].display_title, age)
        ]
        terms, unexplained = explain_terms(
            plan.understanding.terms, self.retriever, request.exclude_ids, avoid=quoted
        )
        # a term's explanation is quoted once, under the terms, with the sentence that
        # continues it when one was picked
        for c in chosen:
            terms = [
                t.model_copy(update={"text": c.text, "source": top[c.source - 1]})
                if t.text in c.text and t.text != c.text
                else t
                for t in terms
            ]
        picked = [
            c for c in chosen if c.text not in quoted and not any(t.text in c.text for t in terms)
        ]
        # "the lesions", "the infection" of an answer on another condition are that
        # condition's: "Very strong topical steroid creams … speed the disappearance of the
        # lesions" (granuloma annulare) is no advice for the lesion a patient asks about
        picked = [
            c
            for c in picked
            if on_focus(top[c.source - 1], keys)
            or not of_its_own(top[c.source - 1], c.text, request.question)
        ]
        # a sentence from an answer on another condition never enters a section about
        # this one: it goes under "similar questions", and an article leaves it out
        # (where the question names none, the condition the closest answers are on is the
        # page's topic: a sentence on narcolepsy's stimulants is no treatment of insomnia)
        closest = None if keys or request.topic or u.unanswered else topic_of(request, top)
        on = keys or (keys_of(closest) if closest else set())
        other = [c for c in picked if on and not on_focus(top[c.source - 1], on)]
        picked = [c for c in picked if c not in other]
        described = _words(without_asks(request.question))  # what the question describes
        if not keys:
            # where the question names no condition, what an answer on a rare or inherited
            # disease says without naming it, nor what the question describes, is said of
            # that disease's patients: "Many affected individuals have malfunctioning immune
            # systems …" is no cause of immunocompromise (K-QA 178); "… topical steroids are
            # typically only used …" is on topical steroids (K-QA 164)
            picked = [
                c
                for c in picked
                if len(_words(c.text) & described) >= SHARED
                or not of_a_rare_disease(top[c.source - 1], c.text, ())
            ]
        other = [] if request.topic else self._beside(request, u, top, other, names)
        # but one that opens with the focus's name is about it, whatever answer it is from:
        # "Migraine headaches may last a day or more" (from the answer on headache) answers
        # "does a migraine last for days?" (not one on a kind of it, which names its kind;
        # nor where the archive has no answer on the focus: "The pain gets worse over time"
        # is not about the pain of a muscle strain; nor one that leaves its own answer's
        # condition unnamed, unless it says what the focus is: "An abscess occurs if pus forms
        # in a cavity in the lung" is on pneumonia's abscess; nor one said of another
        # condition's patients: "Fever is a medical emergency in SCD")
        own = [
            c
            for c in other
            if u.focus_records
            and opens_with(c.text, u.focus_names)
            and (named_in(top[c.source - 1], c.text) or says_what_it_is(c.text, u.focus_names))
            and not narrower(top[c.source - 1], keys)
            and not calls_it_its_own(top[c.source - 1], c.text)
            and not self._names_another(c.text, u)
        ]
        if own:
            picked = [c for c in chosen if c in picked or c in own]
            other = [c for c in other if c not in own]
        # nor, under "similar questions", what an answer says of its own condition by name,
        # where the question does not name it: "Treatment for opsoclonus myoclonus may
        # include corticosteroids" is nothing on clobetasol (one that names the focus too is
        # on it: "… the most common methods of preventing and controlling migraine and other
        # vascular headaches"; a pair on a condition, in its first sentence: "… signs and
        # symptoms of mastocytic enterocolitis primarily include chronic, intractable diarrhea
        # … Other symptoms … include constipation, nausea, and/or vomiting" is no answer on
        # vomiting, but "Some over-the-counter (OTC) products claim to treat insomnia. These
        # products include melatonin, …" is one on melatonin)
        medicine = bool(u.focus) and is_medicine(u.focus or "")
        other = [
            c
            for c in other
            if names_any(c.text if medicine else split_sentences(c.text)[0], u.focus_names)
            or not said_of_own(top[c.source - 1], c.text, request.question, keys)
        ]
        # nor one that calls the focus its own answer's condition: "A headache is considered
        # hemicrania continua if …" is nothing on a cluster headache (K-QA 180)
        other = [c for c in other if not calls_it_its_own(top[c.source - 1], c.text)]
        # nor, from an answer on a rare or inherited disease (GARD, GHR), one that names
        # neither what the question asks about nor that disease: "Facial muscle weakness can
        # cause swallowing and speech difficulties" (K-QA 33), "In more severely affected
        # individuals, fatty liver may progress to chronic liver disease" (K-QA 16) are said
        # of that disease's patients
        other = [c for c in other if not of_a_rare_disease(top[c.source - 1], c.text, names)]
        # what past answers say of other medicines is no answer on one the question does not
        # name ("what are the side effects of this medication"): the conclusion says so
        if u.unnamed_medicine:
            picked, other = [], []
        # at most MAX_WORDS in all: the most relevant picked sentences fill what the
        # reply, the plan, the terms and the connecting lines leave
        budget = MAX_WORDS - FRAME_WORDS - _count(request.reply or "")
        budget -= sum(_count(q) for q in quoted) + sum(_count(t.text) for t in terms)
        kept = _within([c for c in chosen if c in picked or c in other], budget)
        picked, other = [c for c in picked if c in kept], [c for c in other if c in kept]
        # a focus the archive has no answers on (a name from the dictionaries) is not
        # announced: "I asked if it was a lipoma, but he said it was not"
        focus = u.focus if u.focus_records else None
        # nor are the closest answers' topic when the question names another: a question
        # on blepharitis is not "closest to shingles" (the conclusion says what is missing)
        topic = request.topic or focus or (None if u.unanswered else topic_of(request, top))
        # a question that names nothing ("what could be causing the white tongue?") gets the
        # conditions the closest answers are on, each said in the archive's words
        # (not beside a doctor's reply, which already says what it is, and only conditions
        # whose sentence talks about what the question describes: the tongue, not the lip)
        conditions: tuple[Condition, ...] = ()
        if (
            not u.focus
            and not request.topic
            and not request.reply
            and set(u.asks) & set(_DIFFERENTIAL_ASKS)
            and not _HOW_TO.match(request.question)
        ):
            conditions = differential(
                self.archive, top, request.exclude_ids, lambda s: bool(described & _words(s))
            )
        if conditions:
            told = [c.quote.text for c in conditions]
            picked = [c for c in picked if not any(q in c.text for q in told)]
            other = [c for c in other if not any(q in c.text for q in told)]
            topic = None
        # a condition is written as the answers write it in running text: "Your question is
        # about scabies", not "about Scabies"; "what to know about migraine in children"
        texts = [r.long_explanation or "" for r in records.values()]
        named = [*(n for n in (topic, u.focus) if n), *(f.name for f in u.also)]
        written = {n: as_written(n, texts) for n in named}
        sections = self._planned_sections(
            request, plan, topic, picked, other, terms, unexplained, conditions, written
        )
        # "Do not save antibiotics for later" does not open its answer's "Antibiotics are
        # powerful medicines …": a section quotes each answer in the answer's own order
        cited = [s.source_id for x in sections for s in x.sentences if s.source_id]
        records |= self.archive.records([i for i in cited if i not in records])
        sections = [
            x.model_copy(update={"sentences": in_record_order(x.sentences, records)})
            for x in sections
        ]
        quotes = [c.quote for c in conditions]
        listed = quote_sources(quotes, self.archive.records([q.record_id for q in quotes]))
        sections, sources = numbered(
            sections, [*planned, *listed, *top, *(t.source for t in terms)]
        )
        return sections, sources

    def _planned_sections(
        self,
        request: DraftRequest,
        plan: Plan,
        topic: str | None,
        picked: Sequence[_Candidate],
        other: Sequence[_Candidate],
        terms: Sequence[TermQuote],
        unexplained: Sequence[str],
        conditions: Sequence[Condition] = (),
        written: Mapping[str, str] | None = None,
    ) -> list[Section]:
        """Opening (the patient's particulars, the reply), escalation, the terms explained,
        the answer first (sentences picked for this question, then the focus's own answer),
        the page's other sections, when to seek care, what the archive does not cover, close.

        Sentences carry their record in ``source_id``; :func:`numbered` numbers them."""
        t = self.templates
        cited = {c.record_id for c in (*picked, *other)} | {q.record_id for q in terms}
        cited |= {c.quote.record_id for c in conditions}
        count = len(cited | set(plan.record_ids))
        written = written or {}
        shown = written.get(topic, topic) if topic else None
        fill = {"topic": shown or "your question", "count": count, "particulars": "", "missing": ""}
        base = self._sections(request, [], shown, count)
        opening = list(base[0].sentences)
        if conditions:
            # "… are about several conditions: leukoplakia, hairy tongue. Only your doctor …"
            several = ", ".join(c.name for c in conditions)
            opening[0] = _template(t.fill("opening_several", **{**fill, "topic": several}))
        elif topic and not request.topic and not plan.understanding.focus_records:
            # a topic the question does not name, but the closest answers share, is no
            # diagnosis: "The past answers closest to your question are about geographic tongue"
            # (nor, of a question on how to do something that tells nothing of the patient, a
            # guess at what they have: "How do I measure blood pressure?")
            how = _HOW_TO.match(request.question) and not _OF_ME.search(request.question)
            key = "opening_closest_how" if how else "opening_closest"
            opening[0] = _template(t.fill(key, **fill))
        elif topic and not request.topic and plan.understanding.member_named:
            # "Your question is about Lexapro (escitalopram), one of the antidepressants; …"
            group = {**fill, "topic": topic.lower(), "other": plan.understanding.member_named}
            opening[0] = _template(t.fill("opening_class", **group))
        elif topic and not request.topic and plan.understanding.kind_asked:
            # "Your question is about cluster headache, a kind of headache; …"
            kind = {**fill, "other": plan.understanding.kind_asked}
            opening[0] = _template(t.fill("opening_kind", **kind))
        elif topic and not request.topic and (called := plan.understanding.also_called):
            # "Your question is about stomach flu (gastroenteritis)": the patient's words first
            named = t.fill("opening", **{**fill, "topic": f"{called} ({fill['topic']})"})
            opening[0] = _template(named)
        elif topic and not request.topic and (plain := lexicon().plain_name(topic)):
            # "Your question is about myocardial infarction (heart attack)."
            named = t.fill("opening", **{**fill, "topic": f"{fill['topic']} ({plain})"})
            opening[0] = _template(named)
        said = _particulars(plan)
        if said:
            opening.insert(
                1, _template(t.fill("opening_particulars", **{**fill, "particulars": said}))
            )
        read = "; ".join(f'"{c.written}" as "{c.read_as}"' for c in plan.understanding.corrections)
        if read:
            opening.insert(1, _template(t.fill("opening_spelling", **{**fill, "read": read})))
        if same := plan.understanding.same_names:
            # "Is Valtrex the same thing as valacyclovir?": the dictionaries answer it
            first, second, sort = same
            key = "same_medicine" if sort == "drug" else "same_condition"
            names = {**fill, "names": f"{first} and {second}"}
            opening.insert(1, _template(t.fill(key, **names)))
        if combined := plan.understanding.combination:
            # "Is Augmentin the same thing as amoxicillin?": it holds amoxicillin and more
            whole, parts, part = combined
            names = {**fill, "names": whole, "other": parts, "part": part}
            opening.insert(1, _template(t.fill("combination", **names)))
        out = [base[0].model_copy(update={"sentences": tuple(opening)})]
        out += [s for s in base[1:] if s.kind == "escalation"]
        if conditions:
            asked = next(a for a in plan.understanding.asks if a in _DIFFERENTIAL_ASKS)
            out.append(
                Section(
                    kind="explanation",
                    heading=t.fill("heading_about", **fill),
                    sentences=tuple(quoted(c.quote.text, c.quote.record_id) for c in conditions),
                    ask=asked,
                )
            )
        if terms:
            key = "heading_terms_reply" if request.reply else "heading_terms"
            out.append(
                Section(
                    kind="explanation",
                    heading=t.fill(key, **fill),
                    sentences=tuple(quoted(q.text, q.record_id) for q in terms),
                )
            )
        asks = plan.understanding.asks
        # (where the question names none, the closest answers' condition is the page's topic)
        focus_names = plan.understanding.focus_names or ((topic,) if topic else ())
        # "are the stomach flu and the flu the same thing?" is answered, first, by what
        # names both ("… "stomach flu" isn't really flu at all, but gastroenteritis"), not
        # by a list of many ("… including chlamydia, gonorrhea, genital herpes, HPV, …")
        also_names = [n for f in plan.understanding.also for n in f.names]
        if also_names and "definition" in asks:
            both = [
                c
                for c in (*picked, *other)
                if names_any(c.text, focus_names)
                and names_any(c.text, also_names)
                and len({m.canonical for m in lexicon().find(c.text) if m.kind != "drug"})
                <= BOTH_AND_ONE
            ]
            if both:
                other_name = plan.understanding.also[0].name
                other_name = written.get(other_name, other_name)
                out.append(
                    Section(
                        kind="explanation",
                        heading=_capitalized(
                            t.fill("heading_both", **{**fill, "other": other_name})
                        ),
                        sentences=tuple(quoted(c.text, c.record_id) for c in both),
                        ask="definition",
                    )
                )
                picked = [c for c in picked if c not in both]
                other = [c for c in other if c not in both]
        seek: list[DraftSentence] = []
        by_ask: dict[str, list[DraftSentence]] = {}
        # a picked sentence that answers nothing asked goes to the first page section it
        # talks about (a section this page has: a medicine has no causes); naming the focus
        # alone makes it "what it is" only when it talks about nothing else
        by_cue = (*(a for a in plan.page_order if a != "definition"), "definition")
        more: list[DraftSentence] = [quoted(c.text, c.record_id) for c in other]
        for c in picked:
            sentence = quoted(c.text, c.record_id)
            if SEEK_CARE.search(c.text):
                seek.append(sentence)
                continue
            told = [a for a in asks if a != "definition"]
            ask = section_for(c.text, told, by_cue, focus_names, c.answers, c.names)
            # an article's sentence on its topic that tells none of the page's sections is
            # about the topic, not from "similar questions"
            ask = ask or ("definition" if request.topic else None)
            (by_ask.setdefault(ask, []) if ask else more).append(sentence)
        planned = {p.ask: p for p in plan.sections if p.focus is None}
        # a second condition asked about: its answer follows the focus's, both headings named
        also = [p for p in plan.sections if p.focus is not None]
        two = bool(also)
        answering: list[tuple[str | None, list[str]]] = []  # each section's ask, sentences
        more_at: int | None = None
        seek_at: int | None = None  # where "when to seek care" goes, when asked
        for ask in (*asks, *(a for a in plan.page_order if a not in asks)):
            if ask == "seek_care":
                seek_at = len(out)
                continue
            if ask not in asks and also:  # after the answer on the focus, the one on the other
                out += [self._also(p, fill, written) for p in also]
                answering += [(p.ask, [q.text for q in p.quotes]) for p in also]
                more_at, also = len(out), []
            picked_here = by_ask.pop(ask, [])
            planned_here: list[DraftSentence] = []
            if ask in planned:
                # a sentence that leans on one moved to "when to seek care" goes with it, and
                # one that leans on one kept here stays ("Some OTC products that contain
                # antihistamines are sold as sleep aids. Although these products might make
                # you sleepy, talk to your doctor before taking them.")
                moved = False
                for q in planned[ask].quotes:
                    alone = standalone(q.text)
                    moved = (alone and bool(SEEK_CARE.search(q.text))) or (moved and not alone)
                    (seek if moved else planned_here).append(quoted(q.text, q.record_id))
            # the focus's own answer opens a topic section (an article's, and "what it is");
            # for a patient's question, the sentences picked for it answer first (where one
            # is from the answer a planned run quotes, the two go in that answer's order)
            if request.topic or ask == "definition":
                sentences = [*planned_here, *picked_here]
            else:
                sentences = [*picked_here, *planned_here]
            if not sentences:
                continue
            answering.append((ask, [x.text for x in sentences]))
            on = topic if two and ask in asks else None
            if ask == "definition" and request.topic and plan.understanding.focus:
                on = plan.understanding.focus  # "About shingles" in "Shingles vaccine"
            heading = self._heading(ask, on, fill, written)
            out.append(
                Section(kind="explanation", heading=heading, sentences=tuple(sentences), ask=ask)
            )
            if ask == asks[-1]:
                more_at = len(out)  # the rest of what was picked goes after the answer
        if also:
            out += [self._also(p, fill, written) for p in also]
            answering += [(p.ask, [q.text for q in p.quotes]) for p in also]
        more = more[:MORE]  # a short aside, not a second page
        if more:
            at = len(out) if more_at is None else more_at
            out.insert(
                at,
                Section(
                    kind="explanation",
                    heading=t.fill("heading_more", **fill),
                    sentences=tuple(more),
                ),
            )
            seek_at = None if seek_at is None else seek_at + (at <= seek_at)
        # the focus's own answers on when to see a doctor, and for what signs
        seeking = {s.text for s in seek}
        seek += [quoted(q.text, q.record_id) for q in plan.warning_signs if q.text not in seeking]
        answering.append(("seek_care", [s.text for s in seek]))
        missing: list[Ask] = []
        for a in unanswered(asks, answering):  # "the medicine asked about", not also "treatment"
            if not any(a in ANSWERED_BY.get(m, ()) for m in missing):
                missing.append(a)
        for section in base[1:]:
            if section.kind == "seek_care":
                care = section.model_copy(
                    update={
                        "sentences": (*seek, *section.sentences),
                        "ask": "seek_care" if seek_at is not None else None,
                    }
                )
                out.insert(len(out) if seek_at is None else seek_at, care)
            elif section.kind == "conclusion":
                notes = self._gaps(
                    plan.understanding, topic, out, missing, unexplained, fill, written
                )
                out.append(section.model_copy(update={"sentences": (*notes, *section.sentences)}))
        out = _merged(without_repeats(out, self._same_meaning))
        # the count the conclusion gives is of the answers still cited once repeats are out
        cited_now = len({x.source_id for s in out for x in s.sentences if x.source_id})
        if cited_now == count:
            return out
        said = t.fill("conclusion" if count else "conclusion_no_sources", **fill)
        now = t.fill(
            "conclusion" if cited_now else "conclusion_no_sources", **{**fill, "count": cited_now}
        )
        return [_replaced(s, said, now) if s.kind == "conclusion" else s for s in out]

    def _beside(
        self,
        request: DraftRequest,
        u: Understanding,
        top: list[Source],
        other: list[_Candidate],
        names: list[str],
    ) -> list[_Candidate]:
        """Of the picked sentences from answers on other conditions (``other``), those that
        may stand beside the answer, under "More from answers to similar questions"."""
        keys = {key_of(n) for n in names}
        described = _words(without_asks(request.question))  # what the question describes
        # only one that names what was asked about: "Peptic ulcers will get worse"
        # is no answer on a cold sore and a mouth ulcer, nor "Once the rash has developed
        # crusts, the person is no longer contagious" (on shingles) one on blepharitis; where
        # the archive has no answer on it, also when it talks about the question's own
        # particulars ("… difficulty or pain when swallowing" for "could esophagitis cause
        # muscle stiffness in the neck when swallowing?"); a question that names nothing the
        # archive or the dictionaries know keeps them all
        if u.focus:
            particular = set() if u.focus_records else described - _words(" ".join(names))
            # (not where the question names that condition only by the focus's own word:
            # "does a migraine last for days?" is not on familial hemiplegic migraine); and
            # one from an answer on a kind of the focus says which kind it is about: "The
            # usual features of scabies (itching and a rash) are often absent" is said of
            # crusted scabies, not of the scabies asked about, and tells what was asked
            # ("Ivermectin is commonly used to treat this form of scabies"), not only more
            # about that kind ("People with familial hemiplegic migraine experience an aura",
            # for "how long does it last?"), nor what that kind is unless it names what the
            # patient calls it ("Viral gastroenteritis is often mistakenly called stomach
            # flu"; "Ligneous conjunctivitis is a rare disorder …" says nothing of pink eye,
            # "Mollaret meningitis is a rare type of meningitis" nothing of meningitis)
            besides = [a for a in u.asks if a != "definition"]
            asked = set(key_of(request.question).split())  # (its words, looked up once)

            def named_apart(source: Source) -> bool:
                return named_beside(source, request.question, names)

            def calls(c: _Candidate) -> bool:
                """Whether it names the focus as the patient does, apart from the kind's
                own name: "stomach flu", not "meningitis" in "Mollaret meningitis"."""
                said = u.named or ""
                return names_any(c.text, [said]) and not named_in(top[c.source - 1], said)

            other = [
                c
                for c in other
                if (
                    self._pair_names_itself(c.text, names)
                    or (named_apart(top[c.source - 1]) and not narrower(top[c.source - 1], keys))
                    or (
                        particular & _words(c.text)
                        and not self._on_an_unasked_condition(c.text, asked)
                    )
                )
                and (
                    not narrower(top[c.source - 1], keys)
                    or (
                        names_own(top[c.source - 1], c.text)
                        and ask_of(c.text, u.asks if calls(c) else besides, names)
                    )
                )
                # nor, where the focus has answers of its own, what is said of another
                # condition's patients: "Fever is a medical emergency in SCD"
                and not (u.focus_records and self._names_another(c.text, u, anywhere=True))
                # nor, for what the focus is, what another condition is: "Chromoblastomycosis
                # is a chronic fungal infection …" for "can it be a fungal infection?"
                and not (
                    "definition" in u.asks
                    and says_what_it_is(c.text, [top[c.source - 1].focus or ""])
                    and not named_apart(top[c.source - 1])
                    and not (narrower(top[c.source - 1], keys) and calls(c))
                )
            ]
        # nor advice given to another condition's patients: "Take a short course of an
        # antibiotic when symptoms appear" (on urinary tract infections) for a question on
        # taking Tylenol with an antibiotic (a pointer to one's doctor may stay)
        other = [
            c
            for c in other
            if not _IMPERATIVE.match(c.text) or SEEK_CARE.search(c.text) or _ASK_YOURS.match(c.text)
        ]
        # nor one that speaks of "this vaccine" its own answer named before: "Because many
        # people get pneumonia after having the flu, this vaccine also helps prevent
        # pneumonia" (K-QA 97) stands on a page on the flu with no vaccine named; nor what
        # is said of a medicine the question does not name, and of none it names: "As with
        # bromocriptine therapy, nausea and dizziness are possible side effects …" (K-QA 24,
        # on taking a nausea prescription with Dramamine)
        medicines = medicines_named(u.question or request.question)
        return [
            c
            for c in other
            if not _this_one(c.text) and not _of_another_medicine(c.text, medicines)
        ]

    def _on_an_unasked_condition(self, text: str, asked: set[str]) -> bool:
        """Whether ``text`` opens on a condition the question says no word of: on "What is
        the most common cause of dysuria in young, sexually active, healthy men?", "Hematuria
        can be caused by menstruation, vigorous exercise, sexual activity, …" shares the
        question's "sexual" and is about another condition ("If you have a swallowing
        disorder, you may have difficulty or pain when swallowing" is about what it asks, and
        "Urinalysis is testing of a urine sample" about a test); ``asked``: the question's
        words (:func:`key_of`)."""
        assert self.archive is not None
        named = [f.surface for f in self.archive.foci().find(text) if _is_disease(f.name)]
        return any(not set(key_of(n).split()) & asked and opens_with(text, [n]) for n in named)

    def _names_itself(self, text: str, names: Sequence[str]) -> bool:
        """Whether ``text`` names one of ``names`` (the focus) other than inside the longer
        name of another condition: not "herpes" in "Herpes zoster oticus …", nor
        "conjunctivitis" in "Ligneous conjunctivitis most often occurs …" (but "acute
        bronchitis" is bronchitis: a common kind's words do not make another condition)."""
        assert self.archive is not None
        longer = [
            m.span()
            for f in self.archive.foci().find(text)
            for m in re.finditer(re.escape(f.surface), text, re.I)
            if _another(m.group(), names)
        ]
        return any(
            not any(
                a <= m.start() and m.end() <= b and b - a > m.end() - m.start() for a, b in longer
            )
            for n in names
            if n
            for m in re.finditer(rf"\b{re.escape(n)}\b", text, re.I)
        )

    def _pair_names_itself(self, text: str, names: Sequence[str]) -> bool:
        """:meth:`_names_itself` for a sentence or a pair, whose first sentence says what it
        is about where it names another condition by the focus's word: "Serologic diagnosis
        of Lujo hemorrhagic fever … However, individuals … displaying fever, …" is not on
        fever ("As damage to the thyroid continues, … Other signs and symptoms resulting from
        an underactive thyroid …" is on it)."""
        first = split_sentences(text)[0]
        if names_any(first, names):
            return self._names_itself(first, names)
        return self._names_itself(text, names)

    def _names_another(self, text: str, understood: Understanding, anywhere: bool = False) -> bool:
        """Whether ``text``, after the focus it opens with (``anywhere``: in any place), says
        it of the patients of another condition the archive has answers on: "Fever is a
        medical emergency in SCD", "All caretakers of … children with SCD should …" (not "An
        abscess usually is treated with antibiotics": a medicine, no condition; nor, in any
        place, a kind of the focus, which says which kind: "People with crusted scabies …",
        nor a condition the question names too: "… earlier in people who have diabetes" for
        "the best hypertension treatment for patients who are also diabetic")."""
        assert self.archive is not None
        rest = text if anywhere else after_opening(text, understood.focus_names) or ""
        patients = _AMONG_PATIENTS if anywhere else _OF_PATIENTS
        for found in self.archive.foci().find(rest):
            words = set(key_of(found.surface).split())
            if (
                found.records
                and found.name != understood.focus
                and not is_medicine(found.name)
                and not (
                    anywhere
                    and (
                        any(set(key_of(n).split()) <= words for n in understood.focus_names if n)
                        or found.name in understood.other_foci
                    )
                )
                and re.search(rf"\b{patients}{re.escape(found.surface)}\b", rest, re.I)
            ):
                return True
        return False

    def _gaps(
        self,
        understood: Understanding,
        topic: str | None,
        sections: Sequence[Section],
        missing: Sequence[Ask],
        unexplained: Sequence[str],
        fill: dict[str, object],
        written: Mapping[str, str],
    ) -> list[DraftSentence]:
        """The conclusion's notes on what the draft cannot say: the focus or the medicines
        asked about that the archive has no answer on ("… no past answer on Lexapro
        (escitalopram)"; a medicine a quoted sentence names is not missing, and a focus one
        names is only mentioned), what is asked that no section answers, and the terms left
        unexplained."""
        t = self.templates
        notes = []
        member = understood.member
        lacking = (
            understood.unanswered
            or understood.medicines_unanswered
            or understood.levels_unanswered
            or member
        )
        in_quotes = _quoted_names(sections) if lacking else frozenset()
        unknown = [m for m in understood.medicines_unanswered if m[1] not in in_quotes]
        # a level the question gives (a test's result) is no pharmacist's question: "Is low
        # lipase related to pancreatic cancer …?" (K-QA 104)
        for level in [m for m in understood.levels_unanswered if m[1] not in in_quotes]:
            said = {**fill, "missing": as_named(*level)}
            notes.append(_template(t.fill("no_answer_on_condition", **said)))
        focus = (understood.named or understood.focus or "", understood.focus or "")
        if understood.unanswered:
            said = {**fill, "missing": understood.unanswered}
            if focus[1] in in_quotes:  # quoted from answers on other topics
                notes.append(_template(t.fill("no_answer_mentioned", **said)))
            elif is_medicine(focus[1]):
                unknown.insert(0, focus)
            else:  # a condition is no pharmacist's question ("Premature Ejaculation" as
                # running text writes it)
                said["missing"] = as_written(understood.unanswered, [])
                notes.append(_template(t.fill("no_answer_on_condition", **said)))
        if unknown:  # medicines, to ask a doctor or pharmacist about
            names = [as_named(asked, name) for asked, name in unknown]
            key = "no_answer_on" if len(names) == 1 else "no_answer_on_several"
            what = " and ".join([", ".join(names[:-1]), names[-1]] if names[1:] else names)
            # one of a class the quoted sentences speak of: "Bactrim … is one of the
            # antibiotics" where "If you are sick or taking antibiotics, it can multiply …"
            group = medicine_classes().class_of(unknown[0][1]) if len(unknown) == 1 else None
            said = {**fill, "missing": what}
            if group and _names_class(group, sections, in_quotes):
                key, said = "no_answer_in_class", {**said, "other": group.lower()}
            notes.append(_template(t.fill(key, **said)))
        # (with no topic, "what it is" names nothing: "do you use a different dosage?")
        missing = [a for a in missing if topic or a != "definition"]
        if understood.unnamed_medicine:
            notes.append(_template(t.fill("unnamed_medicine", **fill)))
        elif missing and not understood.unanswered:
            what = ", ".join(ASK_WORDS[a] for a in missing)
            key = "missing" if topic else "missing_no_topic"
            notes.append(_template(t.fill(key, **{**fill, "missing": what})))
        # (not a name the quoted answers give the focus: "Eczema is also called dermatitis"
        # for "Is this dermatitis or eczema again?")
        told = [s.text for x in sections for s in x.sentences if s.source_id]
        quoted = " ".join(told)
        for name in understood.also_unanswered:  # "… and a mouth ulcer"
            if not _called(quoted, name):
                notes.append(_template(t.fill("missing_no_topic", **{**fill, "missing": name})))
        asked = [*unknown, focus] if understood.unanswered else unknown
        named = {key_of(n) for pair in asked for n in pair}
        # (nor a term a quoted sentence says what it is: "Nausea is an uneasy or unsettled
        # feeling in the stomach …")
        words = [
            w
            for w in unexplained
            if key_of(lexicon().canonical(w) or w) not in named
            and not _called(quoted, w)
            and not _kind_called(quoted, w)
            and not _glossed(quoted, w)
            and not any(says_what_it_is(x, [w]) for x in told)
            # (nor a medicine of the class the page is on: "one of the antibiotics" says it)
            and not (member and medicine_classes().class_of(w) == understood.focus)
        ]
        if words:
            listed = ", ".join(f'"{w}"' for w in words)
            notes.append(_template(t.fill("unexplained", **{**fill, "missing": listed})))
        if member and understood.focus and member[1] not in in_quotes:
            # a medicine's class, in general (where no quoted sentence names the medicine)
            general = {**fill, "topic": understood.focus.lower(), "other": understood.member_named}
            notes.append(_template(t.fill("class_in_general", **general)))
        # a question about a child, where no quoted answer speaks of children
        if understood.particulars.child and understood.focus and not names_children(quoted):
            on = written.get(understood.focus, understood.focus)
            notes.append(_template(t.fill("not_children", **{**fill, "topic": on})))
        return notes

    def _heading(
        self, ask: str, on: str | None, fill: dict[str, object], written: Mapping[str, str]
    ) -> str:
        """A section's heading; ``on``: named for the condition it is about, where the
        question asks about two ("Treatment and care: canker sores"); conditions as
        ``written`` in running text, the heading's first letter a capital ("About gout")."""
        named = written.get(on, on) if on else None
        heading = self.templates.fill(
            _HEADING_KEY[ask], **{**fill, "topic": named or fill["topic"]}
        )
        if named is not None and ask != "definition":  # "About HPV" names it already
            heading = self.templates.fill(
                "heading_on", **{**fill, "heading": heading, "topic": named}
            )
        return _capitalized(heading)

    def _also(
        self, planned: PlannedSection, fill: dict[str, object], written: Mapping[str, str]
    ) -> Section:
        return Section(
            kind="explanation",
            heading=self._heading(planned.ask, planned.focus, fill, written),
            sentences=tuple(quoted(q.text, q.record_id) for q in planned.quotes),
            ask=planned.ask,
        )

    def _same_meaning(self, first: str, second: str, near: bool = False) -> bool:
        """Whether the model reads two sentences as saying the same (:data:`SAME_MEANING`);
        ``near``: or ``second`` says little beside what ``first`` says, with the same numbers
        and negations (:data:`NEAR_MEANING`)."""
        vectors = self.embedder.embed([first, second])
        cosine = float(vectors[0] @ vectors[1])
        return cosine >= SAME_MEANING or (
            near
            and cosine >= NEAR_MEANING
            and _repeated(_words(second), [_words(first)]) >= HELD
            and _NUMBER.findall(first) == _NUMBER.findall(second)
            and len(_NEGATION.findall(first)) == len(_NEGATION.findall(second))
        )

    # choosing sentences
    def _choose(
        self,
        request: DraftRequest,
        sources: list[Source],
        quoted: Sequence[str] = (),
        focus_keys: set[str] | None = None,
        asks: Sequence[str] = (),
        records: Mapping[str, Record] | None = None,
    ) -> list[_Candidate]:
        """The most relevant, least redundant candidates; ``quoted`` sentences are already
        on the page, so their near-repeats are not picked. A sentence from an answer on the
        question's focus (``focus_keys``), or from a page with no focus (a doctor's Q&A), may
        be a little less close if it names several of the request's words; one from an answer
        on another condition must be close. ``records``: the sources' records, where read."""
        candidates = [
            c
            for c in self._candidates(request, sources, asks, records or {})
            if not any(q in c.text for q in quoted)
        ]
        if not candidates:
            return []
        # (a reply that says nothing of its own, "No.", would only pull every sentence away)
        said_more = request.reply if request.reply and _words(request.reply) else None
        query = [request.question] + ([said_more] if said_more else [])
        vectors = self.embedder.embed([c.text for c in candidates] + query)
        n = len(candidates)
        cand, targets = vectors[:n], vectors[n:]
        # how much of a candidate's words a sentence already on the page says (by words, not
        # by the model: each sentence the model reads costs the draft about 10 ms)
        on_page = [_words(q) for q in quoted]
        said = np.array([_repeated(_words(c.text), on_page) for c in candidates])
        # close to the question and to the doctor's reply the draft explains; a little less
        # close will do for a sentence on the focus that names several of their words (not
        # for one on any other condition: "high-grade cancer" beside a benign calcified lump)
        relevance = (cand @ targets.T).mean(axis=1)
        wanted = _words(" ".join(query))
        keys = focus_keys or set()

        def near(c: _Candidate) -> bool:  # a site page has no focus: it may be on it
            on = on_focus(sources[c.source - 1], keys)
            return on and len(_words(c.text) & wanted) >= SHARED

        keep = [
            i
            for i in np.argsort(-relevance)
            if relevance[i] >= self.min_relevance
            or (relevance[i] >= self.min_relevance - NEAR and near(candidates[i]))
        ]
        # of two equally relevant sentences, the plainer one (reading grade above 8 costs)
        hard = {i: max(0.0, reading_grade(candidates[i].text) - 8.0) for i in keep}
        picked: list[int] = []
        for _ in range(min(self.max_sentences, len(keep))):
            best, best_value = -1, -np.inf
            for i in keep:
                if i in picked:
                    continue
                redundancy = max(
                    float(np.max(cand[picked] @ cand[i])) if picked else 0.0, float(said[i])
                )
                if redundancy > 0.9:
                    continue  # a near-repeat of a chosen sentence
                value = (
                    self.mmr_lambda * relevance[i]
                    - (1 - self.mmr_lambda) * redundancy
                    - PLAINNESS * hard[i]
                )
                if value > best_value:
                    best, best_value = i, value
            if best < 0:
                break
            picked.append(best)
        return [candidates[i] for i in picked]

    def _candidates(
        self,
        request: DraftRequest,
        sources: list[Source],
        asks: Sequence[str],
        records: Mapping[str, Record],
    ) -> list[_Candidate]:
        """Usable sentences of the sources' replies and matched explanation passages (never
        of another patient's question), the ``max_candidates`` sharing most words with the
        request first; telling what is asked (``asks``: a treatment for "the oral option to
        get rid of scabies") counts as one more word shared, as the question's words for it
        ("get rid of") are seldom the answer's ("Ivermectin is commonly used to treat …")."""
        wanted = _words(f"{request.question} {request.reply or ''}")
        told = [a for a in asks if a != "definition"]
        out: list[tuple[float, int, _Candidate]] = []
        seen = {s.lower() for s in split_sentences(request.reply or "")}  # already in the opening
        for n, source in enumerate(sources, start=1):
            # a passage holds its answer's lists without their bullets: the items that are no
            # sentences are found in the answer (``records``: "Patch phase: Thin, reddened, …")
            record = records.get(source.record_id)
            items = list_items(record) if record else frozenset()
            names = tuple(names_of(source.focus)) if source.focus else ()
            texts = [
                source.reply or "",
                *(p.text for p in source.passages if p.kind == "explanation"),
            ]
            for text in texts:
                previous: tuple[str, int] | None = None  # a usable sentence and its end
                for start, end in sentence_spans(text, run_together=True):
                    raw = text[start:end]
                    sentence = strip_label(_LIST_MARK.sub("", raw))
                    if (
                        not _usable(sentence)
                        or sentence.lower() in seen
                        or item_fragment(text, start, sentence)
                        or any(
                            sentence == i or (len(i.split()) > 2 and sentence.endswith(i))
                            for i in items
                        )
                    ):
                        previous = None
                        continue
                    if standalone(sentence):
                        previous = (sentence, end)
                    elif (
                        previous is not None
                        and standalone(sentence, after_predecessor=True)
                        and sentence == raw
                        and text[previous[1] : start] == " "
                        and len(previous[0].split()) + len(sentence.split()) <= 60
                        and refers_back(sentence, previous[0])
                    ):
                        # it leans on its predecessor: it comes with it (verbatim), or not at
                        # all; the pair replaces the predecessor alone, so neither repeats
                        out = [o for o in out if o[2].text != previous[0] or o[2].source != n]
                        sentence, previous = f"{previous[0]} {sentence}", None
                    else:
                        previous = None
                        continue
                    seen.add(sentence.lower())
                    words = _words(sentence)
                    shared = len(words & wanted) + bool(ask_of(sentence, told, ()))
                    overlap = shared / (len(words) ** 0.5 or 1.0)
                    answers = ASK_OF_TYPE.get(source.question_type or "information")
                    answers = None if answers == "definition" else answers
                    candidate = _Candidate(sentence, n, source.record_id, answers, names)
                    out.append((-overlap, len(out), candidate))
        return [c for _, _, c in sorted(out)[: self.max_candidates]]

    # arranging sections
    def _sections(
        self, request: DraftRequest, chosen: Sequence[_Candidate], topic: str | None, count: int
    ) -> list[Section]:
        t = self.templates
        fill = {"topic": topic or "your health question", "count": count}
        if request.article:  # an editor's article on a topic: no "your question"
            opening = [_template(t.fill("opening_article", **fill))]
        else:
            opening = [_template(t.fill("opening" if topic else "opening_no_topic", **fill))]
        if request.reply:
            opening.append(_template(t.fill("opening_reply", **fill)))
            opening += [
                DraftSentence(text=s, origin="reply") for s in split_sentences(request.reply)
            ]
        elif not request.article:
            opening.append(_template(t.fill("opening_no_reply", **fill)))
        sections = [Section(kind="opening", sentences=tuple(opening))]

        flags = detect_red_flags(request.question)
        if flags:
            escalation = tuple(_template(f.escalation) for f in flags)
            sections.append(
                Section(
                    kind="escalation",
                    heading=t.fill("heading_escalation", **fill),
                    sentences=escalation,
                )
            )

        groups: dict[str, list[DraftSentence]] = {
            name: [] for name in ("about", *TOPICS, "seek_care")
        }
        for c in chosen:
            sentence = DraftSentence(
                text=c.text, citations=(c.source,), origin="source", source_id=c.record_id
            )
            groups[section_of(c.text)].append(sentence)
        for name in ("about", *TOPICS):
            if groups[name]:
                heading = t.fill(f"heading_{name}", **fill)
                sections.append(
                    Section(kind="explanation", heading=heading, sentences=tuple(groups[name]))
                )
        seek = [*groups["seek_care"], _template(t.fill("seek_care_generic", **fill))]
        sections.append(
            Section(
                kind="seek_care", heading=t.fill("heading_seek_care", **fill), sentences=tuple(seek)
            )
        )
        closing = (
            _template(t.fill("conclusion" if count else "conclusion_no_sources", **fill)),
            _template(t.fill("conclusion_ask", **fill)),
        )
        sections.append(
            Section(
                kind="conclusion", heading=t.fill("heading_conclusion", **fill), sentences=closing
            )
        )
        return sections


def without_repeats(
    sections: list[Section], same: Callable[[str, str, bool], bool] | None = None
) -> list[Section]:
    """The page with no quoted sentence that says again what one above it said: "Symptoms
    usually go away within a few days." under "… not dangerous, and symptoms usually go away
    within a few days." (two answers of the archive often share a sentence, or most of it);
    nor a pair whose first sentence does ("Genital herpes is a sexually transmitted disease
    (STD). It affects …" under "Genital herpes is a sexually transmitted disease (STD)
    caused by …"): its second leans on it. Nor a second answer's saying what the same thing
    is in much the same words: "Hemorrhoids are swollen blood vessels in and around the anus
    and lower rectum" under "Hemorrhoids are swollen, inflamed veins around the anus or lower
    rectum". Nor, where ``same`` tells two sentences that share most words mean the same,
    one that says it again in other words: "Scabies can spread rapidly under crowded
    conditions where close body and skin contact is frequent" under "Scabies spreads quickly
    in crowded conditions where there is frequent skin-to-skin contact between people"; in
    one section, one that says little beside it (``same``'s third argument)."""
    said: list[set[str]] = []
    told: list[str] = []  # the kept sentences, as ``said`` holds their words
    defined: dict[str, list[set[str]]] = {}  # what a sentence says is what, in what words
    out: list[Section] = []
    for section in sections:
        kept = []
        here = len(told)  # where this section's kept sentences start in ``told``
        dropped: str | None = None  # the source of a repeat just left out
        for sentence in section.sentences:
            words = _words(sentence.text)
            lead = split_sentences(sentence.text)[0]  # of a pair, the sentence it leans on
            lead_words = _words(lead)
            subject = _DEFINES.match(lead)
            named = subject.group(1).lower() if subject else ""
            # (one thing by two names, "Underactive thyroid is …" after "Hypothyroidism is …":
            # what each says of it is compared, not what it is called)
            thing = key_of(lexicon().canonical(named) or named)
            alike = defined.setdefault(thing, []) if named not in _PRONOUNS else []
            said_of = _words(lead[subject.end(1) :]) | {thing} if subject else lead_words
            if sentence.origin == "source" and (
                _repeated(words, said) >= REPEATED
                or _repeated(lead_words, said) >= REPEATED
                or _repeated(said_of, alike) >= DEFINED_AGAIN
                # what leans on a left-out repeat goes with it ("He or she also may …")
                or (sentence.source_id == dropped and not standalone(sentence.text))
                or (
                    same is not None
                    and any(
                        _repeated(words, [w]) >= ALIKE and same(t, sentence.text, i >= here)
                        for i, (w, t) in enumerate(zip(said, told, strict=True))
                    )
                )
            ):
                dropped = sentence.source_id
                continue
            dropped = None
            said.append(words)
            told.append(sentence.text)
            alike.append(said_of)
            kept.append(sentence)
        if kept or section.kind != "explanation":
            out.append(section.model_copy(update={"sentences": tuple(kept)}))
    return out


def _merged(sections: list[Section]) -> list[Section]:
    """Sections with one heading made one, where the first stands: the medicine asked about
    and the treatment are both "Treatment and care", though "About Antibiotics" comes between
    them."""
    out: list[Section] = []
    for section in sections:
        same = next(
            (
                at
                for at, o in enumerate(out)
                if (o.heading, o.kind) == (section.heading, section.kind)
            ),
            None,
        )
        if same is None or section.heading is None:
            out.append(section)
        else:
            joined = (*out[same].sentences, *section.sentences)
            out[same] = out[same].model_copy(update={"sentences": joined})
    return out


def _cited_only(
    chosen: list[_Candidate], sources: list[Source]
) -> tuple[list[_Candidate], list[Source]]:
    """Keeps the sources that sentences cite, numbered by first citation."""
    order = list(dict.fromkeys(c.source for c in chosen))
    number = {old: new for new, old in enumerate(order, start=1)}
    renumbered = [replace(c, source=number[c.source]) for c in chosen]
    return renumbered, [sources[old - 1] for old in order]


def _usable(sentence: str) -> bool:
    words = len(sentence.split())
    return (
        6 <= words <= 45
        and sentence.rstrip()[-1:] in {".", "!"}
        and not BOILERPLATE.search(sentence)
        and not CONTEXT_BOUND.search(sentence)
        and balanced(sentence)
    )


_DETERMINER = re.compile(r"^(?:this|these|that|those|such)\s+([a-z]+)", re.I)
_RESOLVES_ANYWAY = re.compile(
    r"^(is|are|was|were|can|may|might|will|would|could|should|has|have|had|does|do|"
    r"include\w*|mean\w*|help\w*|happen\w*|occur\w*|cause\w*|make\w*|lead\w*|"
    r"usually|often|also|typically|generally|"
    # nouns that name what the predecessor said as a whole ("… salts in a tissue. This
    # process can occur …")
    r"process|condition|disease|disorder|problem|changes?|situation|state|findings?|"
    r"phenomenon|effects?)$",
    re.I,
)


def refers_back(sentence: str, predecessor: str) -> bool:
    """Whether "This test …" finds its test in the predecessor ("These include …", "It …"
    need no noun): a pair is quoted only when the reference resolves inside it."""
    match = _DETERMINER.match(sentence)
    if match is None or _RESOLVES_ANYWAY.match(match.group(1)):
        return True
    return bool(_words(match.group(1)) & _words(predecessor)) or len(match.group(1)) < 3


def _repeated(words: set[str], others: Sequence[set[str]]) -> float:
    """The largest share of ``words`` that one of ``others`` holds."""
    return max((len(words & o) / len(words) for o in others), default=0.0) if words else 0.0


def _count(text: str) -> int:
    return len(text.split())


def _within(chosen: Sequence[_Candidate], budget: int) -> set[_Candidate]:
    """The candidates, best first, that fit in ``budget`` words."""
    kept: set[_Candidate] = set()
    for c in chosen:
        if _count(c.text) <= budget:
            kept.add(c)
            budget -= _count(c.text)
    return kept


def _words(text: str) -> set[str]:
    return {w for w in _STEM.stemWords(re.findall(r"[a-z]{3,}", text.lower())) if w not in _STOP}


PLAINNESS = 0.01  # relevance given up per reading grade above 8
NEAR, SHARED = 0.08, 2  # how much less relevance, on the focus, naming this many request words
REPEATED = 0.9  # a sentence whose words one above it already holds to this share is a repeat
DEFINED_AGAIN = 0.7  # a second "X is …" whose words one above holds to this share repeats it
# a sentence whose words one above holds to this share, and whose meaning the model finds this
# close to it (cosine), says it again: every K-QA pair at 0.92 or more was a repeat; below it,
# "Acute bronchitis lasts from a few days to 10 days" (0.89) beside "… a persistent cough,
# which may last 10 to 20 days" says something else
ALIKE, SAME_MEANING = 0.6, 0.92
# … or, with the same numbers, whose words one above holds to this share and whose meaning is
# this close: "Physicians often prescribe high doses of … (NSAIDs) or steroids for a sudden
# attack of gout" (0.86) under "The most common treatments for an attack of gout are high
# doses of … (NSAIDs) …, or corticosteroids, …"
HELD, NEAR_MEANING = 0.7, 0.85
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NEGATION = re.compile(r"\b(?:not|no|never|without)\b|n't\b", re.I)
# a sentence that says what something is, and of what: "Hemorrhoids are …", "A urinalysis is
# …" (urinalysis), "Insomnia (in-SOM-ne-ah) is …" (insomnia), "Having diarrhea means …"
_DEFINES = re.compile(
    r"(?:the |an? |having )?([\w'-]+(?: [\w'-]+){0,3}?)(?: \([^()]*\))? (?:is|are|means) "
    r"(?:an? |the )?\w",
    re.I,
)
# subjects that name nothing by themselves ("It is …")
_PRONOUNS = frozenset({"", "it", "this", "that", "they", "these", "those", "there", "he", "she"})
BOTH_AND_ONE = 3  # conditions a sentence comparing two may name: the two and one more
MORE = 5  # sentences under "More from answers to similar questions", at most
MAX_WORDS = 600  # a page's length at most (the site's More Info runs 250-600 words)
FRAME_WORDS = 90  # the opening, "when to seek care" and closing lines, about


def _is_disease(name: str) -> bool:
    """Whether the dictionaries know ``name`` as a condition (not "Urinalysis", a test)."""
    concept = lexicon().concept(name)
    return concept is not None and concept.kind == "disease"


def _of_another_medicine(text: str, asked: set[str]) -> bool:
    """Whether ``text`` names medicines, none of which the question that names some
    (``asked``, :func:`medicines_named`) names ("fertility drugs" are not allopurinol; a question
    that names none may be asking which: "what is the oral option to get rid of scabies?")."""
    said = medicines_named(text) if asked else set()
    return bool(said) and not said & asked


def _this_one(text: str) -> bool:
    """Whether ``text`` speaks of "this vaccine", "these drugs", … that it does not name
    before: what its own answer named (not "If you take a vaccine, this vaccine …")."""
    for match in _THIS_ONE.finditer(text):
        if match.group(2).lower()[:5] not in text[: match.start()].lower():
            return True
    return False


# what an answer names and then calls "this …"
_THIS_ONE = re.compile(
    r"\b(this|these|that|those) (vaccines?|medicines?|medications?|drugs?|tests?|procedures?|"
    r"treatments?|surger(?:y|ies)|therap(?:y|ies)|products?|conditions?|diseases?|disorders?)\b",
    re.I,
)


def _replaced(section: Section, said: str, now: str) -> Section:
    """``section`` with its template sentence ``said`` written ``now``."""
    sentences = tuple(_template(now) if x.text == said else x for x in section.sentences)
    return section.model_copy(update={"sentences": sentences})


def _capitalized(heading: str) -> str:
    return heading[:1].upper() + heading[1:]


def _template(text: str) -> DraftSentence:
    return DraftSentence(text=text, origin="template")


# a sentence that tells the reader what to do ("Take …", "Avoid …"), not one whose subject
# merely looks like a verb ("Exercise can help", "Use of insecticide sprays is not …")
_IMPERATIVE = re.compile(
    r"^(take|avoid|do|don't|try|eat|ask|call|keep|wash|apply|get|make|give|put|wear|choose|"
    r"follow|tell|see|talk|be|go|let|never|always|remember|consider|protect|quit|reduce|clean|"
    r"lose|maintain|learn|find|store|bring|contact|drink|stop|use|limit|check|cut|increase|"
    r"rest|exercise)\b(?! (is|are|was|can|may|will|should|of|helps?|and)\b)",
    re.I,
)
_ASK_YOURS = re.compile(r"^ask your (doctor|pharmacist|health care provider)\b", re.I)
# what a question that names no condition may ask the conditions it could be about to answer
_DIFFERENTIAL_ASKS: tuple[Ask, ...] = ("causes", "definition", "seriousness", "symptoms")
# a question on how to do something ("How do I measure blood pressure?") is about no condition
# the patient may have, unlike "how do I know if …"
_HOW_TO = re.compile(r"^\W*how (do|can|should|would) (i|you|we|one) (?!know|tell)\b", re.I)
# what tells of the patient: "How do I care for my swollen toe?" (not "How do I measure …")
_OF_ME = re.compile(r"\b(my|me|i have|i've|i'm|i am|i feel|i got)\b", re.I)
_HEADING_KEY = {
    "definition": "heading_definition",
    "causes": "heading_causes",
    "symptoms": "heading_symptoms",
    "diagnosis": "heading_diagnosis",
    "treatment": "heading_treatment",
    "medication": "heading_treatment",
    "side_effects": "heading_side_effects",
    "outlook": "heading_outlook",
    "seriousness": "heading_outlook",
    "prevention": "heading_prevention",
    "inheritance": "heading_inheritance",
    "frequency": "heading_frequency",
}


def _particulars(plan: Plan) -> str:
    p = plan.understanding.particulars
    return "; ".join((*p.sizes, *p.durations))


# "in SCD", "for people with diabetes", "among those who have asthma"
_OF_PATIENTS = r"(?:in|with|for|among|during|has|have|had)\s+(?:\w+\s+){0,3}"
# the same, said of the patients anywhere in a sentence: "children with SCD", "who have SCD"
# (not "… when urinalysis indicates the man has a UTI", a test's finding)
_AMONG_PATIENTS = r"(?:in|with|among|(?:who|that) (?:have|has|had))\s+(?:\w+\s+){0,3}"


# the kinds of thing a sentence may say a term is, by naming it: "a contagious virus called
# herpes simplex virus"
_KINDS = (
    r"(virus|viruses|bacteri\w*|fung\w*|germs?|parasites?|mites?|worms?|medicines?|drugs?|"
    r"conditions?|diseases?|disorders?|hormones?|glands?|tests?|procedures?|proteins?|"
    r"substances?|infections?|tissues?|organs?)"
)


def _kind_called(text: str, name: str) -> bool:
    """Whether ``text`` says what kind of thing ``name`` is by naming it: "Cold sores are
    caused by a contagious virus called herpes simplex virus" says what herpes simplex is."""
    return _named_as(text, name, rf"{_KINDS}\s+(called|named|known as)")


def _called(text: str, name: str) -> bool:
    """Whether ``text`` says what ``name`` is another name of: "Eczema is also called
    dermatitis", "… also known as dermatitis", "Conjunctivitis is the medical name for pink
    eye"."""
    said = (
        r"(also called|also known as|sometimes called|is the medical name for|is another name for)"
    )
    return _named_as(text, name, said)


def _glossed(text: str, name: str) -> bool:
    """Whether ``text`` writes out what the short form ``name`` stands for: "Human
    papillomaviruses (HPV) are common viruses …", "… an infection with humanpapilloma virus,
    or HPV"; "HPV infection" is written out where "HPV" is."""
    short = re.escape(re.sub(r"\s+(infections?|diseases?)$", "", name.strip(), flags=re.I))
    return re.search(rf"\w\s*\(\s*{short}\s*\)|\w, or {short}\b", text, re.I) is not None


def _named_as(text: str, name: str, naming: str) -> bool:
    """Whether ``text`` gives ``name`` right after the words ``naming`` (a pattern)."""
    return re.search(rf"\b{naming}\s+(an? |the )?{re.escape(name)}\b", text, re.I) is not None


def _another(surface: str, names: Sequence[str]) -> bool:
    """Whether a condition's name that holds one of ``names`` names another condition than
    they do: "Herpes zoster oticus", "ligneous conjunctivitis"; not "acute bronchitis"."""
    words = set(key_of(surface).split())
    inside = [w for n in names if n and (w := set(key_of(n).split())) <= words]
    return not any(words - w <= COMMON_KIND for w in inside)


def _names_class(group: str, sections: Sequence[Section], in_quotes: frozenset[str]) -> bool:
    """Whether the quoted sentences of ``sections`` name the medicine class ``group``
    ("antibiotics" is the lexicon's anti-bacterial agents; "Pain Relievers" by its name)."""
    concept = lexicon().concept(group)
    if concept is not None:
        return concept.name in in_quotes
    said = [x.text for s in sections for x in s.sentences if x.origin == "source"]
    return any(names_any(text, [group]) for text in said)


def _quoted_names(sections: Sequence[Section]) -> frozenset[str]:
    """The lexicon names of what the quoted sentences of ``sections`` name (the doctor's reply
    is no answer from the archive)."""
    return frozenset(
        m.canonical
        for section in sections
        for sentence in section.sentences
        if sentence.origin == "source"
        for m in lexicon().find(sentence.text)
    )
