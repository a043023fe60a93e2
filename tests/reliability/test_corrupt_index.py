"""A corrupted, missing or unwritable index gives a one-line message, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ARTICLE
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
