"""A bounded load test of the served /ask API: N concurrent sessions x M questions, no errors.

Scale up by hand with GROUNDWORK_LOAD_SESSIONS / GROUNDWORK_LOAD_QUESTIONS (e.g. 20 x 25).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from ingest.index import ingest_files
from rag.pipeline import Answerer
from rag.store import open_store
from tests.conftest import ARTICLE, make_settings
from tests.ui.test_app import free_port
from ui.app import EXAMPLE_QUESTIONS, launch

pytestmark = pytest.mark.slow
SESSIONS = min(int(os.environ.get("GROUNDWORK_LOAD_SESSIONS", "4")), 20)
QUESTIONS = min(int(os.environ.get("GROUNDWORK_LOAD_QUESTIONS", "5")), 25)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Iterator[str]:
    settings = make_settings(tmp_path_factory.mktemp("load") / "gw", port=free_port())
    store = open_store(settings, embeddings)
    ingest_files([ARTICLE], store, settings)
    demo = launch(settings, Answerer(settings, store), store, prevent_thread_lock=True)
    try:
        yield f"http://127.0.0.1:{settings.port}/"
    finally:
        demo.close()


def session(url: str, number: int) -> tuple[list[float], list[str]]:
    """One client asking QUESTIONS questions; latencies in seconds and error descriptions."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    text = ARTICLE.read_text(encoding="utf-8")
    latencies, errors = [], []
    for turn in range(QUESTIONS):
        asked = EXAMPLE_QUESTIONS[(number + turn) % len(EXAMPLE_QUESTIONS)]
        started = time.perf_counter()
        try:
            result = client.predict(question=asked, api_name="/ask")
        except Exception as exc:  # counted, not raised: the test reports them all
            errors.append(f"{asked!r}: {type(exc).__name__}: {exc}")
            continue
        latencies.append(time.perf_counter() - started)
        bad = [c for c in result["citations"] if text[c["start"] : c["end"]] != c["quote"]]
        if bad or (not result["refused"] and not result["citations"]):
            errors.append(f"{asked!r}: inexact or missing citations {bad or result}")
    return latencies, errors


def test_concurrent_sessions_without_errors(url: str) -> None:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        results = list(pool.map(lambda n: session(url, n), range(SESSIONS), timeout=900))
    wall = time.perf_counter() - started
    latencies = sorted(x for found, _ in results for x in found)
    errors = [e for _, found in results for e in found]
    if latencies:
        cuts = statistics.quantiles(latencies, n=100, method="inclusive")
        print(f"\nload {SESSIONS} sessions x {QUESTIONS} questions: {len(latencies)} ok, "
              f"{len(errors)} errors, p50 {cuts[49]:.3f} s, p95 {cuts[94]:.3f} s, "
              f"max {latencies[-1]:.3f} s, wall {wall:.1f} s, "
              f"{len(latencies) / wall:.2f} answers/s")  # fmt: skip
    assert errors == []
    assert len(latencies) == SESSIONS * QUESTIONS
