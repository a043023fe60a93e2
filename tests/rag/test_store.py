"""The store's typed reads and writes: what goes in comes back, replaced, deleted or not at all."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from chromadb.api.models.Collection import Collection

from ingest.chunk import chunk_text
from rag.store import DocumentWrite, Store

TEXT = "The bridge opened in 1990. It is red. The tunnel opened in 2001."


def written(store: Store, text: str = TEXT, source: str = "doc.txt", key: str = "k") -> str:
    """Write ``text`` through ``Store.write_document`` with one short chunk per sentence."""
    doc_id = hashlib.sha256(text.encode()).hexdigest()
    chunks = chunk_text(text, chunk_size=30, overlap=0)
    spans = sorted({s for c in chunks for s in c.sentences}, key=lambda s: s.start)
    vectors = np.asarray(
        store.embeddings.embed_documents(
            [c.text for c in chunks] + [text[s.start : s.end] for s in spans]
        ),
        dtype=np.float32,
    )
    store.write_document(
        DocumentWrite(
            doc_id=doc_id, text=text, source=source, key=key, chunks=chunks,
            chunk_vectors=vectors[: len(chunks)], sentences=spans,
            sentence_vectors=vectors[len(chunks) :],
        )
    )  # fmt: skip
    return doc_id


def test_a_written_document_reads_back_by_every_method(store: Store) -> None:
    doc_id = written(store)
    assert store.document_ids() == {doc_id}
    assert store.document_text(doc_id) == TEXT
    (row,) = store.list_documents()
    assert row["doc_id"] == doc_id and row["source"] == "doc.txt" and row["chars"] == len(TEXT)
    assert store.sources_by_key(["k", "other"]) == {doc_id: "doc.txt"}
    docs, vectors = store.chunks({doc_id})
    assert len(docs) == len(vectors) == store.chunk_count() == row["chunks"] == 3
    for doc in docs:
        meta = doc.metadata
        assert TEXT[meta["start"] : meta["end"]] == doc.page_content and meta["doc_id"] == doc_id
    ranges = store.chunk_ranges(doc_id)
    assert [r[0] for r in ranges] == [d.id for d in sorted(docs, key=lambda d: d.metadata["start"])]
    assert len(store.sentence_vectors(doc_id)) == 3
    texts, metas, _ = store.sentences_within(docs)
    assert texts == ["The bridge opened in 1990.", "It is red.", "The tunnel opened in 2001."]
    assert [TEXT[m["start"] : m["end"]] for m in metas] == texts


def test_chunks_of_other_documents_are_left_out_and_vectors_are_optional(store: Store) -> None:
    first = written(store)
    written(store, "Owls hunt at night.", "owls.txt", key="owls")
    docs, vectors = store.chunks({first}, vectors=False)
    assert {d.metadata["doc_id"] for d in docs} == {first} and vectors == []
    assert len(store.chunks()[0]) == store.chunk_count() == 4


def test_a_new_version_under_the_same_key_replaces_the_old(store: Store) -> None:
    old = written(store)
    new = written(store, "Owls hunt at night.", "doc.txt")
    assert store.document_ids(fresh=True) == {new}
    assert store.chunk_ranges(old) == [] and store.sentence_vectors(old) == []
    assert store.sources_by_key(["k"]) == {new: "doc.txt"}


def test_delete_document_removes_every_part(store: Store) -> None:
    doc_id = written(store)
    store.delete_document(doc_id)
    assert store.document_ids() == set() and store.chunk_count() == 0
    assert store.sentence_vectors(doc_id) == [] and store.list_documents() == []


def test_a_failed_write_leaves_no_record_and_no_parts(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    upsert = Collection.upsert

    def fail_on_sentences(self: Collection, *args: object, **kwargs: object) -> None:
        if self.name.endswith("_sentences"):
            raise OSError("disk gone")
        upsert(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Collection, "upsert", fail_on_sentences)
    with pytest.raises(OSError, match="disk gone"):
        written(store)
    assert store.document_ids(fresh=True) == set() and store.chunk_count() == 0
