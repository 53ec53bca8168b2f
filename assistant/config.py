"""Settings, read once at an entry point (CLI command, UI) and passed inward.

Every value comes from an ``ASSISTANT_*`` environment variable or a ``.env`` file;
nothing here touches the disk or the network at import time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.resources import shipped

EVAL_DIR = shipped("eval")  # the checkout's eval/ folder, or the installed package's copy


class Settings(BaseSettings):
    """Where state lives and how the index is built and searched."""

    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_file=".env", extra="ignore", frozen=True
    )

    home: Path = Field(
        default=Path(".assistant"),
        description="The one directory where all state (index, keyword index, caches) lives.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="A Chroma server, e.g. http://127.0.0.1:8000; unset: embedded under home.",
    )
    collection: str = Field(default="archive", min_length=3, max_length=512)
    eval_dir: Path = Field(
        default=EVAL_DIR,
        description="What is evaluated: suites, dataset cards, the gate (gates.toml) and "
        "reference runs; default: the checkout's eval/ folder (as installed: the package's copy).",
    )

    # embeddings
    embed_batch_size: int = Field(default=32, ge=1, le=1024)
    embed_threads: int = Field(
        default=0, ge=0, description="onnxruntime intra-op threads; 0 = all cores"
    )

    # chunking (in word-piece tokens of the embedding model, whose window is 256)
    chunk_tokens: int = Field(default=200, ge=32, le=254)
    chunk_overlap_sentences: int = Field(default=1, ge=0, le=5)

    # retrieval
    retrieval_candidates: int = Field(default=40, ge=5, le=500)
    rrf_k: int = Field(default=60, ge=1)
    mmr_lambda: float = Field(default=0.7, ge=0.0, le=1.0)
    max_chunks_per_record: int = Field(default=2, ge=1, le=10)

    # drafting and the language model (any OpenAI-compatible endpoint)
    drafter: Literal["composer", "llm"] = Field(
        default="composer", description="composer: grounded, no LLM; llm: the model below"
    )
    llm_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible endpoint, e.g. https://api.openai.com/v1; "
        "unset: the local small demo model (llama.cpp), started on demand",
    )
    llm_model: str = "smollm2-135m-instruct"
    llm_api_key: SecretStr = SecretStr("not-needed")
    llm_temperature: float = Field(default=0.2, ge=0.0, le=2.0)
    llm_timeout_s: float = Field(default=120.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_max_tokens: int = Field(default=900, ge=16, le=16_000)
    llm_threads: int = Field(
        default=2,
        ge=1,
        description="CPU threads of the local model (2 on 2 idle cores: 1.9x the rate of 1)",
    )
    llm_parallel: int = Field(
        default=4, ge=1, le=64, description="requests the local model serves at once (slots)"
    )
    strict_grounding: bool = Field(default=False, description="drop unsupported sentences")

    # the review store (SQLAlchemy URL); unset: SQLite under home
    database_url: str | None = Field(
        default=None, description="e.g. postgresql+psycopg://user:pass@host/db; unset: SQLite"
    )

    # the review app's sign-in sessions
    session_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="sign out after this long without activity"
    )
    session_max_hours: int = Field(
        default=12, ge=1, le=24 * 30, description="sign in again after this long at most"
    )
    session_check_seconds: int = Field(
        default=15,
        ge=1,
        le=600,
        description="an open page checks this often that its session still stands (a "
        "disabled account is signed out within this time, without a click)",
    )

    audit_key: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="The secret the audit chain is keyed with (HMAC); unset: the file "
        "audit.key under home, created (0600) on first use. Every process sharing one "
        "database needs the same key.",
    )

    log_patient_text: bool = Field(
        default=False, description="Write patient questions into logs (off: logs carry ids only)."
    )

    @field_validator("chroma_url", "llm_base_url")
    @classmethod
    def _strip_url(cls, value: str | None) -> str | None:
        return value.strip().rstrip("/") or None if value else None

    @property
    def chroma_dir(self) -> Path:
        return self.home / "chroma"

    @property
    def keyword_dir(self) -> Path:
        return self.home / "keyword"

    @property
    def audit_key_file(self) -> Path:
        return self.home / "audit.key"

    @property
    def review_url(self) -> str:
        """The review store's database: ``database_url``, or SQLite under home."""
        return self.database_url or f"sqlite:///{(self.home / 'review.sqlite3').resolve()}"
