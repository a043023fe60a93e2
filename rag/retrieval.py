"""Find the chunks that may answer a question: dense, BM25, or both fused by RRF (in memory)."""

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
        else:
            ranked = _reciprocal_rank_fusion([dense, sparse])
        top = ranked[: self.k]
        for doc in top:  # BM25-only hits get a cosine score too: the gate compares like with like
            if "score" not in doc.metadata:
                doc.metadata["score"] = round(index.cosine(str(doc.id), vector) or 0.0, 4)
        return top

    def _index(self, complete: set[str]) -> ChunkIndex:
        """The chunk index of exactly the complete documents (built on first use)."""
        shared = self._shared
        with shared.lock:
            index = shared.index
            bm25 = self.mode != "dense"
            if index is None or index.doc_ids != complete or (bm25 and not index.has_bm25):
                index = shared.index = ChunkIndex.from_store(self.store, complete, bm25)
            return index


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
