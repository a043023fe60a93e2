"""The saved-conversations list under the chat: kept in the browser, reopened, deleted."""

from __future__ import annotations

from typing import Any

import gradio as gr

from rag.settings import Settings
from ui import conversations, render
from ui.handlers import Turn, chat_messages


def build(settings: Settings) -> dict[str, Any]:
    """The browser-side store, the current conversation's id, the list and its delete button."""
    saved = gr.BrowserState([], storage_key=conversations.STORAGE_KEY,
                            secret=conversations.browser_secret(settings.data_dir))  # fmt: skip
    current = gr.State("")
    with gr.Row(equal_height=True):
        listing = gr.Dropdown([], value=None, label="Saved conversations (kept in this browser)",
                              elem_id="gw-conversations", scale=4)  # fmt: skip
        delete = gr.Button("Delete conversation", size="sm", scale=1, elem_id="gw-delete")
    return {"saved": saved, "current": current, "listing": listing, "delete": delete}


def remember(current: str, turns: list[Turn], saved: Any) -> tuple[str, Any, Any]:
    """After an answer: the conversation stored first in the list and selected there."""
    current, kept = conversations.save(current, turns, saved)
    return current, kept, listing_update(kept, current)


def reopen(chosen: str | None, saved: Any) -> tuple[Any, ...]:
    """A conversation picked from the list, shown as it was left."""
    turns = conversations.find(chosen, saved)
    if not turns:
        return "", [], [], render.render_details(None), ""
    last = turns[-1].get("answer")
    return chosen, turns, chat_messages(turns), render.render_details(last), ""


def restore(saved: Any) -> tuple[Any, ...]:
    """On page load: the newest saved conversation reopened, and the list filled."""
    kept = conversations.valid(saved)
    if not kept:  # nothing to show: leave alone a question asked while the page loaded
        return tuple(gr.skip() for _ in range(6))
    newest = kept[0]["id"]
    return (*reopen(newest, kept), listing_update(kept, newest))


def forget(current: str, saved: Any) -> tuple[Any, ...]:
    """Delete the shown conversation and start a fresh one."""
    kept = conversations.delete(current, saved)
    return "", [], [], render.render_details(None), "", kept, listing_update(kept, None)


def listing_update(saved: Any, selected: str | None) -> Any:
    """The list's choices (newest first) with ``selected`` shown as chosen."""
    return gr.update(choices=conversations.choices(saved), value=selected)


def wire(demo: Any, history: dict[str, Any], chat: dict[str, Any], docs: dict, turns: Any) -> None:
    """Reopen on pick, delete on the button, restore the newest on page load."""
    shown = [history["current"], turns, chat["chatbot"], chat["details"], docs["source"]]
    history["listing"].input(
        reopen, [history["listing"], history["saved"]], shown, api_visibility="private"
    )
    history["delete"].click(
        forget,
        [history["current"], history["saved"]],
        [*shown, history["saved"], history["listing"]],
        api_visibility="private",
    )
    demo.load(restore, history["saved"], [*shown, history["listing"]],
              api_visibility="private", show_progress="hidden")  # fmt: skip
