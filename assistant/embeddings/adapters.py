"""The embedder seen through the two interfaces the stack expects: chromadb's and langchain's."""

from __future__ import annotations

from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from langchain_core.embeddings import Embeddings as LCEmbeddings

from assistant.embeddings.minilm import MiniLMEmbedder


class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """A chromadb embedding function that runs offline (chromadb's default downloads its model)."""

    def __init__(self, embedder: MiniLMEmbedder | None = None) -> None:
        self.embedder = embedder or MiniLMEmbedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "assistant-minilm-onnx"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.embedder.batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(MiniLMEmbedder(batch_size=int(config.get("batch_size", 32))))


class LangChainEmbeddings(LCEmbeddings):
    """langchain ``Embeddings`` over the same ONNX model (used by the Chroma vector store)."""

    def __init__(self, embedder: MiniLMEmbedder | None = None) -> None:
        self.embedder = embedder or MiniLMEmbedder()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts).tolist()  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_one(text).tolist()  # type: ignore[no-any-return]
