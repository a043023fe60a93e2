"""Sentences of complete documents (texts, metadata, vectors) kept in memory, by document."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from langchain_core.documents import Document

SentenceRow = tuple[str, dict[str, Any], Any]  # text, metadata, vector
MAX_ROWS = 200_000  # about 300 MB of float32 vectors; least recently used documents go first


@dataclass
class _DocSentences:
    """One document's sentences in offset order; ``starts`` and ``ends`` both ascend."""

    starts: np.ndarray
    ends: np.ndarray
    texts: list[str]
    metas: list[dict[str, Any]]
    vectors: np.ndarray

    @classmethod
    def build(cls, rows: list[SentenceRow]) -> _DocSentences:
        """From unordered (text, metadata, vector) rows of one document."""
        rows = sorted(rows, key=lambda row: int(row[1]["start"]))
        dim = len(rows[0][2]) if rows else 0
        return cls(
            starts=np.asarray([int(row[1]["start"]) for row in rows], dtype=np.int64),
            ends=np.asarray([int(row[1]["end"]) for row in rows], dtype=np.int64),
            texts=[row[0] for row in rows],
            metas=[row[1] for row in rows],
            vectors=np.asarray([row[2] for row in rows], dtype=np.float32).reshape(-1, dim),
        )

    def inside(self, start: int, end: int) -> range:
        """Positions of the sentences lying within ``[start, end)``."""
        first = int(np.searchsorted(self.starts, start, side="left"))
        last = int(np.searchsorted(self.ends, end, side="right"))
        return range(first, max(first, last))


class SentenceCache:
    """Answers ``Store.sentences_within`` from memory; loads a document's sentences once.

    Only complete documents are kept (a document id is the hash of its text, so its sentences
    never change while its record exists); one that stops being complete is forgotten.
    """

    def __init__(
        self,
        load: Callable[[list[str]], list[SentenceRow]],
        count: Callable[[], int],
        complete: Callable[[], set[str]],
    ) -> None:
        """``load`` reads the sentences of some documents, ``count`` all stored sentences."""
        self._read = load
        self._count = count
        self._refresh = complete
        self._docs: OrderedDict[str, _DocSentences] = OrderedDict()
        self._complete: set[str] = set()
        self._lock = threading.Lock()

    def retain(self, complete: set[str]) -> None:
        """Note which documents are complete; forget every other entry."""
        with self._lock:
            self._complete = set(complete)
            for doc_id in [d for d in self._docs if d not in complete]:
                del self._docs[doc_id]

    def within(self, chunks: list[Document]) -> tuple[list[str], list[dict], np.ndarray]:
        """Texts, metadata and vectors of the sentences inside ``chunks``, each sentence once."""
        docs = self._documents({str(doc.metadata["doc_id"]) for doc in chunks})
        seen: set[tuple[str, int]] = set()
        texts: list[str] = []
        metas: list[dict] = []
        rows: list[np.ndarray] = []
        for chunk in chunks:
            doc_id = str(chunk.metadata["doc_id"])
            entry = docs.get(doc_id)
            if entry is None:
                continue
            for i in entry.inside(int(chunk.metadata["start"]), int(chunk.metadata["end"])):
                if (doc_id, i) not in seen:
                    seen.add((doc_id, i))
                    texts.append(entry.texts[i])
                    metas.append(dict(entry.metas[i]))
                    rows.append(entry.vectors[i])
        return texts, metas, np.asarray(rows, dtype=np.float32)

    def nearest(self, query_vector: list[float], n: int) -> list[tuple[str, int, int]]:
        """(doc_id, start, end) of the ``n`` sentences most like the query, over every document."""
        docs = self._documents(self._refresh())
        query = np.asarray(query_vector, dtype=np.float32)
        hits: list[tuple[float, str, int, int]] = []
        for doc_id, entry in docs.items():
            if not len(entry.vectors):
                continue
            scores = entry.vectors @ query
            top = np.argsort(-scores, kind="stable")[:n]
            hits += [(float(scores[i]), doc_id, int(entry.starts[i]), int(entry.ends[i]))
                     for i in top]  # fmt: skip
        hits.sort(key=lambda hit: (-hit[0], hit[1], hit[2]))
        return [(doc_id, start, end) for _, doc_id, start, end in hits[:n]]

    def _documents(self, wanted: set[str]) -> dict[str, _DocSentences]:
        """The entries of ``wanted``, loading what is missing from Chroma."""
        found = {}
        with self._lock:
            for doc_id in wanted & set(self._docs):
                self._docs.move_to_end(doc_id)
                found[doc_id] = self._docs[doc_id]
        missing = wanted - set(found)
        if missing:
            self.retain(self._refresh())
            with self._lock:
                load = set(missing)
                if self._count() <= MAX_ROWS:
                    # One trip for every complete document not cached yet: later questions
                    # about other documents find theirs in memory too.
                    load |= self._complete - set(self._docs)
                loaded = self._load(sorted(load))
                for doc_id, entry in loaded.items():
                    if doc_id in self._complete:
                        self._docs[doc_id] = entry
                found.update({doc_id: loaded[doc_id] for doc_id in missing if doc_id in loaded})
                self._evict()
        return found

    def _load(self, doc_ids: list[str]) -> dict[str, _DocSentences]:
        rows: dict[str, list[SentenceRow]] = {doc_id: [] for doc_id in doc_ids}
        for row in self._read(doc_ids):
            rows[str(row[1]["doc_id"])].append(row)
        return {
            doc_id: _DocSentences.build(doc_rows) for doc_id, doc_rows in rows.items() if doc_rows
        }

    def _evict(self) -> None:
        total = sum(len(entry.texts) for entry in self._docs.values())
        while total > MAX_ROWS and len(self._docs) > 1:
            _, entry = self._docs.popitem(last=False)
            total -= len(entry.texts)
