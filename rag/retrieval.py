"""Find the chunks that may answer a question: dense (Chroma), BM25, or both fused by RRF."""

from __future__ import annotations

import threading
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr
from rank_bm25 import BM25Okapi

from rag.store import Store
from rag.text import content_terms

RRF_K = 60


class ChunkRetriever(BaseRetriever):
    """Top-k chunks with ``metadata['score']`` (cosine relevance) and ``metadata['rank_score']``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Store
    k: int = 4
    mode: Literal["dense", "bm25", "hybrid"] = "hybrid"
    candidates: int = 20

    _bm25: _Bm25Index | None = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        complete = self.store.document_ids()
        if not complete:
            return []
        dense = self._dense(query, complete) if self.mode != "bm25" else []
        sparse = self._sparse(query, complete) if self.mode != "dense" else []
        if self.mode == "dense":
            ranked = dense
        elif self.mode == "bm25":
            ranked = sparse
        else:
            ranked = _reciprocal_rank_fusion([dense, sparse])
        top = ranked[: self.k]
        self._fill_dense_scores(query, top)
        return top

    def _dense(self, query: str, complete: set[str]) -> list[Document]:
        vector = self.store.embeddings.embed_query(query)
        hits = self.store.chunks.similarity_search_by_vector_with_relevance_scores(
            vector, k=min(self.candidates, max(1, self.store.chunk_count()))
        )
        results = []
        for doc, distance in hits:
            if doc.metadata.get("doc_id") in complete:
                doc.metadata["score"] = round(1.0 - float(distance), 4)
                doc.metadata["rank_score"] = doc.metadata["score"]
                results.append(doc)
        return results

    def _sparse(self, query: str, complete: set[str]) -> list[Document]:
        index = self._bm25_index(complete)
        return index.search(query, self.candidates)

    def _bm25_index(self, complete: set[str]) -> _Bm25Index:
        with self._lock:
            if self._bm25 is None or self._bm25.doc_ids != complete:
                self._bm25 = _Bm25Index.from_store(self.store, complete)
            return self._bm25

    def _fill_dense_scores(self, query: str, docs: list[Document]) -> None:
        """BM25-only hits get a cosine score too, so the gate compares like with like."""
        missing = [doc for doc in docs if "score" not in doc.metadata]
        if not missing:
            return
        found = self.store.chunk_collection.get(
            ids=[str(doc.id) for doc in missing], include=["embeddings"]
        )
        by_id = dict(zip(found["ids"], found["embeddings"], strict=False))  # type: ignore[arg-type]
        query_vector = self.store.embeddings.embed_query(query)
        for doc in missing:
            vector = by_id.get(str(doc.id))
            score = (
                float(sum(a * b for a, b in zip(query_vector, vector, strict=False)))
                if vector is not None
                else 0.0
            )
            doc.metadata["score"] = round(score, 4)


class _Bm25Index:
    """BM25 over every complete chunk, rebuilt from Chroma whenever the document set changes."""

    def __init__(self, doc_ids: set[str], docs: list[Document]) -> None:
        self.doc_ids = doc_ids
        self.docs = docs
        corpus = [content_terms(doc.page_content) or ["\u2205"] for doc in docs]
        self.bm25 = BM25Okapi(corpus) if corpus else None

    @classmethod
    def from_store(cls, store: Store, doc_ids: set[str]) -> _Bm25Index:
        found = store.chunk_collection.get(include=["documents", "metadatas"])
        docs = [
            Document(id=chunk_id, page_content=text or "", metadata=dict(meta or {}))
            for chunk_id, text, meta in zip(
                found["ids"], found["documents"] or [], found["metadatas"] or [], strict=False
            )
            if (meta or {}).get("doc_id") in doc_ids
        ]
        return cls(doc_ids, docs)

    def search(self, query: str, k: int) -> list[Document]:
        terms = content_terms(query)
        if self.bm25 is None or not terms:
            return []
        scores = self.bm25.get_scores(terms)
        order = sorted(range(len(self.docs)), key=lambda i: -scores[i])[:k]
        return [
            Document(id=self.docs[i].id, page_content=self.docs[i].page_content,
                     metadata={**self.docs[i].metadata, "bm25": round(float(scores[i]), 4)})
            for i in order
            if scores[i] > 0
        ]  # fmt: skip


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
