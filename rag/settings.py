"""Typed settings for the whole service, read once at the edge (CLI, UI) and passed down."""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict, SettingsError

from rag.errors import InvalidSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = PROJECT_ROOT / "data" / "us-iraq-transition.txt"
ANSWERABILITY_DIR = PROJECT_ROOT / "rag" / "models" / "answerability"


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
    answerability: bool = Field(
        True, description="Rank, refuse and trim with the trained answerability model."
    )
    answerability_model: Path = Field(ANSWERABILITY_DIR, description="The model's folder.")
    answerability_candidates: int = Field(
        8, ge=1, le=100, description="How many of the best-matching sentences the model reads."
    )
    answerability_chunks: int = Field(
        8, ge=1, le=50, description="Chunks whose sentences the model may read."
    )
    answerability_nearest: int = Field(
        8, ge=0, le=100, description="Sentences most like the question, anywhere, it also reads."
    )
    answerability_threshold: float = Field(
        0.1, ge=0.0, le=1.0, description="Refuse when no sentence answers with this probability."
    )
    answerability_weight: float = Field(
        0.2, ge=0.0, le=1.0, description="The model's share of the order (today's score: rest)."
    )

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
    # Extracted text, not file bytes: an 86 KB PDF whose pages share one content stream can
    # expand to a million characters per page. A 300-page manual has about a million in all.
    max_document_chars: int = Field(5_000_000, ge=1, description="Text characters per document.")
    max_page_chars: int = Field(100_000, ge=1, description="Text characters per PDF page.")
    max_parse_seconds: float = Field(120.0, gt=0, description="Seconds to extract one PDF's text.")

    @field_validator("llm")
    @classmethod
    def _known_backend(cls, name: str) -> str:
        from rag.backends import backend_names, is_registered  # imports Settings: load it late

        if not is_registered(name):
            raise ValueError(f"is not one of {', '.join(backend_names())}")
        return name

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


def load_settings() -> Settings:
    """Settings from the environment and ``.env``; bad values raise one-line ``InvalidSettings``.

    The line names each bad variable and what it accepts.
    """
    try:
        return Settings()
    except ValidationError as exc:
        raise InvalidSettings("; ".join(_describe(error) for error in exc.errors())) from None
    except SettingsError as exc:  # a list or dict variable that is not JSON
        field = re.search(r'field "(\w+)"', str(exc))
        name = _variable(field.group(1) if field else "")
        raise InvalidSettings(f'{name}: is not valid JSON (e.g. ["a.txt", "b.md"])') from None


def _variable(field: str) -> str:
    return f"{Settings.model_config.get('env_prefix', '')}{field}".upper()


_PLAIN = {
    "int_parsing": "is not an integer",
    "int_from_float": "is not a whole number",
    "float_parsing": "is not a number",
    "bool_parsing": "is not true or false",
}
_BOUNDS = {"ge": "at least", "gt": "more than", "le": "at most", "lt": "less than"}


def _describe(error: Any) -> str:
    """One pydantic error as ``GROUNDWORK_X: 'value' <what is wrong>``."""
    field = str(error["loc"][0]) if error["loc"] else ""
    shown = f"{_variable(field)}: {error.get('input')!r}"
    kind = error["type"]
    if kind in _PLAIN:
        return f"{shown} {_PLAIN[kind]}"
    info = Settings.model_fields.get(field)
    if kind == "literal_error" and info is not None:
        return f"{shown} is not one of {', '.join(map(str, typing.get_args(info.annotation)))}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal") and info:
        bounds = [
            f"{_BOUNDS[bound]} {getattr(rule, bound)}"
            for rule in info.metadata
            for bound in _BOUNDS
            if getattr(rule, bound, None) is not None
        ]
        return f"{shown} is out of range (it must be {' and '.join(bounds)})"
    return f"{shown} {str(error['msg']).removeprefix('Value error, ')}"
