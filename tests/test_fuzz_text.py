"""Fuzzing the sentence splitter: on any text, the sentences are exact, ordered, trimmed slices
of it that together hold every letter and digit of it (what lies between them is space or
punctuation alone), and splitting costs time linear in the text's length."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import example, given
from hypothesis import strategies as st

from assistant.text import sentence_spans, split_sentences
from tests.strategies import Run, assert_linear, hostile_run, mixed_text

any_text = st.one_of(
    mixed_text(), st.text(), st.text(alphabet=" .!?\"')[(-•*:;1aA\n\t", max_size=60)
)


def _non_space(text: str) -> str:
    return "".join(text.split())


@given(any_text)
@example("Dr. Ke said so. It is benign! - Fever. - Cough. 1. First (see Fig. 2). Done?")
@example("\u2028a.\u2029B. \x1cC. \x85D")
def test_sentences_are_the_text_itself(text: str) -> None:
    spans = sentence_spans(text)
    sentences = split_sentences(text)
    assert sentences == [text[a:b] for a, b in spans]
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in pairwise(spans)), "spans overlap or go back"
    for sentence in sentences:
        assert sentence == sentence.strip() and any(ch.isalnum() for ch in sentence)
    # joined, the sentences are the text's non-space characters, less only the separators
    # between them (bullets, lone punctuation), which hold no letter or digit
    outside = list(text)
    for a, b in spans:
        outside[a:b] = [" "] * (b - a)
    left = _non_space("".join(outside))
    assert not any(ch.isalnum() for ch in left), left
    assert len(_non_space("".join(sentences))) + len(left) == len(_non_space(text))


@given(any_text)
def test_windows_line_ends_split_the_same(text: str) -> None:
    assert split_sentences(text.replace("\n", "\r\n")) == split_sentences(text)


@given(hostile_run(prefixes=("", "Why", "Dr.", "1.", "- "), suffixes=("", " A", ". B", "?")))
def test_splitting_takes_linear_time(run: Run) -> None:
    assert_linear(split_sentences, run)
