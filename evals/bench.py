"""Performance bench: ingestion throughput, answer latency, cold start, memory and llama.cpp."""

from __future__ import annotations

import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rag.settings import DEFAULT_CORPUS, PROJECT_ROOT, Settings

QUESTION = "By when must the US mission's transition in Iraq be finished?"
QUESTION_FILES = [PROJECT_ROOT / "evals" / "data" / f"article.{p}.jsonl" for p in ("dev", "test")]
CHUNKS_PER_FILE = 100
INGEST_RATIO_TARGET = 0.8
P50_RATIO_TARGET = 2.0
COLD_START_TARGET_S = 8.0

_COLD_START = """
import json, resource, sys
import gradio, ui.app, ui.handlers, ui.render
from rag.answering import Answerer
from rag.embeddings import get_embeddings
from rag.settings import Settings
from rag.store import open_store
settings = Settings.model_validate_json(sys.argv[1])
answer = Answerer(settings, open_store(settings, get_embeddings())).ask(sys.argv[2])
print(json.dumps({"refused": answer.refused,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


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

    sizes = sizes or ((1000,) if quick else (1000, 10000))
    queries = queries or (8 if quick else 30)
    result: dict[str, Any] = {"figures": {}, "notes": [], "profile": ""}
    figures: dict[str, float] = result["figures"]
    embeddings = get_embeddings()
    model = raw_model(embeddings)
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
            answerer = _bench_ingest(local, files, model, figures, label)
            _bench_queries(answerer, questions, model, figures, label)
            if label == "article":
                article_settings = local
            if profile and label == corpora[-1][0]:
                result["profile"] = profile_queries(answerer, synthetic_questions(5, size + 1))
            _drop(local)
        assert article_settings is not None
        _bench_cold_start(article_settings, figures)
        if llm:
            _bench_llamacpp(article_settings, result)
    return result


def raw_model(embeddings: Any) -> Any:
    """The SentenceTransformer behind the service's embeddings (loaded by path if hidden)."""
    client = getattr(getattr(embeddings, "inner", None), "_client", None)
    if client is not None and hasattr(client, "encode"):
        return client
    from sentence_transformers import SentenceTransformer

    from rag.embeddings import packaged_model_path

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


def _vocabulary() -> list[str]:
    words = re.findall(r"[A-Za-z]{3,}", DEFAULT_CORPUS.read_text(encoding="utf-8"))
    return sorted({word.lower() for word in words})


def synthetic_files(folder: Path, chunks: int, settings: Settings, seed: int = 7) -> list[Path]:
    """About ``chunks`` chunks of seeded random sentences, ``CHUNKS_PER_FILE`` chunks a file."""
    rng = random.Random(seed)
    vocab = _vocabulary()
    step = max(1, settings.chunk_size - settings.chunk_overlap)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for number in range(max(1, round(chunks / CHUNKS_PER_FILE))):
        budget = step * min(CHUNKS_PER_FILE, chunks) - settings.chunk_overlap // 2
        sentences: list[str] = []
        while sum(len(s) + 1 for s in sentences) < budget:
            words = [rng.choice(vocab) for _ in range(rng.randint(6, 24))]
            if rng.random() < 0.3:
                words.insert(rng.randrange(len(words)), str(rng.randint(2, 2099)))
            sentences.append(" ".join(words).capitalize() + ".")
        path = folder / f"synthetic-{number:04d}.txt"
        path.write_text(" ".join(sentences) + "\n", encoding="utf-8")
        files.append(path)
    return files


def synthetic_questions(count: int, seed: int) -> list[str]:
    """Distinct questions in the synthetic corpus's vocabulary (the query cache never hits)."""
    rng = random.Random(seed)
    vocab = _vocabulary()
    return [
        f"What does the text say about {rng.choice(vocab)} and {rng.choice(vocab)}?"
        for _ in range(count)
    ]


def article_questions(count: int) -> list[str]:
    """The single-turn questions of the article's eval sets."""
    rows = [json.loads(line) for path in QUESTION_FILES for line in path.open(encoding="utf-8")]
    found = [row["question"] for row in rows if row.get("question") and not row.get("history")]
    return list(dict.fromkeys(found))[:count] or [QUESTION]


def _bench_settings(settings: Settings, root: Path, label: str) -> Settings:
    from rag.store import reset_index

    local = settings.model_copy(
        update={"data_dir": root / label, "collection": f"bench_{label}", "llm": "extractive"}
    )
    reset_index(local)
    return local


def _drop(settings: Settings) -> None:
    """Bench collections on a shared Chroma server are removed; temp dirs go on their own."""
    if settings.chroma_host:
        from rag.store import reset_index

        reset_index(settings)


def _bench_ingest(
    settings: Settings, files: list[Path], model: Any, figures: dict[str, float], label: str
) -> Any:
    from ingest.index import ingest_files
    from rag.answering import Answerer
    from rag.embeddings import get_embeddings
    from rag.store import open_store

    store = open_store(settings, get_embeddings())
    with peak_rss(figures, f"ingest.{label}.peak_rss_mb"):
        report = ingest_files(files, store, settings)
    rate = report.chunks / max(report.seconds, 1e-9)
    # Raw encode on the same chunk texts (a seeded sample of at most 1000 for big corpora).
    texts = [t or "" for t in store.chunk_collection.get(include=["documents"])["documents"] or []]
    sample = random.Random(1).sample(texts, min(len(texts), 1000))
    started = time.perf_counter()
    model.encode(sample, batch_size=64, normalize_embeddings=True)
    raw_rate = len(sample) / max(time.perf_counter() - started, 1e-9)
    figures.update({f"ingest.{label}.chunks": float(report.chunks),
                    f"ingest.{label}.chunks_per_s": round(rate, 1),
                    f"ingest.{label}.raw_chunks_per_s": round(raw_rate, 1),
                    f"ingest.{label}.ratio": round(rate / raw_rate, 3)})  # fmt: skip
    return Answerer(settings, store)


def _bench_queries(
    answerer: Any, questions: list[str], model: Any, figures: dict[str, float], label: str
) -> None:
    with peak_rss(figures, f"query.{label}.peak_rss_mb"):
        started = time.perf_counter()
        answerer.ask(QUESTION)  # the first question also builds the BM25 index
        figures[f"query.{label}.first_ms"] = round((time.perf_counter() - started) * 1000, 1)
        spent = []
        for question in questions:
            started = time.perf_counter()
            answerer.ask(question)
            spent.append((time.perf_counter() - started) * 1000)
    raw = []
    for question in questions:
        started = time.perf_counter()
        model.encode(question, normalize_embeddings=True)
        raw.append((time.perf_counter() - started) * 1000)
    p50, p95, raw_p50 = _pct(spent, 50), _pct(spent, 95), _pct(raw, 50)
    figures.update({f"query.{label}.p50_ms": round(p50, 1), f"query.{label}.p95_ms": round(p95, 1),
                    f"query.{label}.raw_embed_p50_ms": round(raw_p50, 1),
                    f"query.{label}.p50_ratio": round(p50 / max(raw_p50, 1e-9), 2)})  # fmt: skip


def _pct(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


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


def _bench_cold_start(settings: Settings, figures: dict[str, float]) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _COLD_START, settings.model_dump_json(), QUESTION],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180, check=True,
    )  # fmt: skip
    figures["cold_start.s"] = round(time.perf_counter() - started, 2)
    figures["cold_start.peak_rss_mb"] = round(json.loads(done.stdout.splitlines()[-1])["rss_mb"], 1)


def _bench_llamacpp(settings: Settings, result: dict[str, Any]) -> None:
    """Time to first token and total: the llamacpp backend beside raw llama.cpp, same prompt."""
    from rag.backends import LlamaCppChat, available_backends, get_chat_model

    local = settings.model_copy(update={"llm": "llamacpp"})
    if "llamacpp" not in available_backends(local):
        result["notes"].append("llamacpp: skipped (llama_cpp or its model is not installed)")
        return
    from rag.answering import Answerer
    from rag.embeddings import get_embeddings
    from rag.store import open_store

    prompts: list[Any] = []

    class Recording(LlamaCppChat):
        def _stream(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kw: Any
        ) -> Any:
            prompts.append((messages, stop))
            yield from super()._stream(messages, stop, run_manager, **kw)

    chat = get_chat_model("llamacpp", local)
    assert isinstance(chat, LlamaCppChat)
    recording = Recording(model_path=chat.model_path, n_ctx=chat.n_ctx, max_tokens=chat.max_tokens)
    answerer = Answerer(local, open_store(local, get_embeddings()), lambda *_: recording)
    figures = result["figures"]
    started = time.perf_counter()
    recording.invoke("Say OK.")  # loads the model; not part of the timed runs
    figures["llamacpp.load_s"] = round(time.perf_counter() - started, 2)
    figures["llamacpp.ttft_s"], figures["llamacpp.total_s"] = _first_and_total(
        part for part in answerer.stream(QUESTION) if isinstance(part, str)
    )
    messages, stop = prompts[-1]
    from rag.backends import _load_llama

    llama, _ = _load_llama(chat.model_path, chat.n_ctx)
    request = recording._request(messages, stop)
    figures["llamacpp.raw_ttft_s"], figures["llamacpp.raw_total_s"] = _first_and_total(
        part["choices"][0]["delta"].get("content") or ""
        for part in llama.create_chat_completion(**request, stream=True)
    )


def _first_and_total(parts: Iterator[str]) -> tuple[float, float]:
    started = time.perf_counter()
    first = None
    for part in parts:
        if first is None and part:
            first = time.perf_counter() - started
    total = time.perf_counter() - started
    return round(first if first is not None else total, 3), round(total, 3)


def target_for(key: str) -> str:
    """The target printed beside figure ``key`` ("" when it has none)."""
    if key.startswith("ingest.") and key.endswith(".ratio"):
        return f">= {INGEST_RATIO_TARGET} x raw encode"
    if key.endswith(".p50_ratio"):
        return f"<= {P50_RATIO_TARGET:g} x raw query embedding"
    if key == "cold_start.s":
        return f"<= {COLD_START_TARGET_S:g} s"
    return ""


def _met(key: str, value: float) -> bool | None:
    if key.startswith("ingest.") and key.endswith(".ratio"):
        return value >= INGEST_RATIO_TARGET
    if key.endswith(".p50_ratio"):
        return value <= P50_RATIO_TARGET
    if key == "cold_start.s":
        return value <= COLD_START_TARGET_S
    return None


def format_bench(result: dict[str, Any]) -> str:
    """A text table: figure, value, target and whether the target is met."""
    rows = [("figure", "value", "target", "")]
    for key, value in result["figures"].items():
        met = _met(key, value)
        rows.append(
            (
                key,
                f"{value:g}",
                target_for(key),
                "" if met is None else ("met" if met else "MISSED"),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.extend(f"note: {note}" for note in result.get("notes", []))
    return "\n".join(lines)
