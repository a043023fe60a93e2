"""Performance bench: ingestion throughput, answer latency, cold start, memory and llama.cpp.

The parts live beside it in ``evals.bench``: ``corpus`` (inputs), ``ingest``, ``query``,
``startup``, ``llm`` and ``report`` (targets and the table).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from evals.bench.corpus import (
    QUESTION,
    article_questions,
    synthetic_files,
    synthetic_questions,
)
from evals.bench.ingest import bench_ingest, raw_model
from evals.bench.llm import bench_llamacpp
from evals.bench.query import bench_queries, profile_queries
from evals.bench.report import format_bench, target_for
from evals.bench.startup import bench_cold_start
from rag.settings import DEFAULT_CORPUS, Settings

__all__ = ["QUESTION", "format_bench", "run_bench", "synthetic_files", "synthetic_questions",
           "target_for"]  # fmt: skip


def run_bench(
    settings: Settings,
    quick: bool = False,
    sizes: tuple[int, ...] | None = None,
    queries: int | None = None,
    profile: bool = True,
    llm: bool = True,
) -> dict[str, Any]:
    """Measure everything in one run; returns ``figures`` (numbers), ``notes`` and ``profile``."""
    from rag.embeddings import get_embeddings
    from rag.pipeline import Answerer

    sizes = sizes or ((1000,) if quick else (1000, 10000))
    queries = queries or (8 if quick else 30)
    result: dict[str, Any] = {"figures": {}, "notes": [], "profile": ""}
    figures: dict[str, float] = result["figures"]
    model = raw_model(get_embeddings())
    model.encode(["warm up"], normalize_embeddings=True)
    with tempfile.TemporaryDirectory(prefix="gw-bench-") as tmp:
        root = Path(tmp)
        corpora = [("article", [DEFAULT_CORPUS], article_questions(queries))]
        for size in sizes:
            files = synthetic_files(root / f"corpus{size}", size, settings)
            corpora.append((f"synthetic_{size}", files, synthetic_questions(queries, size)))
        article_settings = None
        for label, files, questions in corpora:
            local = _bench_settings(settings, root, label)
            answerer = Answerer(local, bench_ingest(local, files, model, figures, label))
            bench_queries(answerer, questions, model, figures, label)
            if profile and label == corpora[-1][0]:
                result["profile"] = profile_queries(answerer, synthetic_questions(5, size + 1))
            if label == "article":
                article_settings = local  # kept for the cold start and llama.cpp
            else:
                _drop(local)
        assert article_settings is not None
        bench_cold_start(article_settings, figures)
        if llm:
            bench_llamacpp(article_settings, result)
        _drop(article_settings)
    return result


def _bench_settings(settings: Settings, root: Path, label: str) -> Settings:
    from rag.chroma_client import reset_index

    local = settings.model_copy(
        update={"data_dir": root / label, "collection": f"bench_{label}", "llm": "extractive"}
    )
    reset_index(local)
    return local


def _drop(settings: Settings) -> None:
    """Bench collections on a shared Chroma server are removed; temp dirs go on their own."""
    if settings.chroma_host:
        from rag.chroma_client import reset_index

        reset_index(settings)
