"""SIGKILL during ``groundwork ingest``: nothing half-written is answered; a re-run completes."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from ingest.index import expand_paths, ingest_files
from rag.pipeline import Answerer
from rag.retrieval import ChunkRetriever
from rag.store import Store, open_store
from tests.conftest import ARTICLE, make_settings
from tests.reliability.corpus import cli, cli_env, fact, question, write_corpus

pytestmark = pytest.mark.slow
DOCUMENTS = 12
POLL_S = 0.05
MAX_POLLS = 2400  # two minutes at most for the first document to complete


def completed_count(database: Path) -> int:
    """Documents recorded as complete, read straight from Chroma's SQLite (read-only)."""
    if not database.is_file():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=0.2) as db:
            row = db.execute(
                "SELECT COUNT(*) FROM embeddings e JOIN segments s ON e.segment_id = s.id "
                "JOIN collections c ON s.collection = c.id WHERE c.name = ?",
                ("groundwork_documents",),
            ).fetchone()
        return int(row[0])
    except sqlite3.Error:
        return 0


def fresh_store(data_dir: Path, embeddings: Any) -> Store:
    """A store read from disk, not from a client this process cached earlier."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    return open_store(make_settings(data_dir), embeddings)


def layout(store: Store) -> tuple[Counter[str], Counter[str], list[str]]:
    """Chunks per document, sentences per document, and every chunk id."""
    chunks = store.chunk_collection.get(include=["metadatas"])
    sentences = store.sentences.get(include=["metadatas"])
    per_doc = Counter(str(m["doc_id"]) for m in chunks["metadatas"] or [])
    sentences_per_doc = Counter(str(m["doc_id"]) for m in sentences["metadatas"] or [])
    return per_doc, sentences_per_doc, list(chunks["ids"])


def test_killed_ingest_is_never_answered_from_and_rerun_completes(
    tmp_path: Path, embeddings: Any
) -> None:
    folder = tmp_path / "docs"
    paths = write_corpus(folder, DOCUMENTS, filler_repeats=1)
    (folder / ARTICLE.name).write_bytes(ARTICLE.read_bytes())
    total = DOCUMENTS + 1
    data_dir = tmp_path / "gw"
    database = data_dir / "chroma" / "chroma.sqlite3"

    process = subprocess.Popen(
        cli("ingest", str(folder)), cwd=tmp_path, env=cli_env(data_dir),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(MAX_POLLS):
            if completed_count(database) >= 1 or process.poll() is not None:
                break
            time.sleep(POLL_S)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL, f"ingest ended by itself: {stderr[-2000:]}"

    store = fresh_store(data_dir, embeddings)
    complete = store.document_ids()
    assert 1 <= len(complete) < total, len(complete)
    print(f"\nkilled after {len(complete)} of {total} documents completed")
    settings = make_settings(data_dir)
    answerer = Answerer(settings, store)
    sources = {row["doc_id"]: row["source"] for row in store.list_documents()}
    for doc_id, source in sources.items():
        text = store.document_text(doc_id)
        if source == ARTICLE.name:
            assert "Pentagon spokesperson Sabrina Singh" in text, text[:200]
            answer = answerer.ask("Who is Sabrina Singh?")
        else:
            i = int(source.removeprefix("note_").removesuffix(".txt"))
            assert fact(i) in text, text  # this document's own fact, whole
            answer = answerer.ask(question(i))
            assert f"{i + 3} tortoises" in answer.answer, answer.answer
        assert not answer.refused and answer.citations, answer
        assert any(c.doc_id == doc_id for c in answer.citations)
        for citation in answer.citations:
            assert citation.doc_id in complete
            quote = store.document_text(citation.doc_id)[citation.start : citation.end]
            assert quote == citation.quote

    retriever = ChunkRetriever(store=store, k=8, mode="hybrid")
    partial = set(layout(store)[0]) - complete
    print(f"documents with chunks but no record (cut mid-write): {len(partial)}")
    for i in range(DOCUMENTS):
        for doc in retriever.invoke(question(i)):
            assert doc.metadata["doc_id"] in complete, doc.metadata

    rerun = subprocess.run(
        cli("ingest", str(folder)), cwd=tmp_path, env=cli_env(data_dir),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr

    clean_settings = make_settings(tmp_path / "clean")
    clean = fresh_store(tmp_path / "clean", embeddings)
    report = ingest_files(expand_paths([folder]), clean, clean_settings)
    assert len(report.added) == total
    store = fresh_store(data_dir, embeddings)
    listed = store.list_documents()
    assert sorted(row["source"] for row in listed) == sorted(
        [p.name for p in paths] + [ARTICLE.name]
    )
    assert len({row["doc_id"] for row in listed}) == total
    chunks, sentences, ids = layout(store)
    clean = fresh_store(tmp_path / "clean", embeddings)
    clean_chunks, clean_sentences, clean_ids = layout(clean)
    assert len(ids) == len(set(ids))
    assert chunks == clean_chunks
    assert sentences == clean_sentences
    assert sorted(ids) == sorted(clean_ids)
