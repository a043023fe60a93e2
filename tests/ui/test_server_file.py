"""The server record: written while serving, removed on exit, ignored when stale."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import make_settings
from ui.server_file import (
    live_record,
    read_record,
    record_path,
    remove_record,
    server_record,
    settings_digest,
    write_record,
)


def dead_pid() -> int:
    """The id of a process that has already exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_record_holds_url_pid_start_and_is_removed_when_serving_ends(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw")
    with server_record(settings, "http://127.0.0.1:7000") as record:
        saved = json.loads(record_path(settings).read_text(encoding="utf-8"))
        assert saved["url"] == "http://127.0.0.1:7000/" and saved["pid"] == os.getpid()
        assert saved["started_at"] > 0 and saved["data_dir"] == str((tmp_path / "gw").resolve())
        assert read_record(settings) == record
    assert not record_path(settings).exists()


def test_a_record_of_a_dead_process_is_stale(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw")
    write_record(settings, "http://127.0.0.1:7000/")
    saved = json.loads(record_path(settings).read_text(encoding="utf-8"))
    record_path(settings).write_text(json.dumps({**saved, "pid": dead_pid()}), encoding="utf-8")
    assert read_record(settings) is None


def test_a_record_copied_from_another_data_dir_or_other_settings_is_ignored(
    tmp_path: Path,
) -> None:
    original = make_settings(tmp_path / "gw")
    write_record(original, "http://127.0.0.1:7000/")
    copy = make_settings(tmp_path / "copy")
    copy.data_dir.mkdir()
    record_path(copy).write_bytes(record_path(original).read_bytes())
    assert read_record(copy) is None
    stricter = make_settings(tmp_path / "gw", refusal_threshold=0.9)
    assert settings_digest(stricter) != settings_digest(original)
    assert read_record(stricter) is None
    assert live_record(stricter) is not None and live_record(copy) is None
    # Listening elsewhere, logging in or naming another default backend answers the same.
    assert read_record(make_settings(tmp_path / "gw", port=9999, auth="u:p", llm="fake"))


def test_garbage_records_are_ignored_and_only_the_own_record_is_removed(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw")
    settings.data_dir.mkdir()
    for garbage in ("", "{", "[]", '{"url": 1}', '{"pid": "x"}'):
        record_path(settings).write_text(garbage, encoding="utf-8")
        assert read_record(settings) is None, garbage
    write_record(settings, "http://127.0.0.1:7000/")
    saved = json.loads(record_path(settings).read_text(encoding="utf-8"))
    record_path(settings).write_text(json.dumps({**saved, "pid": 1}), encoding="utf-8")
    remove_record(settings)  # a newer server's record: left alone
    assert record_path(settings).exists()
