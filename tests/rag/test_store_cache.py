"""What the store keeps in memory answers exactly as Chroma does, and follows every write."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

import rag.chroma_client
import rag.store
from ingest.index import ingest_files
from rag.chunk_index import ChunkIndex
from rag.retrieval import ChunkRetriever
from rag.store import Store, open_store, read_all
from rag.text import content_terms

QUESTIONS = [
    "Who speaks for the Pentagon?",
    "How many American soldiers stayed on after the coalition operations ended?",
    "Until when will the forces stay in the Syrian oil regions?",
    "What did the Iraqi premier tell Bloomberg?",
    "Why did America invade in 2003?",
]


def _from_chroma(store: Store, chunks: list) -> dict[tuple[str, int], tuple[str, np.ndarray]]:
    """The sentences inside ``chunks`` straight from Chroma, keyed by (doc_id, start)."""
    clauses = [
        {"$and": [{"doc_id": d.metadata["doc_id"]}, {"start": {"$gte": d.metadata["start"]}},
                  {"end": {"$lte": d.metadata["end"]}}]}
        for d in chunks
    ]  # fmt: skip
    where = clauses[0] if len(clauses) == 1 else {"$or": clauses}
    found = store.sentences.get(where=where, include=["documents", "metadatas", "embeddings"])
    return {
        (meta["doc_id"], meta["start"]): (text, np.asarray(vector))
        for text, meta, vector in zip(
            found["documents"], found["metadatas"], found["embeddings"], strict=True
        )
    }


@pytest.mark.parametrize("question", QUESTIONS)
def test_sentences_within_equal_chromas_answer(article_store: Store, question: str) -> None:
    chunks = ChunkRetriever(store=article_store, k=3).invoke(question)
    texts, metas, vectors = article_store.sentences_within(chunks)
    expected = _from_chroma(article_store, chunks)
    assert len(texts) == len(expected)
    for text, meta, vector in zip(texts, metas, vectors, strict=True):
        want_text, want_vector = expected[(meta["doc_id"], meta["start"])]
        assert text == want_text
        assert np.array_equal(np.asarray(vector, dtype=np.float32), want_vector)


def test_bm25_scores_equal_rank_bm25(article_store: Store) -> None:
    index = ChunkIndex.from_store(article_store, article_store.document_ids())
    reference = BM25Okapi([content_terms(d.page_content) or ["\u2205"] for d in index.docs])
    for question in QUESTIONS:
        terms = content_terms(question)
        assert np.array_equal(index.scores(terms), reference.get_scores(terms))
        scores = reference.get_scores(terms)
        order = sorted(range(len(index.docs)), key=lambda i: -scores[i])
        assert [d.id for d in index.search(question, 3)] == [
            index.docs[i].id for i in order[:3] if scores[i] > 0
        ]


def test_dense_search_is_exact(article_store: Store, embeddings) -> None:  # type: ignore[no-untyped-def]
    index = ChunkIndex.from_store(article_store, article_store.document_ids(), bm25=False)
    for question in QUESTIONS:
        vector = np.asarray(embeddings.embed_query(question), dtype=np.float32)
        found = index.dense(list(vector), 3)
        cosines = [float(index.vectors[index.rows[str(d.id)]] @ vector) for d in found]
        assert cosines == sorted(cosines, reverse=True)
        best = float(np.max(index.vectors @ vector))
        assert found[0].metadata["score"] == round(best, 4)


def test_read_all_pages_through_a_collection(article_store: Store, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(rag.chroma_client, "PAGE_ROWS", 7)
    found = read_all(article_store.sentences, ["documents", "metadatas"])
    assert len(found["ids"]) == len(set(found["ids"])) == article_store.sentences.count()
    assert len(found["documents"]) == len(found["metadatas"]) == len(found["ids"])


def test_a_changed_file_is_answered_from_its_new_text(tmp_path: Path, store, settings) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "doc.txt"
    path.write_text("The bridge opened in 1990. It is red.", encoding="utf-8")
    ingest_files([path], store, settings)
    chunks = ChunkRetriever(store=store, k=1).invoke("When did it open?")
    assert "The bridge opened in 1990." in store.sentences_within(chunks)[0]
    path.write_text("The tunnel opened in 2001. It is long.", encoding="utf-8")
    ingest_files([path], store, settings)
    assert len(store.document_ids()) == 1
    chunks = ChunkRetriever(store=store, k=1).invoke("When did it open?")
    texts = store.sentences_within(chunks)[0]
    assert "The tunnel opened in 2001." in texts and "The bridge opened in 1990." not in texts
    assert [row["source"] for row in store.list_documents()] == ["doc.txt"]


def test_another_writer_shows_once_the_reuse_window_ends(
    tmp_path: Path,
    store,
    settings,
    embeddings,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Owls hunt at night.", encoding="utf-8")
    assert store.document_ids() == set()
    other = open_store(settings, embeddings)  # another process's handle on the same index
    ingest_files([path], other, settings)
    assert len(store.document_ids(fresh=True)) == 1
    chunks = ChunkRetriever(store=store, k=1).invoke("What hunts?")
    assert store.sentences_within(chunks)[0] == ["Owls hunt at night."]
    path.write_text("Bats hunt at dusk.", encoding="utf-8")
    ingest_files([path], other, settings)
    monkeypatch.setattr(rag.store, "IDS_REUSE_S", 0.0)
    assert store.document_ids() == other.document_ids()
    chunks = ChunkRetriever(store=store, k=1).invoke("What hunts?")
    assert store.sentences_within(chunks)[0] == ["Bats hunt at dusk."]


def test_retriever_copies_share_one_index(article_store: Store) -> None:
    retriever = ChunkRetriever(store=article_store, k=4)
    copy = retriever.model_copy(update={"k": 2})  # what a request with its own k uses
    assert len(copy.invoke(QUESTIONS[0])) == 2
    assert retriever._shared.index is not None and retriever._shared is copy._shared


def test_nearest_sentences_are_the_most_similar_of_all_stored_ones(article_store: Store) -> None:
    vector = article_store.embeddings.embed_query(QUESTIONS[2])
    found = read_all(article_store.sentences, ["metadatas", "embeddings"])
    similarity = np.asarray(found["embeddings"], dtype=np.float32) @ np.asarray(vector, np.float32)
    best = [found["metadatas"][i] for i in np.argsort(-similarity)[:3]]
    expected = [(m["doc_id"], int(m["start"]), int(m["end"])) for m in best]
    assert article_store.nearest_sentences(vector, 3) == expected


def test_the_chunk_holding_a_sentence_holds_it_whole(article_store: Store) -> None:
    vector = article_store.embeddings.embed_query(QUESTIONS[1])
    spans = article_store.nearest_sentences(vector, 5)
    chunks = ChunkRetriever(store=article_store).chunks_holding(spans + spans)
    assert 1 <= len(chunks) <= 5 and len({c.id for c in chunks}) == len(chunks)  # each once
    for doc_id, start, end in spans:
        assert any(
            c.metadata["doc_id"] == doc_id
            and c.metadata["start"] <= start
            and end <= c.metadata["end"]
            for c in chunks
        )
    assert ChunkRetriever(store=article_store).chunks_holding([("nope", 0, 10)]) == []
