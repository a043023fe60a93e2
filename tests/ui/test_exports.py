"""The "Download conversation" file: one per session, replaced each turn, removed when done."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from rag.answer_types import Answer
from rag.pipeline import Answerer
from rag.settings import Settings
from rag.store import Store
from ui.exports import FILE_NAME, ConversationExports


def turns(count: int) -> list[dict[str, Any]]:
    """A conversation of ``count`` refused turns."""
    answer = Answer(question="q", answer="The document does not say.", refused=True,
                    backend="extractive")  # fmt: skip
    return [{"question": f"Question {i}?", "answer": answer} for i in range(count)]


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def test_many_turns_leave_one_file_per_session_and_close_removes_them() -> None:
    exports = ConversationExports()
    alice, bob = SimpleNamespace(session_hash="alice"), SimpleNamespace(session_hash="bob")
    written = [exports.write(turns(n), alice) for n in range(1, 8)]
    assert files_under(exports.root) == [Path(str(written[-1]))]
    assert Path(str(written[-1])).name == FILE_NAME
    assert "Question 6?" in Path(str(written[-1])).read_text(encoding="utf-8")

    for n in range(1, 4):
        last = exports.write(turns(n), bob)
    assert len(files_under(exports.root)) == 2

    exports.forget(alice)  # the tab was closed, or a new conversation started
    assert files_under(exports.root) == [Path(str(last))]
    assert exports.write([], bob) is None and files_under(exports.root) == []
    exports.write(turns(1), alice)
    exports.close()
    assert not exports.root.exists()


def test_the_apps_download_handler_does_not_pile_up_files(settings: Settings, store: Store) -> None:
    import gradio as gr

    from ui.app import build_app

    demo = build_app(settings, Answerer(settings, store))
    (button,) = [b for b in demo.blocks.values() if isinstance(b, gr.DownloadButton)]
    (export,) = {f.fn for f in demo.fns.values() if list(f.outputs) == [button]}
    written = [export(turns(n)) for n in range(1, 7)]  # six chat turns, one session
    assert [Path(str(path)).exists() for path in written] == [False] * 5 + [True]
