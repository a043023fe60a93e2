"""A full disk during ingest: one line, exit 2, nothing half-written answered, reads go on."""

from __future__ import annotations

import errno
import json
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from chromadb.api.models.Collection import Collection
from chromadb.errors import InternalError
from typer.testing import CliRunner

from tests.conftest import ARTICLE
from ui.cli import app

# Each case ingests and fails mid-write over a fresh index: CI runs them, the fast loop does not.
pytestmark = pytest.mark.slow

runner = CliRunner()
NOTE = "The quarry on Elm Road reopens on 4 May 2031 under a new operator.\n"
QUARRY = "When does the quarry on Elm Road reopen?"
# What Chroma 1.5 raises when SQLite finds the disk full while logging a write (seen on a 3 MB
# filesystem), and what a file write says.
SQLITE_FULL = InternalError(
    "Query error: Database error: error returned from database: (code: 13) database or disk is full"
)
ENOSPC = OSError(errno.ENOSPC, "No space left on device")
# What every later read of a collection said when a logged write could not be applied.
STUCK = InternalError(
    "Error executing plan: Error sending backfill request to compactor: "
    "Failed to apply logs to the metadata segment"
)


FULL_LINE = "error: no space left on {}; free some space and try again"


@pytest.fixture(scope="module")
def article_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the article, ingested once and copied for each test."""
    folder = tmp_path_factory.mktemp("disk-full") / "gw"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GROUNDWORK_DATA_DIR", str(folder))
        result = runner.invoke(app, ["ingest", str(ARTICLE)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def data_dir(article_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(article_index, tmp_path / "gw")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(tmp_path / "gw"))
    (tmp_path / "note.txt").write_text(NOTE, encoding="utf-8")
    return tmp_path / "gw"


def free_space(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    """Make the disk report ``free`` bytes free."""
    usage = SimpleNamespace(total=10**9, used=10**9 - free, free=free)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage)


def fail_write(monkeypatch: pytest.MonkeyPatch, number: int, error: Exception) -> list[int]:
    """Make the ``number``-th Chroma upsert from now on raise ``error``; returns the calls."""
    calls: list[int] = []
    original = Collection.upsert

    def upsert(self: Collection, *args: Any, **kwargs: Any) -> None:
        calls.append(1)
        if len(calls) >= number:
            raise error
        original(self, *args, **kwargs)

    monkeypatch.setattr(Collection, "upsert", upsert)
    return calls


def ask(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["ask", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("failing", "error"),
    [(1, SQLITE_FULL), (2, ENOSPC), (3, SQLITE_FULL)],
    ids=["chunks-sqlite-full", "sentences-enospc", "record-sqlite-full"],
)
def test_a_full_disk_during_ingest_is_one_line_and_complete_documents_still_answer(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, error: Exception, failing: int
) -> None:
    fail_write(monkeypatch, failing, error)
    result = runner.invoke(app, ["ingest", "note.txt"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [FULL_LINE.format(data_dir / "chroma")]
    # The disk is still full: the article answers, the half-written note never does.
    assert "Sabrina Singh" in ask("Who is Sabrina Singh?")["answer"]
    assert all(c["source"] != "note.txt" for c in ask(QUARRY)["citations"])
    monkeypatch.undo()  # space freed: a re-run completes the note
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(data_dir))
    result = runner.invoke(app, ["ingest", str(data_dir.parent / "note.txt")])
    assert result.exit_code == 0 and "1 new or changed" in result.output, result.output
    assert "4 May 2031" in ask(QUARRY)["answer"]


def test_a_document_that_may_not_fit_is_refused_before_anything_is_written(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = fail_write(monkeypatch, 10**6, SQLITE_FULL)  # counts; never fails
    free_space(monkeypatch, 50_000)
    result = runner.invoke(app, ["ingest", "note.txt"])
    assert result.exit_code == 2 and calls == []
    (line,) = result.output.splitlines()
    assert line.startswith(f"error: no space left on {data_dir / 'chroma'}: this document needs")
    assert line.endswith("MB, 0.1 MB are free; nothing was written")
    assert "Sabrina Singh" in ask("Who is Sabrina Singh?")["answer"]


def test_reads_stuck_behind_a_write_chroma_could_not_apply_fail_in_one_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stuck(self: Collection, *args: Any, **kwargs: Any) -> None:
        raise STUCK

    monkeypatch.setattr(Collection, "get", stuck)
    free_space(monkeypatch, 4096)
    result = runner.invoke(app, ["ask", "Who is Sabrina Singh?"])
    assert result.exit_code == 2
    assert result.output.splitlines() == [FULL_LINE.format(data_dir / "chroma")]
