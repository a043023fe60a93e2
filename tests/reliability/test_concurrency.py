"""Ingesting while questions are being answered: no exception, every citation exact."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ingest.index import ingest_files
from rag.answer import Answer
from rag.answering import Answerer
from rag.settings import Settings
from rag.store import Store
from tests.conftest import ARTICLE
from tests.reliability.corpus import question, write_corpus

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
