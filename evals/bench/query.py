"""Answer latency beside one raw query embedding, and a profile of the query path."""

from __future__ import annotations

import cProfile
import io
import pstats
import statistics
import time
from typing import Any

from evals.bench.corpus import QUESTION
from evals.bench.ingest import peak_rss
from rag.timing import ms_since


def bench_queries(
    answerer: Any, questions: list[str], model: Any, figures: dict[str, float], label: str
) -> None:
    """p50/p95 of extractive answers; each answer is followed by a raw encode of its question.

    ``p50_ratio`` (the target) compares with raw ``SentenceTransformer.encode``;
    ``p50_vs_embed`` (no target) with the service's own embedding call, uncached.
    """
    from rag.embeddings import uncached

    own = uncached(answerer.store.embeddings)
    spent, raw, embed = [], [], []
    with peak_rss(figures, f"query.{label}.peak_rss_mb"):
        started = time.perf_counter()
        answerer.ask(QUESTION)  # the first question also builds the BM25 index and caches
        figures[f"query.{label}.first_ms"] = ms_since(started, ndigits=1)
        for question in questions:
            started = time.perf_counter()
            answerer.ask(question)
            spent.append(ms_since(started, ndigits=1))
            started = time.perf_counter()
            model.encode(question, normalize_embeddings=True)
            raw.append(ms_since(started, ndigits=1))
            started = time.perf_counter()
            own.embed_query(question)  # the service's own encoder, uncached
            embed.append(ms_since(started, ndigits=1))
    p50, raw_p50, embed_p50 = pct(spent, 50), pct(raw, 50), pct(embed, 50)
    key = f"query.{label}."
    figures.update({key + "p50_ms": round(p50, 1), key + "p95_ms": round(pct(spent, 95), 1),
                    key + "raw_embed_p50_ms": round(raw_p50, 1),
                    key + "embed_p50_ms": round(embed_p50, 1),
                    key + "p50_ratio": round(p50 / max(raw_p50, 1e-9), 2),
                    key + "p50_vs_embed": round(p50 / max(embed_p50, 1e-9), 2)})  # fmt: skip


def pct(values: list[float], percent: int) -> float:
    """The ``percent``-th percentile of ``values`` (inclusive method)."""
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def profile_queries(answerer: Any, questions: list[str], top: int = 15) -> str:
    """cProfile of ``answerer.ask`` over ``questions``: the top items by cumulative time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for question in questions:
        answerer.ask(question)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()
