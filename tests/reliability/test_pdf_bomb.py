"""A tiny PDF that expands to a huge text is rejected early, and never holds up other uploads."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from pypdf import PageObject

from rag.pipeline import Answerer
from rag.settings import Settings
from rag.store import Store
from tests.reliability.pdf_bomb import pdf_bomb
from ui.handlers import Handlers

WAIT_S = 120  # generous bounds on waiting, never measured


def test_a_pdf_bomb_is_rejected_while_another_upload_goes_through(
    tmp_path: Path, settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = pdf_bomb(tmp_path / "bomb.pdf")
    note = tmp_path / "note.txt"
    note.write_text("The quarry reopens in the spring of 2031.\n", encoding="utf-8")
    handlers = Handlers(Answerer(settings, store))
    bomb_parsing, note_done = threading.Event(), threading.Event()
    pages: list[bool] = []  # per page of the bomb read: was the note already in by then?
    original = PageObject.extract_text

    def extract_text(page: PageObject, *args: object, **kwargs: object) -> str:
        # Hold the bomb in the middle of parsing until the other upload is done (or gave up).
        bomb_parsing.set()
        pages.append(note_done.wait(timeout=WAIT_S))
        return original(page, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(PageObject, "extract_text", extract_text)
    pool = ThreadPoolExecutor(max_workers=2)
    try:
        bombing = pool.submit(handlers.ingest, [str(bomb)])
        assert bomb_parsing.wait(timeout=WAIT_S)
        noting = pool.submit(handlers.ingest, [str(note)])
        note_report = noting.result(timeout=WAIT_S)  # times out if it waits behind the bomb
        note_done.set()
        bomb_report = bombing.result(timeout=WAIT_S)
    finally:
        note_done.set()
        pool.shutdown(wait=False, cancel_futures=True)
    assert len(note_report["added"]) == 1 and note_report["skipped"] == []
    assert bomb_report["added"] == [] and len(bomb_report["skipped"]) == 1
    assert "page 1 has more than 100,000 characters" in bomb_report["skipped"][0]
    assert "GROUNDWORK_MAX_PAGE_CHARS" in bomb_report["skipped"][0]
    assert pages == [True]  # read only its first page, and only after the note went in
    assert [row["source"] for row in store.list_documents()] == note_report["added"]
