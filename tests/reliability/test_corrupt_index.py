"""A corrupted, missing or unwritable index gives a one-line message, never a traceback."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from chromadb.api.client import SharedSystemClient
from click.testing import Result
from typer.testing import CliRunner

from rag.errors import IndexUnavailable
from rag.store import open_store
from tests.conftest import ARTICLE, make_settings
from ui.cli import app

# Ingests, corrupts and rebuilds a real index: CI runs it, the fast loop does not.
pytestmark = pytest.mark.slow

QUESTION = "Who is Sabrina Singh?"
runner = CliRunner()


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run each command from an empty folder (no .env file is read)."""
    monkeypatch.chdir(tmp_path)


def run(data_dir: Path, *args: str) -> Result:
    """``groundwork ARGS`` in this process, reading the index as a new process would."""
    # Chroma keeps one client per path in a process; a new process would open the files anew.
    SharedSystemClient.clear_system_cache()
    return runner.invoke(app, list(args), env={"GROUNDWORK_DATA_DIR": str(data_dir)})


def assert_one_line_error(result: Result, *needles: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_corrupted_index_says_reset_and_reset_recovers(tmp_path: Path) -> None:
    data_dir = tmp_path / "gw"
    built = run(data_dir, "ingest", str(ARTICLE))
    assert built.exit_code == 0, built.output
    database = data_dir / "chroma" / "chroma.sqlite3"
    assert database.is_file()
    database.write_bytes(b"\x00garbage, not a database\xff" * 4096)

    assert_one_line_error(run(data_dir, "ask", QUESTION), "groundwork ingest --reset")

    rebuilt = run(data_dir, "ingest", "--reset", str(ARTICLE))
    assert rebuilt.exit_code == 0, rebuilt.output
    answered = run(data_dir, "ask", QUESTION, "--json")
    assert answered.exit_code == 0, answered.output
    result = json.loads(answered.stdout)
    assert result["refused"] is False and result["citations"]
    text = ARTICLE.read_text(encoding="utf-8")
    for citation in result["citations"]:
        assert text[citation["start"] : citation["end"]] == citation["quote"]


def test_missing_index_says_to_ingest(tmp_path: Path) -> None:
    data_dir = tmp_path / "never-created"
    assert_one_line_error(run(data_dir, "ask", QUESTION), "groundwork ingest")


def test_unwritable_data_dir_gives_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OS refuses to create the data folder (as it does for a non-root user; root too here)."""
    data_dir = tmp_path / "locked" / "gw"
    make_dir = Path.mkdir

    def refuse(path: Path, *args: object, **kwargs: object) -> None:
        if path == data_dir or data_dir in path.parents:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        make_dir(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refuse)
    for args in (("ask", QUESTION), ("ingest", str(ARTICLE))):
        assert_one_line_error(run(data_dir, *args), str(data_dir), "Permission denied")
    assert not data_dir.exists()


def tree(folder: Path) -> dict[str, tuple[bool, int, int]]:
    """Every path under ``folder``: whether it is a file, its size and modification time."""
    return {
        str(path): (path.is_file(), path.stat().st_size, path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
    }


def place_blocker(tmp_path: Path, blocked: str) -> tuple[Path, Path]:
    """A regular file where the data directory or the index directory must go (root-proof)."""
    data_dir = tmp_path / "gw"
    if blocked == "index-dir":
        data_dir.mkdir()
    blocker = data_dir if blocked == "data-dir" else data_dir / "chroma"
    blocker.write_text("not a directory; keep me", encoding="utf-8")
    return data_dir, blocker


@pytest.mark.parametrize("blocked", ["data-dir", "index-dir"])
def test_a_file_in_place_of_the_index_dir_gives_a_clear_message(
    tmp_path: Path, blocked: str
) -> None:
    data_dir, blocker = place_blocker(tmp_path, blocked)
    before = tree(tmp_path)
    for args in (("ask", QUESTION), ("ingest", str(ARTICLE))):
        result = run(data_dir, *args)
        assert_one_line_error(result, str(data_dir / "chroma"), "cannot be opened")
        assert f"{blocker} is a file" in result.stderr and "--reset" not in result.stderr
    assert tree(tmp_path) == before
    assert blocker.read_text(encoding="utf-8") == "not a directory; keep me"


@pytest.mark.parametrize("blocked", ["data-dir", "index-dir"])
def test_open_store_raises_index_unavailable_for_a_file_in_the_way(
    tmp_path: Path, blocked: str, embeddings: object
) -> None:
    data_dir, blocker = place_blocker(tmp_path, blocked)
    before = tree(tmp_path)
    with pytest.raises(IndexUnavailable, match=f"{blocker} is a file") as raised:
        open_store(make_settings(data_dir), embeddings)  # type: ignore[arg-type]
    message = str(raised.value)
    assert "\n" not in message and str(data_dir / "chroma") in message
    assert tree(tmp_path) == before
