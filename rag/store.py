"""The index's layout: chunks, sentences and whole documents in three Chroma collections.

Only this module knows the collections' metadata keys and id formats; everyone else reads and
writes through ``Store``'s methods. Chunks are plain Chroma collections: searching happens in
memory (``rag.chunk_index``) and writing takes vectors embedded in one batch with the sentences,
so LangChain's ``Chroma`` wrapper, which embeds on write and searches in Chroma, has no part.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from rag.chroma_client import make_client, read_all
from rag.errors import IndexUnavailable
from rag.sentence_cache import SentenceCache, SentenceRow
from rag.sentences import Span
from rag.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)
_COSINE = {"hnsw:space": "cosine"}
IDS_REUSE_S = 0.25  # how long one read of the document list answers again
SENTENCE_BATCH = 1000  # sentences per upsert


class StoredChunk(Protocol):
    """What the store keeps of a chunk (``ingest.chunk.Chunk`` is one)."""

    @property
    def index(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def text(self) -> str: ...


@dataclass
class DocumentWrite:
    """One document ready to be written: its text, chunks, sentences and their vectors."""

    doc_id: str
    text: str
    source: str
    key: str  # which earlier document a new version replaces (one key, one document)
    chunks: Sequence[StoredChunk]
    chunk_vectors: np.ndarray
    sentences: Sequence[Span]
    sentence_vectors: np.ndarray


class Store:
    """The three collections one index consists of, behind typed reads and writes."""

    def __init__(
        self,
        client: ClientAPI,
        chunks: Collection,
        sentences: Collection,
        documents: Collection,
        embeddings: Embeddings,
    ) -> None:
        self.client = client
        self.chunk_collection = chunks
        self.sentences = sentences
        self.documents = documents
        self.embeddings = embeddings
        self.sentence_cache = SentenceCache(self._sentence_rows, sentences.count, self.document_ids)
        self._listing: tuple[set[str], list[dict[str, Any]]] | None = None
        self._ids: tuple[frozenset[str], float] | None = None
        self._ids_lock = threading.Lock()

    def document_ids(self, fresh: bool = False) -> set[str]:
        """Documents whose ingestion completed (their record is written last).

        One question asks several times, so a read is reused for ``IDS_REUSE_S``; writes
        through this store (``changed``) end that at once, other processes' within the window.
        ``fresh`` always reads the index.
        """
        with self._ids_lock:
            memo = self._ids
            if not fresh and memo and time.monotonic() - memo[1] < IDS_REUSE_S:
                return set(memo[0])
        ids = set(self.documents.get(include=[])["ids"])
        with self._ids_lock:
            self._ids = (frozenset(ids), time.monotonic())
        self.sentence_cache.retain(ids)
        return ids

    def changed(self) -> None:
        """Forget what was read about the documents: the index was just written to."""
        with self._ids_lock:
            self._ids = None

    def document_text(self, doc_id: str) -> str:
        """The full text that every offset of ``doc_id`` refers to."""
        found = self.documents.get(ids=[doc_id], include=["documents"])
        docs = found.get("documents") or []
        if not docs or docs[0] is None:
            raise KeyError(doc_id)
        return docs[0]

    def list_documents(self) -> list[dict[str, Any]]:
        """Metadata of every ingested document, sorted by source name."""
        ids = self.document_ids()
        cached = self._listing
        if cached is None or cached[0] != ids:  # a record never changes while it exists
            found = self.documents.get(include=["metadatas"])
            rows = [
                {"doc_id": doc_id, **dict(meta or {})}
                for doc_id, meta in zip(found["ids"], found["metadatas"] or [], strict=False)
            ]
            rows.sort(key=lambda row: str(row.get("source", "")))
            cached = self._listing = ({str(row["doc_id"]) for row in rows}, rows)
        return [dict(row) for row in cached[1]]

    def sources_by_key(self, keys: Iterable[str]) -> dict[str, str]:
        """doc_id → source name of the documents stored under ``keys``."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        where: Any = {"key": {"$in": wanted}}
        found = self.documents.get(where=where, include=["metadatas"])
        return {
            doc_id: str((meta or {}).get("source", ""))
            for doc_id, meta in zip(found["ids"], found["metadatas"] or [], strict=False)
        }

    def chunks(
        self, doc_ids: set[str] | None = None, vectors: bool = True
    ) -> tuple[list[Document], list[Any]]:
        """Stored chunks (of ``doc_ids`` only, when given) as Documents, and their vectors.

        A chunk's metadata holds ``doc_id``, ``source``, ``start``, ``end`` and ``chunk_index``.
        """
        include = ["documents", "metadatas", *(["embeddings"] if vectors else [])]
        found = read_all(self.chunk_collection, include)
        held = found["embeddings"] if vectors else [()] * len(found["ids"])
        docs, kept = [], []
        for chunk_id, text, meta, vector in zip(
            found["ids"], found["documents"], found["metadatas"], held, strict=True
        ):
            wanted = doc_ids is None or (meta or {}).get("doc_id") in doc_ids
            if wanted and vector is not None:
                metadata = dict(meta or {})
                docs.append(Document(id=chunk_id, page_content=text or "", metadata=metadata))
                kept.append(vector)
        return docs, kept if vectors else []

    def chunk_ranges(self, doc_id: str) -> list[tuple[str, int, int]]:
        """(chunk id, start, end) of each chunk of ``doc_id``, in text order."""
        found = self.chunk_collection.get(where={"doc_id": doc_id}, include=["metadatas"])
        ranges = [
            (chunk_id, int(str(meta["start"])), int(str(meta["end"])))
            for chunk_id, meta in zip(found["ids"], found["metadatas"] or [], strict=False)
            if meta is not None
        ]
        return sorted(ranges, key=lambda r: r[1])

    def nearest_sentences(self, query_vector: list[float], n: int) -> list[tuple[str, int, int]]:
        """(doc_id, start, end) of the ``n`` stored sentences most similar to the query."""
        return self.sentence_cache.nearest(query_vector, n)

    def chunk_count(self) -> int:
        """How many chunks the index holds."""
        return int(self.chunk_collection.count())

    def sentences_within(self, chunks: list[Document]) -> tuple[list[str], list[dict], Any]:
        """Texts, metadata and vectors of every stored sentence inside ``chunks`` (from memory).

        A sentence's metadata holds ``doc_id``, ``source``, ``start`` and ``end``.
        """
        if not chunks:
            return [], [], []
        return self.sentence_cache.within(chunks)

    def sentence_vectors(self, doc_id: str) -> list[Any]:
        """The vectors of every stored sentence of ``doc_id``, in no particular order."""
        return read_all(self.sentences, ["embeddings"], {"doc_id": doc_id})["embeddings"]

    def _sentence_rows(self, doc_ids: list[str]) -> list[SentenceRow]:
        """(text, metadata, vector) of every stored sentence of ``doc_ids``."""
        where = {"doc_id": {"$in": doc_ids}} if len(doc_ids) > 1 else {"doc_id": doc_ids[0]}
        found = read_all(self.sentences, ["documents", "metadatas", "embeddings"], where)
        return [
            (text, dict(meta), vector)
            for text, meta, vector in zip(
                found["documents"], found["metadatas"], found["embeddings"], strict=True
            )
            if text is not None and meta is not None and vector is not None
        ]

    def write_document(self, write: DocumentWrite) -> None:
        """Store a document; its record goes last, marking it complete; older versions go.

        On a failure before the record, the parts written are removed (best effort) and the
        error is raised: without its record the document is never answered from.
        """
        try:
            self._delete_parts(write.doc_id)
            self._write_chunks(write)
            self._write_sentences(write)
        except Exception:
            self._try_delete_parts(write.doc_id)
            raise
        centroid = np.mean(write.chunk_vectors, axis=0)
        centroid = centroid / (np.linalg.norm(centroid) or 1.0)
        try:
            self.documents.upsert(
                ids=[write.doc_id],
                documents=[write.text],
                embeddings=[centroid.tolist()],
                metadatas=[{"source": write.source, "key": write.key, "chunks": len(write.chunks),
                            "chars": len(write.text), "ingested_at": time.time()}],
            )  # fmt: skip
        except Exception:
            self._try_delete_parts(write.doc_id)
            raise
        self.changed()
        older = self.documents.get(where={"key": write.key}, include=[])["ids"]
        for old_id in older:
            if old_id != write.doc_id:
                self.delete_document(old_id)

    def delete_document(self, doc_id: str) -> None:
        """Remove a document: its chunks and sentences, then its record."""
        self._delete_parts(doc_id)
        self.documents.delete(ids=[doc_id])
        self.changed()

    def _write_chunks(self, write: DocumentWrite) -> None:
        self.chunk_collection.upsert(
            ids=[f"{write.doc_id[:16]}:{chunk.index}" for chunk in write.chunks],
            embeddings=write.chunk_vectors,
            documents=[chunk.text for chunk in write.chunks],
            metadatas=[
                {
                    "source": write.source,
                    "doc_id": write.doc_id,
                    "key": write.key,
                    "chunk_index": chunk.index,
                    "start": chunk.start,
                    "end": chunk.end,
                }
                for chunk in write.chunks
            ],
        )

    def _write_sentences(self, write: DocumentWrite) -> None:
        spans = write.sentences
        for batch in range(0, len(spans), SENTENCE_BATCH):
            part = slice(batch, batch + SENTENCE_BATCH)
            self.sentences.upsert(
                ids=[f"{write.doc_id[:16]}:s{span.start}" for span in spans[part]],
                embeddings=write.sentence_vectors[part],
                documents=[write.text[span.start : span.end] for span in spans[part]],
                metadatas=[
                    {
                        "source": write.source,
                        "doc_id": write.doc_id,
                        "start": span.start,
                        "end": span.end,
                    }
                    for span in spans[part]
                ],
            )

    def _delete_parts(self, doc_id: str) -> None:
        self.chunk_collection.delete(where={"doc_id": doc_id})
        self.sentences.delete(where={"doc_id": doc_id})

    def _try_delete_parts(self, doc_id: str) -> None:
        try:
            self._delete_parts(doc_id)
        except Exception:  # the disk may still be full: a re-run deletes them first anyway
            log.info("could not remove the partial chunks of %s", doc_id[:16])


def open_store(settings: Settings, embeddings: Embeddings) -> Store:
    """Open (creating if needed) the collections of the configured index."""
    client = make_client(settings)
    name = settings.collection
    try:
        chunks, sentences, documents = (
            client.get_or_create_collection(
                f"{name}_{part}", metadata=_COSINE, embedding_function=None
            )
            for part in ("chunks", "sentences", "documents")
        )
    except Exception as exc:
        raise IndexUnavailable(
            f"The index at {settings.index_dir} is unreadable ({exc}); "
            "run `groundwork ingest --reset` to rebuild it"
        ) from exc
    return Store(client, chunks, sentences, documents, embeddings)
