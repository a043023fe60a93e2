"""A corrupted, missing or unwritable index gives a one-line message, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from rag.errors import IndexUnavailable
from rag.store import open_store
from tests.conftest import ARTICLE, make_settings
from tests.reliability.corpus import cli, cli_env

pytestmark = pytest.mark.slow
TIMEOUT_S = 120
QUESTION = "Who is Sabrina Singh?"


def run(data_dir: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli(*args), cwd=cwd, env=cli_env(data_dir), capture_output=True, text=True,
        timeout=TIMEOUT_S, check=False,
    )  # fmt: skip


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_corrupted_index_says_reset_and_reset_recovers(tmp_path: Path) -> None:
    data_dir = tmp_path / "gw"
    built = run(data_dir, tmp_path, "ingest", str(ARTICLE))
    assert built.returncode == 0, built.stderr
    database = data_dir / "chroma" / "chroma.sqlite3"
    assert database.is_file()
    database.write_bytes(b"\x00garbage, not a database\xff" * 4096)

    assert_one_line_error(run(data_dir, tmp_path, "ask", QUESTION), "groundwork ingest --reset")

    rebuilt = run(data_dir, tmp_path, "ingest", "--reset", str(ARTICLE))
    assert rebuilt.returncode == 0, rebuilt.stderr
    answered = run(data_dir, tmp_path, "ask", QUESTION, "--json")
    assert answered.returncode == 0, answered.stderr
    result = json.loads(answered.stdout)
    assert result["refused"] is False and result["citations"]
    text = ARTICLE.read_text(encoding="utf-8")
    for citation in result["citations"]:
        assert text[citation["start"] : citation["end"]] == citation["quote"]


def test_missing_index_says_to_ingest(tmp_path: Path) -> None:
    data_dir = tmp_path / "never-created"
    assert_one_line_error(run(data_dir, tmp_path, "ask", QUESTION), "groundwork ingest")


def test_unwritable_data_dir_gives_a_clear_message(tmp_path: Path) -> None:
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        if os.access(parent, os.W_OK):
            pytest.skip("chmod does not stop this user (root) from writing")
        data_dir = parent / "gw"
        for args in (("ask", QUESTION), ("ingest", str(ARTICLE))):
            result = run(data_dir, tmp_path, *args)
            assert_one_line_error(result, str(data_dir))
    finally:
        parent.chmod(0o700)


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
        result = run(data_dir, tmp_path, *args)
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
