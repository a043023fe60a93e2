"""The index's Chroma client: opening, paged reads, resetting, disk space, one-line failures."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import DiskFull, GroundworkError, IndexUnavailable
from rag.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

COLLECTION_PARTS = ("chunks", "sentences", "documents")
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


def chroma_settings() -> Any:
    """Chroma's settings for every client: no telemetry; ``reset`` allowed."""
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=True)


def make_client(settings: Settings) -> ClientAPI:
    """An embedded persistent client, or an HTTP client when a Chroma server is configured."""
    import chromadb

    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings()
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
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings())
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


def reset_index(settings: Settings) -> None:
    """Delete the configured index; a corrupted local directory is removed outright."""
    names = [f"{settings.collection}_{part}" for part in COLLECTION_PARTS]
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
