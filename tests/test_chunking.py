"""Chunking real records with the real tokenizer: budgets, coverage, overlap, ids."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

import pytest

from assistant.corpus import Record, load
from assistant.corpus.headings import is_heading
from assistant.embeddings import MiniLMEmbedder
from assistant.index.chunking import Chunk, Chunker, explanation_units
from assistant.text import split_sentences
from tests.test_lists import INSOMNIA_RISK

REPO = Path(__file__).parents[1]
Counter = Callable[[Sequence[str]], list[int]]


@pytest.fixture(scope="module")
def count_tokens() -> Counter:
    return MiniLMEmbedder().count_tokens


@pytest.fixture(scope="module")
def site_record() -> Record:
    [record] = load(REPO / "data" / "site_page_example.txt", format="pages").records
    return record


@pytest.fixture(scope="module")
def medquad() -> list[Record]:
    records = load(REPO / "data" / "medquad.jsonl.gz", limit=200).records
    assert len(records) == 200
    return records


@pytest.fixture(scope="module")
def chunker(count_tokens: Counter) -> Chunker:
    return Chunker(count_tokens, max_tokens=200, overlap_sentences=1)


def _normal(text: str) -> str:
    return " ".join(text.split())


def _explanations(chunks: list[Chunk]) -> list[Chunk]:
    return [c for c in chunks if c.kind == "explanation"]


def _sentence_ranges(chunks: list[Chunk], sentences: list[str]) -> list[tuple[int, int]]:
    """For each chunk, (a, b) such that its passage is exactly ``sentences[a:b]`` joined
    (by spaces, or by newlines around headings).

    Each passage is looked for from where the previous one ended minus one sentence (the
    overlap) onwards, so sentences repeated elsewhere in the text are not mistaken for it.
    """
    ranges: list[tuple[int, int]] = []
    for chunk in chunks:
        first = ranges[-1][1] - 1 if ranges else 0
        ranges.append(_sentence_range(chunk.passage, sentences, first))
    return ranges


def _sentence_range(passage: str, sentences: list[str], first: int) -> tuple[int, int]:
    for a in range(first, len(sentences)):
        for b in range(a + 1, len(sentences) + 1):
            joined = " ".join(sentences[a:b])
            if _normal(joined) == _normal(passage):
                return a, b
            if len(joined) > len(passage):
                break
    raise AssertionError(f"passage is not a run of whole sentences: {passage[:80]!r}")


@pytest.mark.parametrize("max_tokens", [200, 64])
def test_site_page_chunks_fit_the_budget(
    count_tokens: Counter, site_record: Record, max_tokens: int
) -> None:
    chunks = Chunker(count_tokens, max_tokens=max_tokens).chunk(site_record)
    assert len(_explanations(chunks)) >= (3 if max_tokens == 200 else 10)
    sizes = count_tokens([c.text for c in chunks])
    assert max(sizes) <= max_tokens
    # the budget is used, not wasted: most chunks are well filled
    assert sorted(sizes)[len(sizes) // 2] > max_tokens // 2


def test_medquad_chunks_fit_the_budget(
    chunker: Chunker, count_tokens: Counter, medquad: list[Record]
) -> None:
    texts = [c.text for record in medquad for c in chunker.chunk(record)]
    assert len(texts) > 2 * len(medquad)
    assert max(count_tokens(texts)) <= 200


def test_chunk_zero_holds_title_question_and_reply(chunker: Chunker, site_record: Record) -> None:
    first = chunker.chunk(site_record)[0]
    assert first.kind == "question" and first.index == 0 and first.passage_start == 0
    assert site_record.title and site_record.reply
    assert first.text.startswith(site_record.title + "\n")
    assert _normal(site_record.question) in _normal(first.text)
    assert _normal(site_record.reply) in _normal(first.text)
    # and nothing of the long explanation
    assert "Dystrophic" not in first.text


def test_medquad_chunk_zero_holds_the_question(chunker: Chunker, medquad: list[Record]) -> None:
    for record in medquad:
        first = chunker.chunk(record)[0]
        assert first.kind == "question"
        assert _normal(record.question) in _normal(first.text)
        if record.title and record.title.lower() != record.question.lower():
            assert first.text.startswith(record.title)


def test_every_sentence_of_the_site_explanation_is_in_a_passage(
    chunker: Chunker, site_record: Record
) -> None:
    passages = [c.passage for c in _explanations(chunker.chunk(site_record))]
    assert site_record.long_explanation
    for sentence in split_sentences(site_record.long_explanation):
        assert any(sentence in p for p in passages), sentence


def test_every_sentence_or_word_of_medquad_explanations_is_in_a_passage(
    chunker: Chunker, count_tokens: Counter, medquad: list[Record]
) -> None:
    cut = 0
    for record in medquad:
        passages = [c.passage for c in _explanations(chunker.chunk(record))]
        assert passages and record.long_explanation
        sentences = explanation_units(record)
        for sentence, size in zip(sentences, count_tokens(sentences), strict=True):
            if any(sentence in p for p in passages):
                continue
            # only a sentence too long for one chunk may be cut, and then into whole words
            assert size > 200 - count_tokens([record.display_title])[0], sentence[:80]
            cut += 1
            words = set(" ".join(passages).split())
            assert set(sentence.split()) <= words
    assert cut < 20


def test_site_explanation_chunks_overlap_by_one_sentence(
    chunker: Chunker, site_record: Record
) -> None:
    assert site_record.long_explanation
    sentences = split_sentences(site_record.long_explanation)
    ranges = _sentence_ranges(_explanations(chunker.chunk(site_record)), sentences)
    assert len(ranges) >= 3
    assert ranges[0][0] == 0 and ranges[-1][1] == len(sentences)
    for (_, end), (start, _) in pairwise(ranges):
        assert start == end - 1


def test_medquad_explanation_chunks_overlap_by_one_sentence(
    chunker: Chunker, count_tokens: Counter, medquad: list[Record]
) -> None:
    checked = 0
    for record in medquad:
        sentences = explanation_units(record)
        # two sentences of at most 60 tokens always fit a chunk together, so overlap is assured
        if not sentences or max(count_tokens(sentences)) > 60:
            continue
        ranges = _sentence_ranges(_explanations(chunker.chunk(record)), sentences)
        assert ranges[0][0] == 0 and ranges[-1][1] == len(sentences)
        for (_, end), (start, _) in pairwise(ranges):
            assert start == end - 1, record.id
            checked += 1
    assert checked > 50


def test_chunk_ids_are_record_id_and_index_and_stable(
    count_tokens: Counter, medquad: list[Record], site_record: Record
) -> None:
    for record in [site_record, *medquad[:50]]:
        first = Chunker(count_tokens).chunk(record)
        again = Chunker(count_tokens).chunk(record)
        assert first == again
        assert [c.id for c in first] == [f"{record.id}::{i}" for i in range(len(first))]
        assert all(c.record_id == record.id for c in first)
    ids = [c.id for record in medquad for c in Chunker(count_tokens).chunk(record)]
    assert len(ids) == len(set(ids))


def test_passage_excludes_the_title_prefix(chunker: Chunker, site_record: Record) -> None:
    title = site_record.display_title
    for chunk in _explanations(chunker.chunk(site_record)):
        assert chunk.passage_start == len(title) + 1
        assert chunk.text == f"{title}\n{chunk.passage}"
        assert not chunk.passage.startswith(title)
        assert chunk.passage == chunk.passage.strip()


def test_a_record_without_explanation_gives_one_chunk(chunker: Chunker) -> None:
    record = Record(
        id="site:short",
        title="Knee pain after running?",
        question="My knee hurts after I run. Should I rest?",
        reply="Rest for a week. See a doctor if it swells.",
    )
    [chunk] = chunker.chunk(record)
    assert chunk.kind == "question" and chunk.id == "site:short::0"
    assert chunk.text == (
        "Knee pain after running?\nMy knee hurts after I run.\nShould I rest?\n"
        "Rest for a week.\nSee a doctor if it swells."
    )


def test_a_thousand_word_sentence_is_cut_into_chunks_within_budget(
    chunker: Chunker, count_tokens: Counter
) -> None:
    # uneven words (short ones, then long rare ones) so tokens per word vary a lot
    words = [
        f"pneumonoultramicroscopicsilicovolcanoconiosis{i}" if i % 250 > 200 else f"a{i}"
        for i in range(1000)
    ]
    title = (
        "Understanding calcified subcutaneous masses in the calf: dystrophic calcification, "
        "calcified lipomas, fibromas, cysts and chronic inflammatory conditions"
    )
    assert 35 < count_tokens([title])[0] <= 50  # long, but still used as the prefix
    record = Record(
        id="long:1", title=title, question="What is it?", long_explanation=" ".join(words) + "."
    )
    explanations = _explanations(chunker.chunk(record))
    assert len(explanations) >= 5
    assert max(count_tokens([c.text for c in explanations])) <= 200
    assert all(c.text.startswith(title + "\n") for c in explanations)
    # every word is kept, in order, each window a contiguous run of the sentence
    position = 0
    seen: set[str] = set()
    for chunk in explanations:
        run = chunk.passage.split()
        start = words.index(run[0].rstrip("."))
        assert start <= position
        assert [w.rstrip(".") for w in run] == words[start : start + len(run)]
        position = start + len(run)
        seen.update(w.rstrip(".") for w in run)
    assert seen == set(words)


def test_a_long_sentence_under_a_long_title_still_fits(
    chunker: Chunker, count_tokens: Counter
) -> None:
    # a title of ~45 tokens is still used as the prefix (up to a quarter of the budget), so a
    # sentence that fits on its own (~165 tokens) must be cut to fit beside it
    title = (
        "Understanding calcified subcutaneous masses in the calf: dystrophic calcification, "
        "metastatic calcification, calcified lipomas, fibromas, cysts and chronic inflammatory "
        "conditions"
    )
    sentence = (
        " ".join(["Calcium deposits build up in damaged tissue over many months"] * 16)
        + " in the calf."
    )
    title_tokens, sentence_tokens = count_tokens([title, sentence])
    assert 40 < title_tokens <= 50 and 160 < sentence_tokens < 200
    assert title_tokens + sentence_tokens - 2 > 200
    record = Record(id="long:2", title=title, question="What is it?", long_explanation=sentence)
    explanations = _explanations(chunker.chunk(record))
    assert len(explanations) == 2
    assert all(c.text.startswith(title + "\n") for c in explanations)
    assert max(count_tokens([c.text for c in explanations])) <= 200
    assert _normal(" ".join(c.passage for c in explanations)) == _normal(sentence)


# NIHSeniorHealth, "What causes Gout ?" (shortened): glued headings and each item said twice
_GOUT_CAUSES = (
    "A Buildup of Uric Acid Most people with gout have too much uric acid in their blood, a "
    "condition called hyperuricemia. Uric acid is a substance that results from the breakdown "
    "of purines which are a part of all human tissue and found in many foods. Risk Factors "
    "These risk factors are associated with gout. - Genetics. Many people with gout have a "
    "family history of the disease. Genetics. Many people with gout have a family history of "
    "the disease. - Weight. Being overweight increases the risk of developing gout because "
    "there is more tissue available for turnover or breakdown. Weight. Being overweight "
    "increases the risk of developing gout because there is more tissue available for "
    "turnover or breakdown."
)


@pytest.mark.parametrize("max_tokens", [200, 48])
def test_a_glued_heading_is_a_line_of_its_chunk_not_part_of_a_sentence(
    count_tokens: Counter, max_tokens: int
) -> None:
    record = Record(
        id="medquad:gout",
        title="Gout",
        focus="Gout",
        question="What causes Gout ?",
        long_explanation=_GOUT_CAUSES,
    )
    chunks = _explanations(Chunker(count_tokens, max_tokens=max_tokens).chunk(record))
    assert max(count_tokens([c.text for c in chunks])) <= max_tokens
    lines = [line for c in chunks for line in c.passage.split("\n")]
    sentences = [s for c in chunks for s in split_sentences(c.passage)]
    for heading in ("A Buildup of Uric Acid", "Risk Factors"):
        assert heading in lines and heading in sentences  # kept, as a unit of its own
        assert not any(s.startswith(heading) and s != heading for s in sentences)
    assert "These risk factors are associated with gout." in sentences
    # the only heading units are the two headings (small chunks may repeat one as overlap)
    assert {s for s in sentences if is_heading(s)} == {"A Buildup of Uric Acid", "Risk Factors"}
    for chunk in chunks:
        assert chunk.text == f"Gout\n{chunk.passage}"
        # the repeated copy of each item is gone
        assert chunk.passage.count("Many people with gout have a family history") <= 1


def test_a_list_that_finishes_its_sentence_is_not_indexed_item_by_item(
    chunker: Chunker,
) -> None:
    # chunk text is flattened: its sentences can no longer show which ones were list items
    # ("… include those who: Have a lot of stress. Are depressed …"), so the items go first
    record = Record(id="t:risk", dataset="MedQuAD", question="Who is at risk for Insomnia?",
                    long_explanation=INSOMNIA_RISK, focus="Insomnia")  # fmt: skip
    text = " ".join(c.text for c in _explanations(chunker.chunk(record)))
    assert "Have a lot of stress" not in text and "Travel long distances" not in text
    assert "Young and middle-aged African Americans" in text
