"""Uploads kept under distinct hashed names, replaced only on purpose, and tidied after ingest."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from rag.errors import GroundworkError
from rag.pipeline import Answerer
from rag.settings import Settings
from rag.store import Store
from tests.conftest import make_settings
from ui.handlers import Handlers
from ui.uploads import sanitize_filename, save_uploads, stored_name

LIGHTHOUSE = "The lighthouse on Gull Rock was painted green in 1987 by the harbour trust.\n"
FERRY = "The ferry to Puffin Island leaves the quay at 07:40 on every Tuesday morning.\n"


def stored_files(settings: Settings) -> set[str]:
    """Names of the files kept in the uploads folder."""
    return {path.name for path in settings.uploads_dir.iterdir()}


def test_stored_name_keeps_a_readable_stem_and_a_content_hash() -> None:
    digest = hashlib.sha256(b"x").hexdigest()
    assert stored_name("My Notes (v2).txt", digest) == f"My_Notes_v2-{digest[:8]}.txt"
    assert stored_name("报告.pdf", digest) == f"upload-{digest[:8]}.pdf"
    assert len(stored_name("x" * 500 + ".md", digest)) == 120


def test_names_that_sanitise_alike_stay_two_documents(
    tmp_path: Path, settings: Settings, store: Store
) -> None:
    handlers = Handlers(Answerer(settings, store))
    cyrillic, chinese = tmp_path / "отчёт.txt", tmp_path / "报告.txt"
    cyrillic.write_text(LIGHTHOUSE, encoding="utf-8")
    chinese.write_text(FERRY, encoding="utf-8")
    assert sanitize_filename(cyrillic.name) == sanitize_filename(chinese.name) == "upload.txt"

    first = handlers.ingest([str(cyrillic)])["added"]
    second = handlers.ingest([str(chinese)])["added"]

    assert len(first) == len(second) == 1 and first != second
    assert all(re.fullmatch(r"upload-[0-9a-f]{8}\.txt", name) for name in first + second)
    assert {d["source"] for d in store.list_documents()} == {*first, *second}
    assert len(handlers.document_choices()) == 2
    for question, name in [("What colour was the lighthouse on Gull Rock painted?", first[0]),
                           ("When does the ferry to Puffin Island leave?", second[0])]:  # fmt: skip
        answer = handlers.answerer.ask(question)
        assert not answer.refused and {c.source for c in answer.citations} == {name}, answer


def test_only_the_same_original_name_replaces_a_document(
    tmp_path: Path, settings: Settings, store: Store
) -> None:
    handlers = Handlers(Answerer(settings, store))
    cyrillic, chinese = tmp_path / "отчёт.txt", tmp_path / "报告.txt"
    cyrillic.write_text(LIGHTHOUSE, encoding="utf-8")
    chinese.write_text(FERRY, encoding="utf-8")
    old = handlers.ingest([str(cyrillic)])["added"]
    kept = handlers.ingest([str(chinese)])["added"]

    cyrillic.write_text(LIGHTHOUSE.replace("green in 1987", "red in 1990"), encoding="utf-8")
    new = handlers.ingest([str(cyrillic)])["added"]

    assert {d["source"] for d in store.list_documents()} == {*new, *kept}
    assert stored_files(settings) == {*new, *kept}, "the replaced version's file is deleted"
    assert not set(old) & {*new, *kept}


def test_a_file_rejected_by_ingest_is_not_kept(
    tmp_path: Path, settings: Settings, store: Store
) -> None:
    handlers = Handlers(Answerer(settings, store))
    binary, good = tmp_path / "blob.txt", tmp_path / "good.md"
    binary.write_bytes(b"\x00\x01\x02binary" * 50)
    good.write_text(FERRY, encoding="utf-8")
    report = handlers.ingest([str(binary), str(good)])
    assert len(report["skipped"]) == 1 and "binary" in report["skipped"][0]
    assert stored_files(settings) == set(report["added"])
    assert all(name.startswith("good-") for name in report["added"])


def test_a_symlinked_upload_folder_is_refused_in_one_line(
    tmp_path: Path, settings: Settings, store: Store
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.uploads_dir.symlink_to(elsewhere, target_is_directory=True)
    note = tmp_path / "note.txt"
    note.write_text(FERRY, encoding="utf-8")

    with pytest.raises(GroundworkError, match="symbolic link") as raised:
        save_uploads([str(note)], settings)
    assert "\n" not in str(raised.value)
    status, *_ = Handlers(Answerer(settings, store)).upload([str(note)], progress=None)
    assert "Upload failed" in status and "symbolic link" in status
    assert list(elsewhere.iterdir()) == [] and store.list_documents() == []


def test_save_uploads_leaves_no_partial_files_and_keys_by_original_name(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw")
    sources = [tmp_path / "a.txt", tmp_path / "b.md"]
    for source in sources:
        source.write_text(f"{source.name} says hello.\n")
    result = save_uploads([str(source) for source in sources], settings)
    assert sorted(path.name for path in result.saved) == sorted(stored_files(settings))
    expected = {path: f"upload:{src.name}" for path, src in zip(result.saved, sources, strict=True)}
    assert result.keys == expected
