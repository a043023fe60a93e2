"""Unit vectors of the texts the support checker compares, each embedded once.

Verification compares a sentence with its passages, their sentences and word windows. The
sentences of one answer cite the same few candidates, and re-citing compares a sentence with
every candidate, so the same passage texts came back for every sentence and were embedded
again each time; they are kept here (a bounded cache, oldest out first). New texts are embedded
in small batches of similar length, so a short window is not padded to the longest passage.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.embeddings import sentence_transformer

MAX_CACHED = 4096  # texts kept (about 12 MB of vectors)
BATCH_SIZE = 16  # texts per forward pass; sorted by length, so each batch pads little


class SupportVectors:
    """Embeds texts for the support checker, remembering the vectors it made."""

    def __init__(self, embeddings: Embeddings, size: int = MAX_CACHED) -> None:
        self.embeddings = embeddings
        self.size = size
        self._model = sentence_transformer(embeddings)
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()  # the UI answers several questions at once

    def of(self, texts: Iterable[str]) -> dict[str, np.ndarray]:
        """The unit vector of each text; new texts are embedded together."""
        wanted = list(dict.fromkeys(texts))
        with self._lock:
            found = {text: self._vectors[text] for text in wanted if text in self._vectors}
            for text in found:
                self._vectors.move_to_end(text)
        missing = [text for text in wanted if text not in found]
        if missing:
            fresh = dict(zip(missing, self._embed(missing), strict=True))
            with self._lock:
                self._vectors.update(fresh)
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
            found.update(fresh)
        return found

    def _embed(self, texts: list[str]) -> np.ndarray:
        if self._model is not None:
            raw = self._model.encode(texts, batch_size=BATCH_SIZE, normalize_embeddings=True)
        else:  # any other LangChain embeddings: one call
            raw = self.embeddings.embed_documents(texts)
        matrix = np.asarray(raw, dtype=float)
        return matrix / (np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12)
