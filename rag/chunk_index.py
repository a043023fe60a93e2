"""Every complete chunk in memory: exact dense search over its vectors, and BM25 over its words.

Built from one Chroma read and rebuilt whenever the set of complete documents changes. Dense
search is exact (a matrix product), so it finds at least what Chroma's approximate HNSW index
finds; BM25 scores equal ``rank_bm25.BM25Okapi.get_scores``, computed from per-term postings
instead of a Python loop over every chunk.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from langchain_core.documents import Document
from rank_bm25 import BM25Okapi

from rag.store import Store
from rag.text import content_terms


class ChunkIndex:
    """The complete documents' chunks, their vectors and (optionally) BM25 postings."""

    def __init__(
        self, doc_ids: set[str], docs: list[Document], vectors: Any, bm25: bool = True
    ) -> None:
        self.doc_ids = doc_ids
        self.docs = docs
        self.rows = {str(doc.id): i for i, doc in enumerate(docs)}
        self.vectors = np.asarray(vectors, dtype=np.float32).reshape(len(docs), -1)
        self.bm25: BM25Okapi | None = None
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.length_norm = np.zeros(0)
        self.by_doc: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        if bm25 and docs:
            self._build_bm25()

    @classmethod
    def from_store(cls, store: Store, doc_ids: set[str], bm25: bool = True) -> ChunkIndex:
        """Read every chunk of the documents ``doc_ids`` from the store."""
        docs, vectors = store.chunks(doc_ids)
        return cls(doc_ids, docs, vectors, bm25)

    @property
    def has_bm25(self) -> bool:
        """Whether BM25 search is ready (an empty index needs none)."""
        return self.bm25 is not None or not self.docs

    def _build_bm25(self) -> None:
        corpus = [content_terms(doc.page_content) or ["\u2205"] for doc in self.docs]
        bm25 = self.bm25 = BM25Okapi(corpus)
        rows: dict[str, list[int]] = {}
        freqs: dict[str, list[int]] = {}
        for i, frequencies in enumerate(bm25.doc_freqs):
            for term, count in frequencies.items():
                rows.setdefault(term, []).append(i)
                freqs.setdefault(term, []).append(count)
        self.postings = {
            term: (np.asarray(rows[term], dtype=np.int64), np.asarray(freqs[term], dtype=float))
            for term in rows
        }
        doc_len = np.asarray(bm25.doc_len)
        self.length_norm = bm25.k1 * (1 - bm25.b + bm25.b * doc_len / bm25.avgdl)
        bm25.doc_freqs = []  # the postings replace them

    def dense(self, query_vector: list[float], k: int) -> list[Document]:
        """The ``k`` chunks most similar to the query; ``score`` is their cosine similarity."""
        if not self.docs or k <= 0:
            return []
        scores = self.vectors @ np.asarray(query_vector, dtype=np.float32)
        top = np.arange(len(scores))
        if k < len(scores):
            top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        results = []
        for i in top.tolist():
            score = round(float(scores[i]), 4)
            metadata = {**self.docs[i].metadata, "score": score, "rank_score": score}
            results.append(self._copy(i, metadata))
        return results

    def scores(self, terms: list[str]) -> np.ndarray:
        """BM25Okapi scores of every chunk for the query ``terms``."""
        assert self.bm25 is not None
        score = np.zeros(len(self.docs))
        k1 = self.bm25.k1
        for term in terms:
            idf = self.bm25.idf.get(term) or 0
            if term in self.postings and idf:
                rows, freq = self.postings[term]
                score[rows] += idf * (freq * (k1 + 1) / (freq + self.length_norm[rows]))
        return score

    def search(self, query: str, k: int) -> list[Document]:
        """The ``k`` best BM25 matches with a positive score, best first."""
        terms = content_terms(query)
        if self.bm25 is None or not terms:
            return []
        scores = self.scores(terms)
        hits = np.flatnonzero(scores > 0)
        order = hits[np.argsort(-scores[hits], kind="stable")][:k]
        return [
            self._copy(i, {**self.docs[i].metadata, "bm25": round(float(scores[i]), 4)})
            for i in order.tolist()
        ]

    def holding(self, spans: list[tuple[str, int, int]]) -> list[Document]:
        """For each (doc_id, start, end), the first chunk that holds the span whole, once each."""
        found: dict[int, Document] = {}
        for doc_id, start, end in spans:
            rows, starts, ends = self._offsets(doc_id)
            inside = np.flatnonzero((starts <= start) & (end <= ends))
            if len(inside) and int(rows[inside[0]]) not in found:
                i = int(rows[inside[0]])
                found[i] = self._copy(i, dict(self.docs[i].metadata))
        return list(found.values())

    def _offsets(self, doc_id: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows, starts and ends of ``doc_id``'s chunks (built once per document)."""
        if not self.by_doc:
            rows: dict[str, list[int]] = {}
            for i, doc in enumerate(self.docs):
                rows.setdefault(str(doc.metadata["doc_id"]), []).append(i)
            for owner, held in rows.items():
                metas = [self.docs[i].metadata for i in held]
                self.by_doc[owner] = (
                    np.asarray(held),
                    np.asarray([int(m["start"]) for m in metas]),
                    np.asarray([int(m["end"]) for m in metas]),
                )
        empty = np.zeros(0, dtype=np.int64)
        return self.by_doc.get(doc_id, (empty, empty, empty))

    def cosine(self, chunk_id: str, query_vector: list[float]) -> float | None:
        """The cosine similarity of one held chunk with the query; None when not held."""
        row = self.rows.get(chunk_id)
        if row is None:
            return None
        return float(self.vectors[row].astype(np.float64) @ np.asarray(query_vector, np.float64))

    def _copy(self, i: int, metadata: dict[str, Any]) -> Document:
        doc = self.docs[i]
        return Document(id=doc.id, page_content=doc.page_content, metadata=metadata)
