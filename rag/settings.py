"""Typed settings for the whole service, read once at the edge (CLI, UI) and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "data" / "us-iraq-transition.txt"


class Settings(BaseSettings):
    """Every tunable of groundwork; env vars use the prefix ``GROUNDWORK_``."""

    model_config = SettingsConfigDict(
        env_prefix="GROUNDWORK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(Path(".groundwork"), description="Index and uploads live here.")
    corpus_paths: list[Path] = Field(default_factory=lambda: [DEFAULT_CORPUS])
    collection: str = "groundwork"

    chunk_size: int = Field(600, ge=100, le=8000, description="Target chunk length in characters.")
    chunk_overlap: int = Field(120, ge=0, le=4000, description="Characters shared by neighbours.")

    top_k: int = Field(4, ge=1, le=50)
    retrieval: Literal["dense", "bm25", "hybrid"] = "hybrid"
    fusion: Literal["score", "rrf"] = Field(
        "score", description="How hybrid merges dense and BM25: normalised scores, or ranks (RRF)."
    )
    dense_weight: float = Field(
        0.75, ge=0.0, le=1.0, description="Weight of the dense score in score fusion."
    )
    refusal_threshold: float = Field(
        0.27, ge=0.0, le=1.0, description="Minimum evidence score to answer instead of refusing."
    )
    standout_margin: float = Field(
        0.15,
        ge=0.0,
        le=1.0,
        description="How far the best sentence's similarity must exceed the documents' 90th "
        "percentile (long documents only) to answer instead of refusing.",
    )
    standout_min_sentences: int = Field(
        150, ge=1, description="Documents with fewer sentences skip the standout check."
    )
    max_answer_sentences: int = Field(2, ge=1, le=5)

    llm: str = "extractive"
    llm_model_path: Path | None = None
    llm_base_url: str = "http://127.0.0.1:8000/v1"
    llm_api_key: str = "not-needed"
    llm_model: str = "local"
    llm_timeout_s: float = Field(60.0, gt=0)
    llm_max_tokens: int = Field(256, ge=16, le=4096)
    llm_context_tokens: int = Field(2048, ge=512)

    host: str = "127.0.0.1"
    port: int = Field(7860, ge=1, le=65535)
    auth: str | None = Field(None, description="user:password to require a login in the UI.")

    chroma_host: str | None = None
    chroma_port: int = 8000

    max_question_chars: int = Field(2000, ge=10)
    max_file_bytes: int = Field(20_000_000, ge=1)
    max_files_per_upload: int = Field(20, ge=1)

    # Set by GitHub Actions (no GROUNDWORK_ prefix): `groundwork eval` appends its summary there.
    github_step_summary: Path | None = Field(None, validation_alias="GITHUB_STEP_SUMMARY")

    @property
    def index_dir(self) -> Path:
        """Where the embedded Chroma store persists."""
        return self.data_dir / "chroma"

    @property
    def uploads_dir(self) -> Path:
        """Where files uploaded through the UI are kept."""
        return self.data_dir / "uploads"
