"""The Chroma store: chunks (a LangChain vector store), sentences and whole documents."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from rag.errors import IndexUnavailable
from rag.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

_COSINE = {"hnsw:space": "cosine"}


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

    def document_ids(self) -> set[str]:
        """Documents whose ingestion completed (their record is written last)."""
        return set(self.documents.get(include=[])["ids"])

    def document_text(self, doc_id: str) -> str:
        """The full text that every offset of ``doc_id`` refers to."""
        found = self.documents.get(ids=[doc_id], include=["documents"])
        docs = found.get("documents") or []
        if not docs or docs[0] is None:
            raise KeyError(doc_id)
        return docs[0]

    def list_documents(self) -> list[dict[str, Any]]:
        """Metadata of every ingested document, sorted by source name."""
        found = self.documents.get(include=["metadatas"])
        rows = [
            {"doc_id": doc_id, **dict(meta or {})}
            for doc_id, meta in zip(found["ids"], found["metadatas"] or [], strict=False)
        ]
        return sorted(rows, key=lambda row: str(row.get("source", "")))

    @property
    def chunk_collection(self) -> Collection:
        """The raw Chroma collection behind the LangChain vector store."""
        return self.chunks._collection

    def sentences_within(self, chunks: list[Document]) -> tuple[list[str], list[dict], Any]:
        """Texts, metadata and vectors of every stored sentence inside ``chunks``."""
        if not chunks:
            return [], [], []
        found = self.sentences.get(
            where=_inside_any(chunks),  # type: ignore[arg-type]
            include=["documents", "metadatas", "embeddings"],
        )
        texts = found["documents"] or []
        metas = [dict(m or {}) for m in found["metadatas"] or []]
        vectors = found["embeddings"]
        if vectors is None:
            return [], [], []
        return texts, metas, vectors

    def chunk_count(self) -> int:
        """How many chunks the index holds."""
        return int(self.chunk_collection.count())


def _inside_any(chunks: list[Document]) -> dict[str, object]:
    clauses: list[dict[str, object]] = [
        {"$and": [{"doc_id": doc.metadata["doc_id"]},
                  {"start": {"$gte": int(doc.metadata["start"])}},
                  {"end": {"$lte": int(doc.metadata["end"])}}]}
        for doc in chunks
    ]  # fmt: skip
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


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
    try:
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=_chroma_settings())
    except Exception as exc:
        raise IndexUnavailable(
            f"The index at {settings.index_dir} cannot be opened ({exc}); "
            "run `groundwork ingest --reset` to rebuild it"
        ) from exc


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
