"""Ingest throughput beside raw ``SentenceTransformer.encode`` of the same chunks, and memory."""

from __future__ import annotations

import contextlib
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from rag.settings import Settings
from rag.store import Store

RAW_SAMPLE = 1000  # chunks encoded raw (a seeded sample for big corpora)


def raw_model(embeddings: Any = None) -> Any:
    """The raw SentenceTransformer every speed is compared with (loaded by path, on the CPU)."""
    from rag.embeddings import packaged_model_path, sentence_transformer

    client = None if embeddings is None else sentence_transformer(embeddings)
    if client is not None:
        return client
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(packaged_model_path()), device="cpu")


@contextlib.contextmanager
def peak_rss(figures: dict[str, float], key: str) -> Iterator[None]:
    """Record the peak resident memory (MB) reached while the block runs."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM on Linux
    yield
    figures[key] = round(_hwm_mb(), 1)


def _hwm_mb() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_ingest(
    settings: Settings, files: list[Path], model: Any, figures: dict[str, float], label: str
) -> Store:
    """Ingest ``files`` into a fresh store and record its rate beside raw encoding rates.

    ``ratio`` (the target) divides the end-to-end ingest rate by raw encode of the same chunk
    texts. ``ratio_vs_chunks_and_sentences`` (no target) divides it by raw encode of those chunks
    plus their sentences, which ingest must also embed: the cost of everything but the model.
    """
    from ingest.index import ingest_files
    from rag.embeddings import get_embeddings
    from rag.store import open_store

    store = open_store(settings, get_embeddings())
    with peak_rss(figures, f"ingest.{label}.peak_rss_mb"):
        report = ingest_files(files, store, settings)
    rate = report.chunks / max(report.seconds, 1e-9)
    sample = _sample_chunks(store)
    texts = [doc.page_content for doc in sample]
    started = time.perf_counter()
    model.encode(texts, batch_size=64, normalize_embeddings=True)
    raw_seconds = time.perf_counter() - started
    sentences = store.sentences_within(sample)[0]
    started = time.perf_counter()
    model.encode(texts + sentences, batch_size=64, normalize_embeddings=True)
    all_seconds = time.perf_counter() - started
    raw_rate = len(texts) / max(raw_seconds, 1e-9)
    figures.update({f"ingest.{label}.chunks": float(report.chunks),
                    f"ingest.{label}.chunks_per_s": round(rate, 1),
                    f"ingest.{label}.raw_chunks_per_s": round(raw_rate, 1),
                    f"ingest.{label}.ratio": round(rate / raw_rate, 3),
                    f"ingest.{label}.ratio_vs_chunks_and_sentences":
                        round(rate * all_seconds / max(len(texts), 1), 3)})  # fmt: skip
    return store


def _sample_chunks(store: Store) -> list[Document]:
    """A seeded sample of at most ``RAW_SAMPLE`` stored chunks."""
    chunks, _ = store.chunks(vectors=False)
    return random.Random(1).sample(chunks, min(len(chunks), RAW_SAMPLE))
