"""The store against a real Chroma server (``chroma run``), and an unreachable one."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.index import ingest_files
from rag.chroma_client import make_client
from rag.errors import IndexUnavailable
from rag.pipeline import Answerer
from rag.settings import Settings
from rag.store import open_store
from tests.conftest import ARTICLE, make_settings

# A real Chroma server in a subprocess.
pytestmark = pytest.mark.slow

CHROMA = Path(sys.executable).parent / "chroma"
START_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(proc: subprocess.Popen[bytes], port: int) -> None:
    """Poll the heartbeat until the server answers; fail if it exits or takes too long."""
    import chromadb

    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"chroma run exited early with code {proc.returncode}")
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
            return
        except Exception:
            time.sleep(0.25)
    pytest.fail(f"chroma run did not answer within {START_TIMEOUT_S:.0f} s")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if not CHROMA.is_file():
        pytest.skip(f"no chroma executable next to the interpreter ({CHROMA})")
    path = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(proc, port)
        yield port
    finally:
        _stop(proc)


@pytest.fixture
def server_settings(tmp_path: Path, chroma_port: int) -> Settings:
    return make_settings(tmp_path / "gw", chroma_host="127.0.0.1", chroma_port=chroma_port)


def test_ingest_and_answer_through_server(server_settings: Settings, embeddings) -> None:  # type: ignore[no-untyped-def]
    store = open_store(server_settings, embeddings)
    report = ingest_files([ARTICLE], store, server_settings)
    assert report.added == [ARTICLE.name] and report.chunks > 0
    # Nothing is written locally: the index lives on the server.
    assert not server_settings.index_dir.exists()

    answer = Answerer(server_settings, store).ask(
        "By when must the US mission's transition in Iraq be finished?"
    )
    assert not answer.refused
    assert "September 2025" in answer.answer
    assert answer.citations
    for citation in answer.citations:
        assert store.document_text(citation.doc_id)[citation.start : citation.end] == citation.quote
        assert f"[{citation.n}]" in answer.answer

    chunks = store.chunk_count()
    again = ingest_files([ARTICLE], open_store(server_settings, embeddings), server_settings)
    assert again.added == [] and again.unchanged == [ARTICLE.name] and again.chunks == 0
    assert store.chunk_count() == chunks


def test_unreachable_server_is_index_unavailable(tmp_path: Path, embeddings) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path / "gw", chroma_host="127.0.0.1", chroma_port=_free_port())
    with pytest.raises(IndexUnavailable, match=r"Cannot reach the Chroma server at 127\.0\.0\.1"):
        make_client(settings)
    with pytest.raises(IndexUnavailable, match="Cannot reach the Chroma server"):
        open_store(settings, embeddings)
