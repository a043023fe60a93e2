"""Write documents into the store idempotently: same text, same ids; changed text replaces old."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from chromadb.errors import ChromaError

from ingest.chunk import Chunk, chunk_text
from ingest.load import SUPPORTED_SUFFIXES, Limits, LoadedDocument, load_document
from rag.chroma_client import ensure_space, index_failure
from rag.errors import DocumentRejected, GroundworkError
from rag.sentences import Span
from rag.settings import Settings
from rag.store import DocumentWrite, Store

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
        chunks = len(prepared.chunks)
        write = DocumentWrite(
            doc_id=document.doc_id, text=document.text, source=document.source, key=key,
            chunks=prepared.chunks, chunk_vectors=prepared.vectors[:chunks],
            sentences=prepared.spans, sentence_vectors=prepared.vectors[chunks:],
        )  # fmt: skip
        try:
            store.write_document(write)
        except (ChromaError, OSError) as exc:
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
