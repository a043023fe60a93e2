"""The Chroma store: chunks (a LangChain vector store), sentences and whole documents."""

from __future__ import annotations

import errno
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from rag.errors import DiskFull, GroundworkError, IndexUnavailable
from rag.sentence_cache import SentenceCache
from rag.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

_COSINE = {"hnsw:space": "cosine"}
IDS_REUSE_S = 0.25  # how long one read of the document list answers again
PAGE_ROWS = 5000  # rows per Chroma read when reading a whole collection
# Measured with Chroma 1.5 (the Ninja manual: 720 vectors, 146k characters, 3.7 MB): about
# 4.4 KB of SQLite (log, table, full-text index) and 1.7 KB of HNSW per vector. The estimate
# is about twice that: a write Chroma logs but cannot apply leaves every later read of that
# collection failing until space is freed, so a write that may not fit is not started.
BYTES_PER_VECTOR = 6 * 1024
BYTES_PER_CHAR = 8
SPACE_HEADROOM = 1 << 20
# What SQLite (through Chroma) and the OS say when the disk is full.
_DISK_FULL_SIGNS = ("database or disk is full", "no space left on device", "os error 28")


class Store:
    """Handles to the three collections one index consists of."""

    def __init__(
        self,
        client: ClientAPI,
        chunks: Chroma,
        sentences: Collection,
        documents: Collection,
        embeddings: Embeddings,
    ) -> None:
        self.client = client
        self.chunks = chunks
        self.sentences = sentences
        self.documents = documents
        self.embeddings = embeddings
        self.sentence_cache = SentenceCache(sentences, self.document_ids)
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

    @property
    def chunk_collection(self) -> Collection:
        """The raw Chroma collection behind the LangChain vector store."""
        return self.chunks._collection

    def sentences_within(self, chunks: list[Document]) -> tuple[list[str], list[dict], Any]:
        """Texts, metadata and vectors of every stored sentence inside ``chunks`` (from memory)."""
        if not chunks:
            return [], [], []
        return self.sentence_cache.within(chunks)

    def nearest_sentences(self, query_vector: list[float], n: int) -> list[tuple[str, int, int]]:
        """(doc_id, start, end) of the ``n`` stored sentences most similar to the query."""
        return self.sentence_cache.nearest(query_vector, n)

    def chunk_count(self) -> int:
        """How many chunks the index holds."""
        return int(self.chunk_collection.count())


def read_all(
    collection: Collection, include: list[str], where: dict[str, Any] | None = None
) -> dict[str, list[Any]]:
    """``collection.get`` in pages of ``PAGE_ROWS`` (one large read exceeds SQLite's limits)."""
    merged: dict[str, list[Any]] = {"ids": [], **{part: [] for part in include}}
    offset = 0
    while True:
        found = collection.get(
            where=where,
            include=include,  # type: ignore[arg-type]
            limit=PAGE_ROWS,
            offset=offset,
        )
        merged["ids"].extend(found["ids"])
        for part in include:
            values: Any = dict(found).get(part)
            merged[part].extend(values if values is not None else [None] * len(found["ids"]))
        if len(found["ids"]) < PAGE_ROWS:
            return merged
        offset += PAGE_ROWS


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=True)


def make_client(settings: Settings) -> ClientAPI:
    """An embedded persistent client, or an HTTP client when a Chroma server is configured."""
    import chromadb

    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=_chroma_settings()
            )
        except Exception as exc:
            raise IndexUnavailable(
                f"Cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
                f" ({exc})"
            ) from exc
    blocker = _file_in_the_way(settings.index_dir)
    if blocker is not None:
        raise IndexUnavailable(
            f"The index at {settings.index_dir} cannot be opened: {blocker} is a file, not a "
            "folder; move that file away or set GROUNDWORK_DATA_DIR to another folder"
        )
    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=_chroma_settings())
    except Exception as exc:
        raise IndexUnavailable(
            f"The index at {settings.index_dir} cannot be opened ({exc}); "
            "run `groundwork ingest --reset` to rebuild it"
        ) from exc


def _file_in_the_way(folder: Path) -> Path | None:
    """The first existing non-folder on the way to ``folder`` (resetting cannot fix that)."""
    for path in [*reversed(folder.parents), folder]:
        if path.exists() and not path.is_dir():
            return path
    return None


def open_store(settings: Settings, embeddings: Embeddings) -> Store:
    """Open (creating if needed) the collections of the configured index."""
    client = make_client(settings)
    name = settings.collection
    try:
        chunks = Chroma(
            client=client,
            collection_name=f"{name}_chunks",
            embedding_function=embeddings,
            collection_metadata=_COSINE,
        )
        sentences = client.get_or_create_collection(
            f"{name}_sentences", metadata=_COSINE, embedding_function=None
        )
        documents = client.get_or_create_collection(
            f"{name}_documents", metadata=_COSINE, embedding_function=None
        )
    except Exception as exc:
        raise IndexUnavailable(
            f"The index at {settings.index_dir} is unreadable ({exc}); "
            "run `groundwork ingest --reset` to rebuild it"
        ) from exc
    return Store(client, chunks, sentences, documents, embeddings)


def reset_index(settings: Settings) -> None:
    """Delete the configured index; a corrupted local directory is removed outright."""
    names = [f"{settings.collection}_{part}" for part in ("chunks", "sentences", "documents")]
    try:
        client = make_client(settings)
        existing = {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}
        for collection in names:
            if collection in existing:
                client.delete_collection(collection)
    except Exception:
        if settings.chroma_host:
            raise
        shutil.rmtree(settings.index_dir, ignore_errors=True)
        from chromadb.api.client import SharedSystemClient

        # The failed open left a half-built client cached for this path; drop it.
        SharedSystemClient.clear_system_cache()


def ensure_space(settings: Settings, vectors: int, chars: int) -> None:
    """Raise ``DiskFull`` unless the local index's disk has room for a write of that size."""
    if settings.chroma_host:  # a Chroma server minds its own disk
        return
    need = vectors * BYTES_PER_VECTOR + chars * BYTES_PER_CHAR + SPACE_HEADROOM
    free = _free_bytes(settings.index_dir)
    if free < need:
        raise DiskFull(
            f"no space left on {settings.index_dir}: this document needs about "
            f"{need / 1e6:.1f} MB, {free / 1e6:.1f} MB are free; nothing was written"
        )


def _free_bytes(folder: Path) -> int:
    existing = next((p for p in [folder, *folder.parents] if p.exists()), Path("/"))
    return shutil.disk_usage(existing).free


def index_failure(exc: Exception, settings: Settings) -> GroundworkError:
    """A one-line error for a Chroma (or OS) failure on the configured index."""
    if _disk_full(exc, settings):
        return DiskFull(f"no space left on {settings.index_dir}; free some space and try again")
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return IndexUnavailable(
        f"The index at {settings.index_dir} failed ({reason}); "
        "if this persists, run `groundwork ingest --reset` to rebuild it"
    )


def _disk_full(exc: Exception, settings: Settings) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    if any(sign in str(exc).lower() for sign in _DISK_FULL_SIGNS):
        return True
    # A logged write Chroma could not apply names no cause; a nearly full disk is the usual one.
    return not settings.chroma_host and _free_bytes(settings.index_dir) < SPACE_HEADROOM
