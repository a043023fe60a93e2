"""Write documents into the store idempotently: same text, same ids; changed text replaces old."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from chromadb.errors import ChromaError

from ingest.chunk import Chunk, chunk_text
from ingest.load import SUPPORTED_SUFFIXES, Limits, LoadedDocument, load_document
from rag.errors import DocumentRejected, GroundworkError
from rag.sentences import Span
from rag.settings import Settings
from rag.store import Store, ensure_space, index_failure

log = logging.getLogger(__name__)
# Writes to the index go one at a time (the "already there?" check and the writes must not
# interleave); reading, parsing and embedding files do not take it, so a slow or hostile file
# delays nobody else's upload.
WRITE_LOCK = threading.Lock()


@dataclass
class IngestReport:
    """What one ingest run did; ``skipped`` holds one warning line per rejected file."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        """One line for the end of an ingest run."""
        files = len(self.added) + len(self.unchanged)
        return (
            f"Ingested {files} file(s) ({len(self.added)} new or changed, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped), "
            f"{self.chunks} chunk(s) written in {self.seconds:.1f} s"
        )


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus supported files found under named folders."""
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            raise GroundworkError(f"Path not found: {path}")
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            files.append(path)
    return files


def ingest_files(
    files: list[Path],
    store: Store,
    settings: Settings,
    on_progress: Callable[[int, int, str], None] | None = None,
    keys: Mapping[Path, str] | None = None,
) -> IngestReport:
    """Load, chunk, embed and store each file; a bad file is skipped, the others still go in.

    A file's key (its resolved path unless ``keys`` names another) says which earlier
    document a changed version replaces.
    """
    report = IngestReport()
    started = time.perf_counter()
    limits = Limits.from_settings(settings)
    for position, path in enumerate(files):
        if on_progress:
            on_progress(position, len(files), path.name)
        try:
            document = load_document(path, limits)
        except DocumentRejected as exc:
            report.skipped.append(f"skipped {exc}")
            continue
        key = (keys or {}).get(path) or str(path.resolve())
        written = index_document(document, store, settings, key=key)
        (report.added if written else report.unchanged).append(document.source)
        report.chunks += written
    if on_progress:
        on_progress(len(files), len(files), "")
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Prepared:
    """A document's chunks and sentences with their vectors, ready to be written."""

    chunks: list[Chunk]
    spans: list[Span]
    sentences: list[str]
    vectors: np.ndarray  # the chunks' vectors, then the sentences'


def index_document(document: LoadedDocument, store: Store, settings: Settings, key: str) -> int:
    """Store one document unless its exact text is already there; returns chunks written.

    Chunking and embedding happen before ``WRITE_LOCK`` is taken; only the writes hold it.
    """
    if document.doc_id in store.document_ids(fresh=True):
        return 0
    prepared = _prepare(document, store, settings)
    with WRITE_LOCK:
        if document.doc_id in store.document_ids(fresh=True):
            return 0  # another upload of the same text finished first
        stored = [document.text, *(c.text for c in prepared.chunks), *prepared.sentences]
        ensure_space(settings, vectors=len(prepared.vectors) + 1, chars=sum(map(len, stored)))
        try:
            _write(document, prepared, store, key)
        except (ChromaError, OSError) as exc:
            _forget_partial(store, document.doc_id)
            raise index_failure(exc, settings) from exc
    return len(prepared.chunks)


def _prepare(document: LoadedDocument, store: Store, settings: Settings) -> _Prepared:
    chunks = chunk_text(document.text, settings.chunk_size, settings.chunk_overlap)
    spans = sorted({span for chunk in chunks for span in chunk.sentences}, key=lambda s: s.start)
    sentences = [document.text[span.start : span.end] for span in spans]
    # One batched encode for chunks and sentences alike (sorted by length inside).
    texts = [chunk.text for chunk in chunks] + sentences
    vectors = np.asarray(store.embeddings.embed_documents(texts), dtype=np.float32)
    return _Prepared(chunks, spans, sentences, vectors)


def _write(document: LoadedDocument, prepared: _Prepared, store: Store, key: str) -> None:
    chunks = prepared.chunks
    chunk_vectors = prepared.vectors[: len(chunks)]
    _delete_where(store, {"doc_id": document.doc_id})
    _write_chunks(document, chunks, store, key, chunk_vectors)
    _write_sentences(
        document, prepared.spans, prepared.sentences, store, prepared.vectors[len(chunks) :]
    )
    centroid = np.mean(chunk_vectors, axis=0)
    centroid = centroid / (np.linalg.norm(centroid) or 1.0)
    # The document record is written last: it marks the ingestion as complete.
    store.documents.upsert(
        ids=[document.doc_id],
        documents=[document.text],
        embeddings=[centroid.tolist()],
        metadatas=[{"source": document.source, "key": key, "chunks": len(chunks),
                    "chars": len(document.text), "ingested_at": time.time()}],
    )  # fmt: skip
    store.changed()
    _replace_older_versions(store, key, document.doc_id)


def _forget_partial(store: Store, doc_id: str) -> None:
    """Try to remove what a failed write left; without its record it is never answered from."""
    try:
        _delete_where(store, {"doc_id": doc_id})
    except Exception:  # the disk may still be full: a re-run deletes them first anyway
        log.info("could not remove the partial chunks of %s", doc_id[:16])


def _write_chunks(
    document: LoadedDocument, chunks: list[Chunk], store: Store, key: str, vectors: np.ndarray
) -> None:
    ids = [f"{document.doc_id[:16]}:{chunk.index}" for chunk in chunks]
    metadatas = [
        {"source": document.source, "doc_id": document.doc_id, "key": key,
         "chunk_index": chunk.index, "start": chunk.start, "end": chunk.end}
        for chunk in chunks
    ]  # fmt: skip
    store.chunk_collection.upsert(
        ids=ids,
        embeddings=vectors,
        documents=[chunk.text for chunk in chunks],
        metadatas=metadatas,  # type: ignore[arg-type]
    )


def _write_sentences(
    document: LoadedDocument, spans: list[Span], texts: list[str], store: Store, vectors: np.ndarray
) -> None:
    for batch in range(0, len(spans), 1000):
        part = slice(batch, batch + 1000)
        store.sentences.upsert(
            ids=[f"{document.doc_id[:16]}:s{span.start}" for span in spans[part]],
            embeddings=vectors[part],
            documents=texts[part],
            metadatas=[
                {
                    "source": document.source,
                    "doc_id": document.doc_id,
                    "start": span.start,
                    "end": span.end,
                }
                for span in spans[part]
            ],
        )


def _replace_older_versions(store: Store, key: str, doc_id: str) -> None:
    """Remove what an earlier version of the same file left behind."""
    older = store.documents.get(where={"key": key}, include=[])["ids"]
    for old_id in older:
        if old_id != doc_id:
            _delete_where(store, {"doc_id": old_id})
            store.documents.delete(ids=[old_id])
            store.changed()


def _delete_where(store: Store, where: dict[str, str]) -> None:
    store.chunk_collection.delete(where=where)  # type: ignore[arg-type]
    store.sentences.delete(where=where)  # type: ignore[arg-type]
