"""How similar a question is to an ordinary sentence of the documents: the bar evidence must clear.

In a long document about one subject every sentence resembles every question on that subject,
so an on-topic but unanswerable question still finds a "good" sentence. Evidence only counts
when it stands out from what a typical sentence of the documents scores for the same question.
"""

from __future__ import annotations

import threading

import numpy as np

from rag.store import Store, read_all

PERCENTILE = 90


class TopicBaseline:
    """The question's similarity with the documents' sentences at the 90th percentile."""

    def __init__(self, store: Store, min_sentences: int) -> None:
        self.store = store
        self.min_sentences = min_sentences
        self._doc_ids: frozenset[str] = frozenset()
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._lock = threading.Lock()

    def level(self, query_vector: list[float], doc_ids: set[str]) -> float | None:
        """The baseline similarity, or None when too few sentences make a baseline meaningful."""
        matrix = self._sentence_matrix(frozenset(doc_ids))
        if len(matrix) < self.min_sentences:
            return None
        similarities = matrix @ np.asarray(query_vector, dtype=np.float32)
        return float(np.percentile(similarities, PERCENTILE))

    def _sentence_matrix(self, doc_ids: frozenset[str]) -> np.ndarray:
        """Every sentence vector of ``doc_ids``, reloaded only when the document set changes."""
        with self._lock:
            if doc_ids != self._doc_ids:
                self._matrix = self._load(doc_ids)
                self._doc_ids = doc_ids
            return self._matrix

    def _load(self, doc_ids: frozenset[str]) -> np.ndarray:
        if not doc_ids:
            return np.zeros((0, 0), dtype=np.float32)
        where = {"doc_id": {"$in": sorted(doc_ids)}}
        vectors = [v for v in read_all(self.store.sentences, ["embeddings"], where)["embeddings"]
                   if v is not None]  # fmt: skip
        if not vectors:
            return np.zeros((0, 0), dtype=np.float32)
        return np.asarray(vectors, dtype=np.float32)
