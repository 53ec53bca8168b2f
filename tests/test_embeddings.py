"""The offline MiniLM embedder: shapes, batching, a raw-onnxruntime reference, and its adapters."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import chromadb
import numpy as np
import onnxruntime as ort
import pytest
from chromadb.config import Settings
from numpy.typing import NDArray
from threadpoolctl import threadpool_info
from tokenizers import Tokenizer

from assistant.embeddings import (
    ChromaEmbeddingFunction,
    LangChainEmbeddings,
    MiniLMEmbedder,
    minilm,
)
from assistant.embeddings.minilm import TOKENIZER_DIR, default_model_path

TEXTS = [
    "Heart attack",
    "What does calcification mean?",
    "A lump about 0.2 cm under the calf skin was found on ultrasound and called benign.",
    "Calcification refers to the accumulation of calcium salts in a tissue. This process can "
    "occur in various tissues throughout the body and can be a normal physiological response "
    "or indicative of a pathological condition, such as fat necrosis after an injury.",
    "Knee pain after running",
    "Lipomas are benign tumors composed of adipose (fat) tissue.",
    "If the mass grows, or new symptoms such as pain or swelling appear, see your doctor; an MRI "
    "or a biopsy may be needed to rule out anything serious.",
]


@pytest.fixture(scope="module")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def _cosines(a: NDArray[np.float32], b: NDArray[np.float32]) -> NDArray[np.float32]:
    """Row-wise cosine, not assuming the rows are unit vectors."""
    dots = (a * b).sum(axis=1)
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    result: NDArray[np.float32] = dots / norms
    return result


def _reference(texts: Sequence[str]) -> NDArray[np.float32]:
    """chromadb's ONNX recipe, done by hand: pad every text to 256, mask, mean-pool, normalise."""
    tokenizer = Tokenizer.from_file(str(TOKENIZER_DIR / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=256)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]", length=256)
    session = ort.InferenceSession(str(default_model_path()), providers=["CPUExecutionProvider"])
    rows = []
    for text in texts:
        encoding = tokenizer.encode(text)
        ids = np.array([encoding.ids], dtype=np.int64)
        mask = np.array([encoding.attention_mask], dtype=np.int64)
        assert ids.shape == (1, 256) and 0 < mask.sum() < 256
        (hidden,) = session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        weights = mask[0][:, None].astype(np.float32)
        pooled = (hidden[0] * weights).sum(axis=0) / weights.sum()
        rows.append(pooled / np.linalg.norm(pooled))
    return np.stack(rows).astype(np.float32)


def test_vectors_are_unit_float32_rows(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # distinct texts, distinct vectors
    assert len({tuple(np.round(v, 4)) for v in vectors}) == len(TEXTS)


def test_empty_input_gives_an_empty_matrix(embedder: MiniLMEmbedder) -> None:
    vectors = embedder.embed([])
    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


def test_embed_one_is_the_row_of_embed(embedder: MiniLMEmbedder) -> None:
    embedder.forget()
    vector = embedder.embed_one(TEXTS[3])
    assert vector.shape == (384,)
    embedder.forget()
    np.testing.assert_allclose(vector, embedder.embed(TEXTS)[3], atol=1e-5)


def test_results_do_not_depend_on_input_order(embedder: MiniLMEmbedder) -> None:
    embedder.forget()
    expected = embedder.embed(TEXTS)
    order = list(range(len(TEXTS)))
    random.Random(7).shuffle(order)
    assert order != sorted(order)
    embedder.forget()
    shuffled = embedder.embed([TEXTS[i] for i in order])
    assert _cosines(shuffled, expected[order]).min() > 0.9999


def test_results_do_not_depend_on_batch_size(
    embedder: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one run of all: short texts padded to the longest one, so the mask must hide the padding
    embedder.forget()
    monkeypatch.setattr(minilm, "PAD_SLACK", float("inf"))
    assert len(embedder._batches(embedder.tokenizer.encode_batch(TEXTS))) == 1
    together = embedder.embed(TEXTS)
    embedder.forget()
    monkeypatch.setattr(embedder, "batch_size", 1)
    alone = embedder.embed(TEXTS)
    embedder.forget()
    monkeypatch.setattr(embedder, "batch_size", 3)
    in_threes = embedder.embed(TEXTS)
    assert _cosines(together, alone).min() > 0.9999
    assert _cosines(in_threes, alone).min() > 0.9999


def test_runs_group_texts_of_like_length(embedder: MiniLMEmbedder) -> None:
    encodings = embedder.tokenizer.encode_batch(TEXTS)
    lengths = [len(e.ids) for e in encodings]
    runs = embedder._batches(encodings)
    assert sorted(i for run in runs for i in run) == list(range(len(TEXTS)))
    assert len(runs) > 1  # "Heart attack" (4 tokens) is not padded to the 60-token text
    for run in runs:
        width, held = max(lengths[i] for i in run), sum(lengths[i] for i in run)
        assert len(run) == 1 or len(run) * width <= minilm.PAD_SLACK * held
    assert [len(run) for run in embedder._batches(encodings[:1])] == [1]


def test_an_embedder_leaves_blas_one_thread() -> None:
    # OpenBLAS threads spinning after numpy's products slowed the next model run 1.6x
    MiniLMEmbedder()
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    assert blas and all(p["num_threads"] == 1 for p in blas)


def test_recent_vectors_are_reused_exactly_and_the_cache_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    small = MiniLMEmbedder(cache_size=3)
    calls: list[list[str]] = []
    compute = small._embed

    def counted(texts: list[str]) -> NDArray[np.float32]:
        calls.append(texts)
        return compute(texts)

    monkeypatch.setattr(small, "_embed", counted)
    first = small.embed(TEXTS[:3])
    again = small.embed([TEXTS[2], TEXTS[0], TEXTS[2]])  # all cached, a repeat included
    assert calls == [TEXTS[:3]]
    assert np.array_equal(again, first[[2, 0, 2]])
    small.embed([TEXTS[3]])  # a fourth text pushes out the least recently used (1)
    small.embed([TEXTS[0], TEXTS[1], TEXTS[2]])
    assert calls[-1] == [TEXTS[1]]


def test_vectors_match_a_raw_onnxruntime_reference(embedder: MiniLMEmbedder) -> None:
    ours = embedder.embed(TEXTS)
    reference = _reference(TEXTS)
    assert _cosines(ours, reference).min() >= 0.999


def test_related_medical_texts_are_closer_than_unrelated_ones(embedder: MiniLMEmbedder) -> None:
    query, related, unrelated = embedder.embed(
        ["heart attack", "myocardial infarction", "filing a tax return"]
    )
    assert float(query @ related) > float(query @ unrelated) + 0.2
    lump, benign, recipe = embedder.embed(
        [
            "a small hard lump under the skin of my calf",
            "a benign calcified subcutaneous nodule in the leg",
            "how to bake sourdough bread at home",
        ]
    )
    assert float(lump @ benign) > float(lump @ recipe)


def test_over_long_text_is_truncated_to_the_window(embedder: MiniLMEmbedder) -> None:
    words = [f"symptom{i % 50} of calcification" for i in range(400)]
    long_text = " ".join(words)
    assert embedder.count_tokens([long_text])[0] > 1000
    longer = long_text + " " + "completely different words about taxes and accounting " * 50
    vectors = embedder.embed([long_text, longer])
    assert vectors.shape == (2, 384)
    assert np.all(np.isfinite(vectors))
    # only the first 256 tokens are read, so what comes after them changes nothing
    assert float(vectors[0] @ vectors[1]) > 0.9999


def test_count_tokens_counts_special_tokens_and_is_not_capped(embedder: MiniLMEmbedder) -> None:
    assert embedder.count_tokens(["heart attack"]) == [4]  # [CLS] heart attack [SEP]
    assert embedder.count_tokens([]) == []
    long_text = " ".join(["calcification"] * 600)
    per_word = embedder.count_tokens(["calcification"])[0] - 2
    assert embedder.count_tokens([long_text, "heart attack"]) == [600 * per_word + 2, 4]


def test_chroma_collection_embeds_and_queries_by_text(
    embedder: MiniLMEmbedder, tmp_path: Path
) -> None:
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    collection = client.create_collection(
        "test-embeddings",
        embedding_function=ChromaEmbeddingFunction(embedder),  # type: ignore[arg-type]
        configuration={"hnsw": {"space": "cosine"}},
    )
    collection.add(
        ids=["heart", "tax", "knee"],
        documents=[
            "Chest pain spreading to the left arm can be a sign of a heart attack.",
            "You can file your tax return online before the end of April.",
            "Runners often get knee pain from overuse of the joint.",
        ],
    )
    stored = collection.get(ids=["heart"], include=["embeddings"])
    assert stored["embeddings"] is not None
    np.testing.assert_allclose(
        stored["embeddings"][0],
        embedder.embed_one("Chest pain spreading to the left arm can be a sign of a heart attack."),
        atol=1e-5,
    )
    for query, expected in (
        ("symptoms of myocardial infarction", "heart"),
        ("deadline for income taxes", "tax"),
        ("my knee hurts after jogging", "knee"),
    ):
        result = collection.query(query_texts=[query], n_results=3)
        assert result["ids"][0][0] == expected
        assert result["distances"] is not None
        assert result["distances"][0][0] < result["distances"][0][1]


def test_chroma_embedding_function_returns_one_vector_per_document(
    embedder: MiniLMEmbedder,
) -> None:
    function = ChromaEmbeddingFunction(embedder)
    vectors = function(["heart attack", "knee pain"])
    assert len(vectors) == 2
    assert all(len(v) == 384 for v in vectors)
    np.testing.assert_allclose(np.asarray(vectors), embedder.embed(["heart attack", "knee pain"]))
    assert function.get_config() == {"batch_size": embedder.batch_size}


def test_langchain_embeddings_are_plain_float_lists_matching_the_embedder(
    embedder: MiniLMEmbedder,
) -> None:
    langchain = LangChainEmbeddings(embedder)
    documents = langchain.embed_documents(TEXTS[:3])
    query = langchain.embed_query(TEXTS[1])
    assert isinstance(documents, list) and len(documents) == 3
    assert all(isinstance(row, list) and len(row) == 384 for row in documents)
    assert all(type(x) is float for row in documents for x in row)
    assert isinstance(query, list) and len(query) == 384
    assert all(type(x) is float for x in query)
    np.testing.assert_allclose(np.array(documents), embedder.embed(TEXTS[:3]), atol=1e-6)
    np.testing.assert_allclose(np.array(query), embedder.embed_one(TEXTS[1]), atol=1e-6)
    np.testing.assert_allclose(query, documents[1], atol=1e-5)
