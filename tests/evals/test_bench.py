"""The bench runs end to end on a tiny corpus and prints its targets."""

from __future__ import annotations

from pathlib import Path

from evals.bench import format_bench, run_bench, synthetic_files, synthetic_questions
from tests.conftest import make_settings

LABELS = ("article", "synthetic_60")
INGEST_KEYS = ("chunks", "chunks_per_s", "raw_chunks_per_s", "ratio", "peak_rss_mb")
QUERY_KEYS = ("first_ms", "p50_ms", "p95_ms", "raw_embed_p50_ms", "p50_ratio", "peak_rss_mb")


def test_synthetic_corpus_is_deterministic(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw")
    first = synthetic_files(tmp_path / "a", 150, settings)
    second = synthetic_files(tmp_path / "b", 150, settings)
    assert len(first) == 2
    assert [p.read_text() for p in first] == [p.read_text() for p in second]
    assert synthetic_questions(3, 1) == synthetic_questions(3, 1)


def test_quick_bench_reports_every_figure(tmp_path: Path, embeddings) -> None:  # type: ignore[no-untyped-def]
    result = run_bench(
        make_settings(tmp_path / "gw"), quick=True, sizes=(60,), queries=2, profile=True, llm=False
    )
    figures = result["figures"]
    expected = [f"ingest.{label}.{key}" for label in LABELS for key in INGEST_KEYS]
    expected += [f"query.{label}.{key}" for label in LABELS for key in QUERY_KEYS]
    expected += ["cold_start.s", "cold_start.peak_rss_mb"]
    for key in expected:
        assert isinstance(figures[key], float | int), key
    assert figures["ingest.article.chunks"] > 0 and figures["ingest.synthetic_60.chunks"] > 0
    assert "cumulative" in result["profile"]

    table = format_bench(result)
    assert ">= 0.8 x raw encode" in table
    assert "<= 2 x raw query embedding" in table
    assert "<= 8 s" in table
