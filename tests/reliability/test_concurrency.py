"""Ingesting while questions are being answered: no exception, every citation exact."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ingest.index import ingest_files
from rag.answer_types import Answer
from rag.pipeline import Answerer
from rag.settings import Settings
from rag.store import Store
from tests.conftest import ARTICLE
from tests.reliability.corpus import question, write_corpus

# Threads ingesting and answering at once over real documents (10-15 s each on 2 cores).
pytestmark = pytest.mark.slow

ASKERS = 3
QUESTIONS_PER_ASKER = 6
NEW_DOCUMENTS = 6
ARTICLE_QUESTIONS = [
    "Who is Sabrina Singh?",
    "By when must the US mission's transition in Iraq be finished?",
    "What year did the US invade Iraq?",
]


def test_ingest_while_answering(tmp_path: Path, settings: Settings, store: Store) -> None:
    ingest_files([ARTICLE], store, settings)
    answerer = Answerer(settings, store)
    paths = write_corpus(tmp_path / "notes", count=NEW_DOCUMENTS, filler_repeats=3)
    ingest_started = threading.Event()

    def ingest() -> list[str]:
        ingest_started.set()
        return ingest_files(paths, store, settings).added

    def ask(asker: int) -> list[Answer]:
        ingest_started.wait(timeout=30)
        answers = []
        for turn in range(QUESTIONS_PER_ASKER):
            pick = asker * QUESTIONS_PER_ASKER + turn
            text = (ARTICLE_QUESTIONS[pick % len(ARTICLE_QUESTIONS)] if pick % 2
                    else question(pick % NEW_DOCUMENTS))  # fmt: skip
            answers.append(answerer.ask(text))
        return answers

    with ThreadPoolExecutor(max_workers=ASKERS + 1) as pool:
        ingesting = pool.submit(ingest)
        asking = [pool.submit(ask, n) for n in range(ASKERS)]
        added = ingesting.result(timeout=300)
        answers = [a for future in asking for a in future.result(timeout=300)]

    assert sorted(added) == sorted(p.name for p in paths)
    assert len(answers) == ASKERS * QUESTIONS_PER_ASKER
    for answer in answers:
        assert answer.refused or answer.citations, answer
        for citation in answer.citations:
            assert store.document_text(citation.doc_id)[citation.start : citation.end] == (
                citation.quote
            )
            assert f"[{citation.n}]" in answer.answer
    # Once ingestion is over, every new document answers for itself.
    for i in range(NEW_DOCUMENTS):
        final = answerer.ask(question(i))
        assert not final.refused and f"{i + 3} tortoises" in final.answer, final.answer
        assert {c.source for c in final.citations} == {f"note_{i:02d}.txt"}


class _PausingReader:
    """A source file read by a slow client: the first block, then a pause until told to go on."""

    def __init__(self, path: Path, paused: threading.Event, resume: threading.Event) -> None:
        self._file = path.open("rb")
        self._paused, self._resume, self._reads = paused, resume, 0

    def read(self, size: int = -1) -> bytes:
        self._reads += 1
        if self._reads == 2:
            self._paused.set()
            self._resume.wait(timeout=120)
        return self._file.read(FIRST_BLOCK if self._reads == 1 else size)

    def __enter__(self) -> _PausingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


FIRST_BLOCK = 10_000  # more than a write buffer, so the cut-off copy reaches the disk


def test_concurrent_uploads_of_one_file_index_one_complete_copy(
    tmp_path: Path, settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One upload is ingested exactly while another upload of the same file is half copied."""
    import ingest.index
    import ui.uploads
    from ingest.chunk import chunk_text
    from ui.handlers import Handlers

    source = write_corpus(tmp_path / "big", count=1, filler_repeats=120)[0]
    original = source.read_text(encoding="utf-8")
    assert len(original.encode()) > 2 * FIRST_BLOCK
    handlers = Handlers(Answerer(settings, store))
    paused, resume = threading.Event(), threading.Event()
    real_open, real_load = open, ingest.index.load_document
    reports: dict[str, dict] = {}

    def slow_open(path: object, *args: object, **kwargs: object) -> object:
        if threading.current_thread().name == "slow" and Path(str(path)) == source:
            return _PausingReader(source, paused, resume)
        return real_open(path, *args, **kwargs)  # type: ignore[call-overload]

    def upload(name: str) -> None:
        reports[name] = handlers.ingest([str(source)])

    def load_while_the_slow_copy_is_half_written(path: Path, *args: object) -> object:
        if threading.current_thread().name == "fast" and not paused.is_set():
            threading.Thread(target=upload, args=("slow",), name="slow").start()
            assert paused.wait(timeout=120), "the slow upload never started copying"
        try:
            return real_load(path, *args)
        finally:
            resume.set()

    monkeypatch.setattr(ui.uploads, "open", slow_open, raising=False)
    monkeypatch.setattr(ingest.index, "load_document", load_while_the_slow_copy_is_half_written)
    fast = threading.Thread(target=upload, args=("fast",), name="fast")
    fast.start()
    fast.join(timeout=300)
    resume.set()
    for thread in threading.enumerate():
        if thread.name == "slow":
            thread.join(timeout=300)

    assert set(reports) == {"fast", "slow"}
    assert [r["skipped"] for r in reports.values()] == [[], []]
    assert sorted(len(r["added"]) for r in reports.values()) == [0, 1], reports
    assert sorted(len(r["unchanged"]) for r in reports.values()) == [0, 1], reports
    (document,) = store.list_documents()
    assert store.document_text(document["doc_id"]) == original
    expected = len(chunk_text(original, settings.chunk_size, settings.chunk_overlap))
    assert document["chunks"] == store.chunk_count() == expected
