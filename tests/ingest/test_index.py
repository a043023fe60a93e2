import shutil

from ingest.chunk import chunk_text
from ingest.index import expand_paths, ingest_files
from tests.conftest import ARTICLE


def test_every_chunk_and_sentence_points_at_exact_document_text(tmp_path, store, settings):
    page = tmp_path / "page.html"
    page.write_text("<p>Alpha beta. Gamma delta!</p><div>Epsilon zeta?</div>", encoding="utf-8")
    md = tmp_path / "notes.md"
    md.write_text("# Notes\n\nThe river is 40 km long. It floods in May.\n", encoding="utf-8")
    shutil.copy(ARTICLE, tmp_path / ARTICLE.name)
    report = ingest_files(expand_paths([tmp_path]), store, settings)
    assert sorted(report.added) == sorted([ARTICLE.name, "notes.md", "page.html"])
    for doc in store.list_documents():
        text = store.document_text(doc["doc_id"])
        for collection in (store.chunk_collection, store.sentences):
            found = collection.get(
                where={"doc_id": doc["doc_id"]}, include=["documents", "metadatas"]
            )
            assert found["ids"]
            for body, meta in zip(found["documents"], found["metadatas"], strict=True):
                assert text[meta["start"] : meta["end"]] == body


def test_ingesting_twice_changes_nothing(store, settings):
    first = ingest_files([ARTICLE], store, settings)
    count = store.chunk_count()
    second = ingest_files([ARTICLE], store, settings)
    assert first.chunks == count == len(chunk_text(ARTICLE.read_text(encoding="utf-8"), 600, 120))
    assert second.unchanged == [ARTICLE.name] and second.chunks == 0
    assert store.chunk_count() == count


def test_changed_file_replaces_its_chunks(tmp_path, store, settings):
    path = tmp_path / "doc.txt"
    path.write_text("The bridge opened in 1990. It is red.", encoding="utf-8")
    ingest_files([path], store, settings)
    path.write_text("The tunnel opened in 2001. It is long. Trains use it daily.", encoding="utf-8")
    ingest_files([path], store, settings)
    docs = store.list_documents()
    assert len(docs) == 1
    bodies = store.chunk_collection.get(include=["documents"])["documents"]
    assert bodies and all("bridge" not in body for body in bodies)
    sentences = store.sentences.get(include=["documents"])["documents"]
    assert "The tunnel opened in 2001." in sentences and "It is red." not in sentences


def test_bad_file_in_a_folder_does_not_stop_the_good_ones(tmp_path, store, settings):
    (tmp_path / "good.txt").write_text("Owls hunt at night.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.md").write_bytes(b"\x00\xff" * 100)
    report = ingest_files(expand_paths([tmp_path]), store, settings)
    assert report.added == ["good.txt"]
    assert len(report.skipped) == 2
    assert any("empty.txt" in line for line in report.skipped)
    assert "1 new or changed" in report.summary() and "2 skipped" in report.summary()
