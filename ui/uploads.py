"""Store uploaded files safely under the uploads folder before they are ingested."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ingest.load import SUPPORTED_SUFFIXES
from rag.settings import Settings

_ODD_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME_CHARS = 120
_COPY_BLOCK = 1 << 20


@dataclass
class SavedUploads:
    """Files written to the uploads folder and one message per rejected file."""

    saved: list[Path] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def sanitize_filename(name: str) -> str:
    """A safe base name: no folders, no ``..``, ASCII letters, digits, ``._-`` only."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    ascii_name = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem, dot, suffix = ascii_name.rpartition(".")
    if not dot:
        stem, suffix = ascii_name, ""
    suffix = _ODD_CHARACTERS.sub("", suffix).lower()[:10]
    stem = re.sub(r"\.{2,}", ".", _ODD_CHARACTERS.sub("_", stem)).strip("._-") or "upload"
    suffix = f".{suffix}" if suffix else ""
    return stem[: _MAX_NAME_CHARS - len(suffix)] + suffix


def upload_path(item: Any) -> Path:
    """The temp path of one uploaded item (a path string, a FileData dict or a file object)."""
    if isinstance(item, dict):
        return Path(item["path"])
    return Path(getattr(item, "path", None) or getattr(item, "name", None) or str(item))


def save_uploads(items: Iterable[Any], settings: Settings) -> SavedUploads:
    """Copy accepted uploads into ``settings.uploads_dir``; reasons for the rest."""
    result = SavedUploads()
    folder = settings.uploads_dir
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    for position, item in enumerate(items):
        source = upload_path(item)
        shown = source.name
        if position >= settings.max_files_per_upload:
            result.rejected.append(
                f"{shown}: not ingested, at most {settings.max_files_per_upload} files per upload"
            )
            continue
        problem = _check_source(source, settings)
        if problem:
            result.rejected.append(f"{shown}: {problem}")
            continue
        target = root / sanitize_filename(shown)
        if target.parent != root or target.is_symlink():
            result.rejected.append(f"{shown}: refused, the name points outside the upload area")
            continue
        _copy_no_follow(source, target)
        result.saved.append(target)
    return result


def _check_source(source: Path, settings: Settings) -> str | None:
    suffix = source.suffix.lower()
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


def _copy_no_follow(source: Path, target: Path) -> None:
    """Copy bytes into ``target`` without ever following a symlink planted at that name."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(target, flags, 0o644)
    with open(source, "rb") as reader, os.fdopen(descriptor, "wb") as writer:
        while block := reader.read(_COPY_BLOCK):
            writer.write(block)
