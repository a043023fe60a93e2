"""The record a running ``groundwork serve`` leaves in its data directory, so the CLI can use it.

``<data_dir>/server.json`` holds the URL, pid, start time, the resolved data directory and a
digest of the answering settings. It is written once the server listens, removed on a clean
exit, and ignored when stale (its process is gone, or it describes another data directory or
other settings, e.g. a copied data directory), so a crash never sends the CLI anywhere.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.settings import Settings

SERVER_FILE = "server.json"
# Where a server listens, how it logs in, what it ingests by default and its default backend
# (every request names one) do not change its answers; the data directory is compared resolved.
_NOT_ANSWERING = {"host", "port", "auth", "corpus_paths", "data_dir", "llm"}


@dataclass(frozen=True)
class ServerRecord:
    """Where a running server listens and what it serves."""

    url: str
    pid: int
    started_at: float
    data_dir: str
    settings_digest: str


def record_path(settings: Settings) -> Path:
    """Where the server record of ``settings.data_dir`` lives."""
    return settings.data_dir / SERVER_FILE


def settings_digest(settings: Settings) -> str:
    """A digest of every setting that shapes answers: equal digests give equal answers."""
    payload = settings.model_dump_json(exclude=_NOT_ANSWERING)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def write_record(settings: Settings, url: str) -> ServerRecord:
    """Record that this process serves ``settings.data_dir`` at ``url`` (atomically replaced)."""
    record = ServerRecord(
        url=url if url.endswith("/") else url + "/",
        pid=os.getpid(),
        started_at=time.time(),
        data_dir=str(settings.data_dir.resolve()),
        settings_digest=settings_digest(settings),
    )
    path = record_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{SERVER_FILE}.{os.getpid()}")
    partial.write_text(json.dumps(asdict(record)), encoding="utf-8")
    partial.replace(path)
    return record


def remove_record(settings: Settings) -> None:
    """Remove the record if it is this process's (a newer server's record is left alone)."""
    path = record_path(settings)
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        if json.loads(path.read_text(encoding="utf-8"))["pid"] == os.getpid():
            path.unlink()


@contextlib.contextmanager
def server_record(settings: Settings, url: str) -> Iterator[ServerRecord]:
    """The record written for the duration of a ``with`` block, removed however it ends."""
    record = write_record(settings, url)
    try:
        yield record
    finally:
        remove_record(settings)


def read_record(settings: Settings) -> ServerRecord | None:
    """The live server serving these settings' data directory, or None (missing or stale)."""
    record = live_record(settings)
    if record is None or record.settings_digest != settings_digest(settings):
        return None
    return record


def live_record(settings: Settings) -> ServerRecord | None:
    """The live server of this data directory whatever its answering settings, or None."""
    try:
        raw = json.loads(record_path(settings).read_text(encoding="utf-8"))
        record = ServerRecord(**{name: raw[name] for name in ServerRecord.__dataclass_fields__})
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not (isinstance(record.pid, int) and isinstance(record.url, str)):
        return None
    if record.data_dir != str(settings.data_dir.resolve()):
        return None
    return record if process_alive(record.pid) else None


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without signalling)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True
