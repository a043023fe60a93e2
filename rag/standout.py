"""How similar a question is to an ordinary sentence of a document: the bar evidence must clear.

In a long document about one subject every sentence resembles every question on that subject,
so an on-topic but unanswerable question still finds a "good" sentence. Evidence only counts
when it stands out from what a typical sentence of *its own* document scores for the same
question: pooling all documents would let a long manual push a short article's sentences
over the size limit and judge them against the manual's percentile.
"""

from __future__ import annotations

import threading

import numpy as np

from rag.store import Store

PERCENTILE = 90


class TopicBaseline:
    """The question's similarity with one document's sentences at the 90th percentile."""

    def __init__(self, store: Store, min_sentences: int) -> None:
        self.store = store
        self.min_sentences = min_sentences
        self._matrices: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def level(self, query_vector: list[float], doc_id: str) -> float | None:
        """The baseline over ``doc_id``'s sentences, or None when it has too few for one."""
        matrix = self._sentence_matrix(doc_id)
        if len(matrix) < self.min_sentences:
            return None
        similarities = matrix @ np.asarray(query_vector, dtype=np.float32)
        return float(np.percentile(similarities, PERCENTILE))

    def _sentence_matrix(self, doc_id: str) -> np.ndarray:
        """Every sentence vector of ``doc_id``, loaded once (an id is the hash of the text)."""
        with self._lock:
            matrix = self._matrices.get(doc_id)
            if matrix is None:
                complete = self.store.document_ids()
                # Forget removed or replaced documents so memory follows the index.
                self._matrices = {d: m for d, m in self._matrices.items() if d in complete}
                matrix = self._load(doc_id) if doc_id in complete else _EMPTY
                if doc_id in complete:
                    self._matrices[doc_id] = matrix
            return matrix

    def _load(self, doc_id: str) -> np.ndarray:
        vectors = [v for v in self.store.sentence_vectors(doc_id) if v is not None]
        if not vectors:
            return _EMPTY
        return np.asarray(vectors, dtype=np.float32)


_EMPTY = np.zeros((0, 0), dtype=np.float32)
