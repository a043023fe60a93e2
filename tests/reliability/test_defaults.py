"""Safe defaults: bind 127.0.0.1, optional login, no telemetry, bounded inputs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from rag.chroma_client import chroma_settings
from rag.errors import GroundworkError
from tests.conftest import make_settings
from ui import app as ui_app


class _FakeBlocks:
    """Records how the app would be launched instead of opening a port."""

    def __init__(self) -> None:
        self.launched: dict[str, Any] = {}

    def queue(self, **kwargs: Any) -> _FakeBlocks:
        return self

    def launch(self, **kwargs: Any) -> None:
        self.launched = kwargs


@pytest.fixture
def blocks(monkeypatch: pytest.MonkeyPatch) -> _FakeBlocks:
    fake = _FakeBlocks()
    monkeypatch.setattr(ui_app, "build_app", lambda settings, answerer: fake)
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "True")
    return fake


def test_settings_default_to_loopback_no_login_and_bounded_inputs(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw")
    assert settings.host == "127.0.0.1" and settings.auth is None
    assert settings.max_question_chars == 2000 and settings.max_file_bytes == 20_000_000
    assert settings.max_files_per_upload == 20 and settings.llm_timeout_s == 60.0
    assert settings.llm == "extractive" and settings.chroma_host is None


def test_the_app_binds_loopback_without_sharing_or_analytics(
    blocks: _FakeBlocks, tmp_path: Path
) -> None:
    ui_app.launch(make_settings(tmp_path / "gw"), answerer=None)  # type: ignore[arg-type]
    launched = blocks.launched
    assert launched["server_name"] == "127.0.0.1" and launched["share"] is False
    assert launched["auth"] is None and launched["allowed_paths"] == []
    assert launched["show_error"] is False
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"


def test_a_configured_login_is_required(blocks: _FakeBlocks, tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw", auth="ana:s3cret:with-colon")
    ui_app.launch(settings, answerer=None)  # type: ignore[arg-type]
    assert blocks.launched["auth"] == ("ana", "s3cret:with-colon")


def test_a_malformed_login_fails_before_anything_loads(
    blocks: _FakeBlocks, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(settings: Any) -> None:
        raise AssertionError("the index was opened before the login was checked")

    monkeypatch.setattr(ui_app, "prepare_store", must_not_run)
    with pytest.raises(GroundworkError, match="user:password"):
        ui_app.serve(make_settings(tmp_path / "gw", auth="no-colon"))
    assert blocks.launched == {}


def test_chroma_telemetry_is_off() -> None:
    assert chroma_settings().anonymized_telemetry is False
