"""The bench runs end to end on a tiny corpus and prints its targets."""

from __future__ import annotations

import importlib.util
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest

from evals.bench import cli_ask, startup
from evals.bench.llm import bench_llamacpp
from evals.bench.run import format_bench, run_bench, synthetic_files, synthetic_questions
from tests.conftest import make_settings

LABELS = ("article", "synthetic_60")
INGEST_KEYS = ("chunks", "chunks_per_s", "raw_chunks_per_s", "ratio",
               "ratio_vs_chunks_and_sentences", "peak_rss_mb")  # fmt: skip
QUERY_KEYS = ("first_ms", "p50_ms", "p95_ms", "raw_embed_p50_ms", "embed_p50_ms", "p50_ratio",
              "p50_vs_embed", "peak_rss_mb")  # fmt: skip


def test_synthetic_corpus_is_deterministic(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw")
    first = synthetic_files(tmp_path / "a", 150, settings)
    second = synthetic_files(tmp_path / "b", 150, settings)
    assert len(first) == 2
    assert [p.read_text() for p in first] == [p.read_text() for p in second]
    assert synthetic_questions(3, 1) == synthetic_questions(3, 1)


@pytest.mark.slow  # a whole quick bench: two ingests, queries, a cold start, fresh `ask`s
def test_quick_bench_reports_every_figure(tmp_path: Path, embeddings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # One fresh `groundwork ask` each way is enough to check the figures are made; the bench's
    # medians over more runs are for measuring, and each local run loads every model again.
    monkeypatch.setattr(cli_ask, "SERVER_RUNS", 1)
    monkeypatch.setattr(cli_ask, "LOCAL_RUNS", 1)
    result = run_bench(
        make_settings(tmp_path / "gw"), quick=True, sizes=(60,), queries=2, profile=True, llm=False
    )
    figures = result["figures"]
    expected = [f"ingest.{label}.{key}" for label in LABELS for key in INGEST_KEYS]
    expected += [f"query.{label}.{key}" for label in LABELS for key in QUERY_KEYS]
    expected += ["cold_start.s", "cold_start.peak_rss_mb", "cli_ask.server_s", "cli_ask.local_s"]
    for key in expected:
        assert isinstance(figures[key], float | int), key
    assert figures["ingest.article.chunks"] > 0 and figures["ingest.synthetic_60.chunks"] > 0
    assert "cumulative" in result["profile"]

    table = format_bench(result)
    assert ">= 0.8 x raw encode" in table
    assert "<= 2 x raw query embedding" in table
    assert "<= 8 s" in table


def test_the_table_marks_each_target_met_or_missed() -> None:
    figures = {"ingest.article.ratio": 0.5, "query.article.p50_ratio": 1.5,
               "query.synthetic_10000.p50_ms": 51.0, "cold_start.s": 7.9,
               "query.article.p50_ms": 12.0, "cli_ask.server_s": 0.8,
               "cli_ask.local_s": 7.5}  # fmt: skip
    rows = {line.split()[0]: line for line in format_bench({"figures": figures}).splitlines()}
    assert rows["ingest.article.ratio"].endswith("MISSED")
    assert rows["query.article.p50_ratio"].endswith("met")
    assert "<= 50 ms" in rows["query.synthetic_10000.p50_ms"]
    assert rows["query.synthetic_10000.p50_ms"].endswith("MISSED")
    assert rows["cold_start.s"].endswith("met")
    assert rows["query.article.p50_ms"].rstrip().endswith("12")
    assert "<= 1 s" in rows["cli_ask.server_s"] and rows["cli_ask.server_s"].endswith("met")
    assert "<= 7 s" in rows["cli_ask.local_s"] and rows["cli_ask.local_s"].endswith("MISSED")


@pytest.mark.llm
@pytest.mark.slow
def test_llamacpp_bench_compares_with_raw_llama_cpp(article_settings, article_store) -> None:  # type: ignore[no-untyped-def]
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python (the 'local' extra) is not installed")
    result: dict = {"figures": {}, "notes": []}
    bench_llamacpp(article_settings, result)
    figures = result["figures"]
    assert result["notes"] == []
    for key in ("ttft_s", "raw_ttft_s", "first_shown_s", "raw_first_sentence_s", "total_s"):
        assert figures[f"llamacpp.{key}"] > 0, key
    # the chain's first token cannot come after its first shown sentence, nor after its end
    assert figures["llamacpp.ttft_s"] <= figures["llamacpp.first_shown_s"]
    assert figures["llamacpp.first_shown_s"] <= figures["llamacpp.total_s"]
    assert figures["llamacpp.ttft_ratio"] == round(
        figures["llamacpp.ttft_s"] / figures["llamacpp.raw_ttft_s"], 2
    )
    rows = {line.split()[0]: line for line in format_bench(result).splitlines()}
    assert "<= 1.2 x raw llama.cpp" in rows["llamacpp.ttft_ratio"]


def test_missing_llamacpp_is_a_note_not_a_failure(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw").model_copy(
        update={"llm_model_path": tmp_path / "absent.gguf"}
    )
    result: dict = {"figures": {}, "notes": []}
    bench_llamacpp(settings, result)
    assert result["figures"] == {}
    assert "llamacpp: skipped" in result["notes"][0]


class _Reply(io.BytesIO):
    def __enter__(self) -> _Reply:
        return self


class _DroppingServer:
    """Answers /ask with an event id, but drops the first answer's stream."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def open(self, request: Any, timeout: float) -> _Reply:
        url = request if isinstance(request, str) else request.full_url
        self.calls.append("get" if isinstance(request, str) else "post")
        if not isinstance(request, str):
            return _Reply(json.dumps({"event_id": f"e{len(self.calls)}"}).encode())
        if self.calls.count("get") == 1:
            raise ConnectionResetError(104, "Connection reset by peer")
        return _Reply(f"event: complete\ndata: [{url!r}]\n".encode())


class _Running:
    def poll(self) -> None:
        return None


def test_a_stream_dropped_while_the_server_starts_is_asked_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    server = _DroppingServer()
    monkeypatch.setattr(startup, "_NO_PROXY", server)
    with tempfile.TemporaryFile() as log:
        startup.first_answer(_Running(), 7860, log, 4)  # type: ignore[arg-type]
    assert server.calls == ["post", "get", "post", "get"]
