"""Conversations kept in the browser (Gradio's ``BrowserState``): save, list, reopen, delete.

The browser keeps a JSON list, newest first, of ``{"id", "title", "turns"}``; each turn is
``{"question", "answer"}`` (the Answer as a dict, or None) plus ``"error"`` when it failed.
Whatever comes back from the browser is validated: a conversation that does not parse is
dropped rather than shown half-restored.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import uuid
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rag.answer_types import Answer

MAX_CONVERSATIONS = 30
SECRET_FILE = "browser-state.key"
STORAGE_KEY = "groundwork-conversations"
TITLE_CHARS = 60

Turn = dict[str, Any]
Saved = list[dict[str, Any]]


def title_of(turns: list[Turn]) -> str:
    """A conversation's name in the list: its first question, shortened to one line."""
    first = " ".join(str(turns[0].get("question", "")).split()) if turns else ""
    if len(first) > TITLE_CHARS:
        first = first[: TITLE_CHARS - 1].rstrip() + "…"
    return first or "(empty question)"


def stored_turns(turns: list[Turn]) -> list[Turn]:
    """Turns as JSON-friendly dicts for the browser."""
    stored = []
    for turn in turns:
        answer = turn.get("answer")
        dumped = answer.model_dump() if isinstance(answer, Answer) else None
        item: Turn = {"question": str(turn.get("question", "")), "answer": dumped}
        if turn.get("error"):
            item["error"] = str(turn["error"])
        stored.append(item)
    return stored


def restored_turns(stored: Any) -> list[Turn] | None:
    """Turns read back from the browser, answers as ``Answer`` again; None when malformed."""
    if not isinstance(stored, list):
        return None
    turns: list[Turn] = []
    try:
        for item in stored:
            answer = item.get("answer")
            turn: Turn = {"question": str(item["question"]),
                          "answer": Answer.model_validate(answer) if answer else None}  # fmt: skip
            if item.get("error"):
                turn["error"] = str(item["error"])
            elif turn["answer"] is None:
                return None  # an unfinished turn: the page was left mid-answer
            turns.append(turn)
    except (AttributeError, KeyError, TypeError, ValidationError):
        return None
    return turns


def valid(saved: Any) -> Saved:
    """The saved conversations that parse, in order; anything else from the browser dropped."""
    if not isinstance(saved, list):
        return []
    kept = []
    for item in saved:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            turns = restored_turns(item.get("turns"))
            if turns:
                kept.append({"id": item["id"], "title": title_of(turns), "turns": item["turns"]})
    return kept


def save(conversation_id: str, turns: list[Turn], saved: Any) -> tuple[str, Saved]:
    """Store the current conversation first in the list; its id (a new one when it had none)."""
    kept = valid(saved)
    if not turns:
        return conversation_id, kept
    conversation_id = conversation_id or uuid.uuid4().hex
    entry = {"id": conversation_id, "title": title_of(turns), "turns": stored_turns(turns)}
    others = [item for item in kept if item["id"] != conversation_id]
    return conversation_id, [entry, *others][:MAX_CONVERSATIONS]


def find(conversation_id: str | None, saved: Any) -> list[Turn]:
    """The turns of one saved conversation, or none when it is not (or no longer) there."""
    for item in valid(saved):
        if item["id"] == conversation_id:
            return restored_turns(item["turns"]) or []
    return []


def delete(conversation_id: str | None, saved: Any) -> Saved:
    """The saved conversations without this one."""
    return [item for item in valid(saved) if item["id"] != conversation_id]


def choices(saved: Any) -> list[tuple[str, str]]:
    """(title, id) pairs for the conversation list, newest first."""
    return [(item["title"], item["id"]) for item in valid(saved)]


def browser_secret(data_dir: Path) -> str:
    """The key ``BrowserState`` encrypts saved conversations with, kept across server restarts.

    Gradio's default is a new random key per start, which would make every saved
    conversation unreadable after a restart.
    """
    path = data_dir / SECRET_FILE
    with contextlib.suppress(FileNotFoundError):
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(24)
    with contextlib.suppress(FileExistsError):  # another process may have just written one
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secret)
    return path.read_text(encoding="utf-8").strip()
