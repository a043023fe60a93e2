"""Store uploaded files safely under the uploads folder before they are ingested."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ingest.index import IngestReport
from ingest.load import SUPPORTED_SUFFIXES
from rag.errors import GroundworkError
from rag.settings import Settings
from rag.store import Store

_ODD_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME_CHARS = 120
_HASH_CHARS = 8
_COPY_BLOCK = 1 << 20
_PARTIAL_SUFFIX = ".part"  # not a supported type, so a folder ingest never picks one up


@dataclass
class SavedUploads:
    """Files written to the uploads folder, the key each replaces by, and rejection reasons.

    A key is the uploaded (original) name: only a new upload under that same name replaces
    its document, never a different name that sanitises alike.
    """

    folder: Path
    saved: list[Path] = field(default_factory=list)
    keys: dict[Path, str] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)


def sanitize_filename(name: str) -> str:
    """A safe base name: no folders, no ``..``, ASCII letters, digits, ``._-`` only."""
    base = original_name(name)
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem, dot, suffix = ascii_name.rpartition(".")
    if not dot:
        stem, suffix = ascii_name, ""
    suffix = _ODD_CHARACTERS.sub("", suffix).lower()[:10]
    stem = re.sub(r"\.{2,}", ".", _ODD_CHARACTERS.sub("_", stem)).strip("._-") or "upload"
    suffix = f".{suffix}" if suffix else ""
    return stem[: _MAX_NAME_CHARS - len(suffix)] + suffix


def original_name(name: str) -> str:
    """The base name an upload was sent with (folders of either kind dropped), NFC-normalised."""
    return unicodedata.normalize("NFC", PureWindowsPath(PurePosixPath(name or "").name).name)


def stored_name(name: str, digest: str) -> str:
    """The name an upload is kept under: a readable sanitised stem plus a short content hash."""
    safe = sanitize_filename(name)
    stem, dot, suffix = safe.rpartition(".")
    if not dot:
        stem, suffix = safe, ""
    suffix = f".{suffix}" if suffix else ""
    tag = f"-{digest[:_HASH_CHARS]}"
    return stem[: _MAX_NAME_CHARS - len(tag) - len(suffix)] + tag + suffix


def upload_path(item: Any) -> Path:
    """The temp path of one uploaded item (a path string, a FileData dict or a file object)."""
    if isinstance(item, dict):
        return Path(item["path"])
    return Path(getattr(item, "path", None) or getattr(item, "name", None) or str(item))


def upload_name(item: Any) -> str:
    """The name the client gave an uploaded item (FileData's ``orig_name`` when present)."""
    given = item.get("orig_name") if isinstance(item, dict) else getattr(item, "orig_name", None)
    return original_name(str(given or upload_path(item).name))


def upload_folder(settings: Settings) -> Path:
    """The uploads folder, created if needed; refused if it is a symlink (it may lead anywhere)."""
    folder = settings.uploads_dir
    if folder.is_symlink():
        raise GroundworkError(
            f"The upload folder {folder} is a symbolic link; refusing to write through it "
            "(replace it with a real folder)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    return folder.resolve()


def save_uploads(items: Iterable[Any], settings: Settings) -> SavedUploads:
    """Copy accepted uploads into ``settings.uploads_dir``; reasons for the rest."""
    root = upload_folder(settings)
    result = SavedUploads(root)
    for position, item in enumerate(items):
        source, shown = upload_path(item), upload_name(item)
        if position >= settings.max_files_per_upload:
            result.rejected.append(
                f"{shown}: not ingested, at most {settings.max_files_per_upload} files per upload"
            )
            continue
        problem = _check_source(source, shown, settings)
        if problem:
            result.rejected.append(f"{shown}: {problem}")
            continue
        target = _store_atomically(source, shown, root)
        if target is None:
            result.rejected.append(f"{shown}: refused, the name points outside the upload area")
            continue
        result.saved.append(target)
        result.keys[target] = f"upload:{shown}"
    return result


def _check_source(source: Path, shown: str, settings: Settings) -> str | None:
    suffix = PurePosixPath(shown).suffix.lower() or source.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        return f"unsupported file type {suffix or '(none)'!r}; use {', '.join(SUPPORTED_SUFFIXES)}"
    if not source.is_file():
        return "the upload did not arrive"
    size = source.stat().st_size
    if size > settings.max_file_bytes:
        return f"too large ({size:,} bytes; the limit is {settings.max_file_bytes:,})"
    if size == 0:
        return "the file is empty"
    return None


def _store_atomically(source: Path, shown: str, root: Path) -> Path | None:
    """Copy ``source`` to a fresh temp file in ``root``, then rename it to its hashed name.

    Readers (the ingest of a concurrent upload of the same file) only ever see a complete
    file: ``os.replace`` swaps names atomically, and replaces a planted symlink instead of
    following it. ``mkstemp`` creates the temp file exclusively, so it never follows one either.
    """
    descriptor, partial = tempfile.mkstemp(dir=root, prefix=".incoming-", suffix=_PARTIAL_SUFFIX)
    try:
        digest = hashlib.sha256()
        with open(source, "rb") as reader, os.fdopen(descriptor, "wb") as writer:
            while block := reader.read(_COPY_BLOCK):
                digest.update(block)
                writer.write(block)
        target = root / stored_name(shown, digest.hexdigest())
        if target.parent != root or target.is_symlink():
            os.unlink(partial)
            return None
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return target


def indexed_sources(store: Store, keys: Iterable[str]) -> dict[str, str]:
    """doc_id → stored file name of the documents currently ingested under ``keys``."""
    return store.sources_by_key(keys)


def tidy_uploads(
    saved: SavedUploads, report: IngestReport, before: dict[str, str], store: Store
) -> None:
    """Delete stored files that are not in the index: rejected ones, and replaced versions.

    ``before`` is ``indexed_sources`` of the upload's keys, read before ingesting. Uploads are
    not serialised around this (parsing must not block other uploads), so a concurrent upload
    of the same name can at worst leave an old copy on disk or remove a stored copy; the
    index, which holds the text, is never touched here.
    """
    kept = {*report.added, *report.unchanged}
    current = store.document_ids(fresh=True)
    doomed = [path.name for path in saved.saved]
    doomed += [name for doc_id, name in before.items() if doc_id not in current]
    for name in doomed:
        path = saved.folder / name
        if name and name not in kept and path.parent == saved.folder:
            path.unlink(missing_ok=True)
