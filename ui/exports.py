"""The "Download conversation" files: at most one per browser session, in one app folder."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from ui import render

FILE_NAME = "groundwork-conversation.md"


class ConversationExports:
    """Writes each session's conversation as Markdown, replacing that session's previous file.

    Every file lives in one temporary folder owned by the app; it is deleted by ``close`` or,
    at the latest, when the interpreter exits. Each write goes into a fresh random subfolder
    (so a browser never serves a stale copy under a reused address, and nobody can guess it)
    and the session's previous file is deleted at once.
    """

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="groundwork-export-")
        self.root = Path(self._folder.name).resolve()
        self._files: dict[str, Path] = {}
        self._lock = threading.Lock()

    def write(
        self, turns: Sequence[dict[str, Any]], request: gr.Request | None = None
    ) -> str | None:
        """Write the conversation of the requesting session; its path, or None when empty."""
        if not turns:
            self.forget(request)
            return None
        path = self.root / secrets.token_hex(16) / FILE_NAME
        path.parent.mkdir()
        path.write_text(render.conversation_markdown(turns), encoding="utf-8")
        with self._lock:
            previous = self._files.get(_session(request))
            self._files[_session(request)] = path
        if previous is not None:
            shutil.rmtree(previous.parent, ignore_errors=True)
        return str(path)

    def forget(self, request: gr.Request | None = None) -> None:
        """Delete the requesting session's file (a new conversation, or the tab was closed)."""
        with self._lock:
            previous = self._files.pop(_session(request), None)
        if previous is not None:
            shutil.rmtree(previous.parent, ignore_errors=True)

    def close(self) -> None:
        """Delete every file and the folder itself."""
        with self._lock:
            self._files.clear()
        self._folder.cleanup()


def _session(request: gr.Request | None) -> str:
    # Gradio injects the gr.Request (by the annotation); direct callers share one session.
    return str(getattr(request, "session_hash", None) or "-")
