"""What every drafter does around the writing itself: retrieve sources, and build the page's
Similar Q&A and Related FAQ lists from them."""

from __future__ import annotations

import re
from collections.abc import Collection
from itertools import dropwhile, takewhile

from assistant.corpus.record import RelatedFAQ, SimilarQA
from assistant.drafting.arrange import look_alike, names_any, on_focus
from assistant.drafting.models import Draft, DraftRequest, Provenance, Section
from assistant.drafting.plan import standalone, strip_label
from assistant.retrieval import Filters, Retriever, Source
from assistant.text import split_sentences
from assistant.understanding import Understanding, key_of
from assistant.understanding.particulars import Particulars, for_another_patient

SOURCES = 6  # cited sources per draft
SIMILAR = 4  # "Similar Q&A" entries, as on the site
RELATED = 10  # "Related FAQ" topics, as on the site
_POOL = 14  # retrieved once, for all three lists
LISTED_MIN = 0.4  # a record found less close than this is not listed as similar or related


def retrieve(retriever: Retriever, request: DraftRequest) -> list[Source]:
    """One retrieval for the draft; the doctor's reply sharpens the query."""
    query = request.question if not request.reply else f"{request.question}\n{request.reply}"
    return retriever.search(query, _POOL, Filters(exclude_ids=request.exclude_ids))


def assemble(
    request: DraftRequest,
    pool: list[Source],
    sources: list[Source],
    sections: list[Section],
    provenance: Provenance,
    understanding: Understanding | None = None,
) -> Draft:
    """The draft around its sections: title, sources, Similar Q&A and Related FAQ (from the
    pool's relevant records, those on the question's focus first; never the question itself;
    only those on it when the question names a focus the archive has no answer on)."""
    names = understanding.focus_names if understanding else ()
    pool = listable(
        request,
        pool,
        names,
        only_named=bool(understanding and understanding.unanswered),
        particulars=understanding.particulars if understanding else Particulars(),
        read=understanding.question if understanding else None,
    )
    similar = similar_qa(pool)
    return Draft(
        request=request,
        title=draft_title(request, topic_of(request, pool[:SOURCES])),
        sections=sections,
        sources=sources,
        similar_qa=similar,
        related_faq=related_faq(pool, similar),
        provenance=provenance,
    )


def timings(started: float, retrieved: float, done: float) -> dict[str, float]:
    """Milliseconds spent retrieving and drafting, from ``time.perf_counter`` marks."""
    return {"retrieval": 1000 * (retrieved - started), "drafting": 1000 * (done - retrieved)}


def listable(
    request: DraftRequest,
    pool: list[Source],
    focus_names: Collection[str] = (),
    only_named: bool = False,
    particulars: Particulars | None = None,
    read: str | None = None,
) -> list[Source]:
    """The pool's records worth listing beside the draft: not the patient's own question (an
    archived copy of it), not one off the focus that the search found only faintly (dense
    similarity below ``LISTED_MIN``) or that is on a look-alike condition ("Necrotizing
    Fasciitis" for "plantar fasciitis"), and those on the question's focus first.
    ``only_named``: only those that name the focus (Blepharospasm is no page on blepharitis);
    none whose topic is for patients of another sex or age than the question's
    ``particulars`` ("Prostate Cancer" beside a woman's calf lump); where the question has a
    focus, none off it that shares no word of what the question (``read``: as understood)
    describes."""
    asked = _flat(request.question)
    names = list(focus_names)
    keys = {key_of(n) for n in names}

    def named(s: Source) -> bool:  # on the focus by name (not merely a page with no focus)
        return bool(keys and s.focus) and on_focus(s, keys)

    about = request.title or request.question
    # what the question describes, beyond what it asks, as read (misspelt names corrected),
    # and the focus's names: "How is COPD treated?" shares no word of it with "How is PID
    # treated?" (K-QA 62 listed COPD, Refsum disease and pili torti)
    described = _described(" ".join([read or request.question, *names])) if keys else frozenset()

    def shares(s: Source) -> bool:
        text = " ".join([s.display_title, s.question or "", *(p.text for p in s.passages)])
        return not described or bool(described & set(key_of(text).split()))

    kept = [
        s
        for s in pool
        if _flat(s.question) != asked
        and (named(s) or max((p.dense or 0.0 for p in s.passages), default=0.0) >= LISTED_MIN)
        and (named(s) or not look_alike(s, about))
        and (not only_named or named(s) or names_any(f"{s.display_title} {s.question}", names))
        and not (particulars and for_another_patient(s.display_title, particulars))
        and (named(s) or shares(s))
    ]
    return sorted(kept, key=lambda s: not named(s))


# question words that describe nothing, or only what is asked: "How am I supposed to …", "Is
# there anything …", "How is … treated?"
_NOT_DESCRIBING_TEXT = """
what when where which how why does did can could should would will there this that these those
with have has had about your you from they their them into just like some any much more very
been being after before because right now also really still only other than then want know get
got take took make need thing things time day days someone something anything everything good
bad okay supposed sure sort kind lot and the for are was were not but its all
treat treated treating treatment treatments cure cured option options help helps remedy
cause causes caused reason symptom symptoms sign signs test tests tested diagnose diagnosed
prevent prevention avoid risk medication medications medicine medicines drug drugs side effect
effects long last lasts serious normal worry differ different difference same mean means
disease diseases disorder disorders syndrome infection infections condition conditions problem
problems
"""
_NOT_DESCRIBING = frozenset(key_of(w) for w in _NOT_DESCRIBING_TEXT.split())


def _described(question: str) -> frozenset[str]:
    """The words (as :func:`key_of` writes them) a question describes its case with, not
    what it asks: "pid" of "How is PID treated?"."""
    words = key_of(question).split()
    return frozenset(w for w in words if len(w) > 2 and w not in _NOT_DESCRIBING)


def similar_qa(pool: list[Source]) -> list[SimilarQA]:
    """The first ``SIMILAR`` distinct questions of the pool: one archive question answered in
    several parts ("How to prevent Shingles ?", twice) is listed once, with the first part
    that has an answer to show; none whose question names nothing ("How to prevent ?"), nor
    one on research ("what research (or clinical trials) is being done for Shingles ?": its
    answer points to trials, not to what a patient asked)."""
    entries: dict[tuple[str, str], SimilarQA] = {}
    for s in pool:
        same = (s.display_title.lower(), _flat(s.question))
        listed = entries.get(same)
        if (
            _NO_FOCUS.search(s.question or "")
            or _RESEARCH.search(s.question or "")
            or (listed is None and len(entries) == SIMILAR)
            or (listed is not None and listed.reply_snippet)
        ):
            continue
        entries[same] = SimilarQA(
            title=s.display_title,
            question_snippet=_snippet(s.question, 200),
            doctor=s.doctor,
            specialty=s.specialty,
            reply_snippet=_snippet(s.reply or _answer_passage(s), 220),
            record_id=s.record_id,
        )
    return list(entries.values())


# an archive question whose focus the source left out of its template: "How to prevent ?",
# "What is (are) ?", "Who is at risk for ? ?"
_NO_FOCUS = re.compile(r"(\(are\)|\bfor|\bprevent|\bof)\s+\?", re.I)


_RESEARCH = re.compile(r"\bwhat research\b|\bclinical trials?\b", re.I)


def related_faq(pool: list[Source], similar: list[SimilarQA]) -> list[RelatedFAQ]:
    """Distinct topics of the wider pool (the focus, else the title), with their specialty;
    not a question ("How to prevent ?", an answer whose focus the source left out)."""
    seen = {q.title.lower() for q in similar}
    topics: list[RelatedFAQ] = []
    for s in pool:
        topic = (s.focus or s.title or "").strip()
        if topic and not topic.endswith("?") and topic.lower() not in seen:
            seen.add(topic.lower())
            topics.append(RelatedFAQ(topic=topic, specialty=s.specialty))
    return topics[:RELATED]


def topic_of(request: DraftRequest, sources: list[Source]) -> str | None:
    """The article's topic, or the focus two of the top three sources agree on."""
    if request.topic:
        return request.topic
    foci = [(s.focus or s.title or "").strip() for s in sources[:3]]
    for focus in foci:
        if focus and sum(f.lower() == focus.lower() for f in foci) >= 2:
            return focus
    return None


def draft_title(request: DraftRequest, topic: str | None) -> str:
    """The request's title, "Understanding <topic>", or the question's first sentence."""
    if request.title:
        return request.title
    if topic:
        return f"Understanding {topic}"
    first = (split_sentences(request.question) or [request.question])[0]
    return first if len(first) <= 90 else first[:87].rsplit(" ", 1)[0] + "..."


def _answer_passage(source: Source) -> str | None:
    """What an archived answer says: its best matched answer passage that opens on a sentence
    of its own, not the chunk that repeats its question ("Gout / What is (are) Gout ?"), nor
    one that opens on a pointer ("… NIAMS has more information about gout.") or on what came
    before it ("In this stage, the disease may have caused …")."""
    for passage in (p for p in source.passages if p.kind == "explanation"):
        # not the "Summary :" label, nor a question the answer opens on ("Have you ever had
        # the "stomach flu?"")
        sentences = [strip_label(s) for s in split_sentences(passage.text)]
        sentences = list(dropwhile(lambda s: s.rstrip("\"')").endswith("?"), sentences))
        if sentences and standalone(sentences[0]):
            # up to a list or a heading the source glued in ("… if you - Are a man - …")
            kept = takewhile(lambda s: standalone(s, after_predecessor=True), sentences)
            return " ".join(kept)
    return None


def _flat(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def _snippet(text: str | None, width: int) -> str | None:
    if not text:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width].rsplit(" ", 1)[0] + "..."
