"""Where an extractive answer's time goes (issue #15's latency): per stage, wall and CPU.

Builds an index of the article in a temp dir, warms up, then answers the article's single-turn
eval questions (the bench's set: dev + test question texts only) ``--repeat`` times each, with
the query-vector cache cleared before every answer so each one embeds its question as the
bench's distinct questions do. Prints p50/p90 of the Stopwatch stages, of finer sub-stages
(timed by wrapping the methods from outside), of wall and of process CPU time per answer.

    OMP_NUM_THREADS=1 python -u latency.py --threads 1
    python -u latency.py                               # torch's default threads (the bench's)
    python -u latency.py --profile out.prof            # cProfile of the timed answers
    python -u latency.py --answers before.json         # keep the answers to compare runs
    python -u latency.py --set answerability_nearest=4 # any Settings field
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import json
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

SUB: dict[str, list[float]] = defaultdict(list)  # sub-stage -> ms, reset per answer
CPU: dict[str, list[float]] = defaultdict(list)
PAIRS: list[int] = []  # pairs per model call, this answer


def timed(owner: object, name: str, label: str) -> None:
    """Wrap ``owner.name`` so each call adds its wall and CPU ms to ``label``."""
    inner = getattr(owner, name)

    @functools.wraps(inner)
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            SUB[label].append((time.perf_counter() - wall) * 1000)
            CPU[label].append((time.process_time() - cpu) * 1000)

    setattr(owner, name, wrapper)


def pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--answers", type=Path)
    parser.add_argument("--pairs", type=Path, help="write the model's (question, texts) here")
    parser.add_argument("--set", action="append", default=[], help="field=value")
    args = parser.parse_args()

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    from evals.bench.corpus import QUESTION, article_questions
    from ingest.index import ingest_files
    from rag import ranking, rerank, retrieval, sentence_cache, store
    from rag.answerability import AnswerabilityModel
    from rag.embeddings import get_embeddings
    from rag.gate import RelevanceGate
    from rag.pipeline import Answerer
    from rag.settings import DEFAULT_CORPUS, Settings

    overrides = dict(item.split("=", 1) for item in args.set)
    with tempfile.TemporaryDirectory(prefix="gw-latency-") as tmp:
        settings = Settings(_env_file=None, data_dir=Path(tmp), **overrides)
        embeddings = get_embeddings()
        index = store.open_store(settings, embeddings)
        ingest_files([DEFAULT_CORPUS], index, settings)
        answerer = Answerer(settings, index)
        for owner, name, label in [
            (type(embeddings.inner), "embed_query", "embed query (MiniLM)"),
            (retrieval.ChunkRetriever, "invoke", "retrieve: search"),
            (ranking.SentenceRanker, "rank", "rank: today's score (each call)"),
            (RelevanceGate, "admits", "gate: today's"),
            (sentence_cache.SentenceCache, "nearest", "rerank: nearest sentences"),
            (retrieval.ChunkRetriever, "chunks_holding", "rerank: chunks holding them"),
            (rerank.Reranker, "rerank", "rerank: whole (incl. model)"),
            (AnswerabilityModel, "score", "rerank: model score"),
        ]:
            timed(owner, name, label)
        scored = AnswerabilityModel.score

        seen: list[tuple[str, list[str]]] = []

        def counting(self, question, candidates):
            PAIRS.append(len(candidates))
            seen.append((question, list(candidates)))
            return scored(self, question, candidates)

        AnswerabilityModel.score = counting
        print(f"torch threads {torch.get_num_threads()}; settings {overrides}", flush=True)
        for _ in range(3):  # warm up: builds the chunk index, loads the model, fills caches
            answerer.ask(QUESTION)
        questions = article_questions(10_000)
        SUB.clear()
        CPU.clear()
        rows, answers = [], {}
        profiler = cProfile.Profile() if args.profile else None
        for _ in range(args.repeat):
            for question in questions:
                embeddings._embed_query.cache_clear()  # each answer embeds, as in the bench
                SUB.clear()
                CPU.clear()
                PAIRS.clear()
                wall, cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                answer = answerer.ask(question)
                if profiler:
                    profiler.disable()
                row = {"wall": (time.perf_counter() - wall) * 1000,
                       "cpu": (time.process_time() - cpu) * 1000}
                row.update({f"stage {k}": v for k, v in answer.timings_ms.items()})
                row.update({k: sum(v) for k, v in SUB.items()})
                row.update({f"cpu {k}": sum(v) for k, v in CPU.items()})
                row["model calls"] = len(PAIRS)
                row["model pairs"] = sum(PAIRS)
                rows.append(row)
                answers[question] = {"answer": answer.answer, "refused": answer.refused,
                                     "citations": [c.model_dump() for c in answer.citations]}
        keys = list(dict.fromkeys(k for row in rows for k in row))
        print(f"{len(questions)} questions x {args.repeat}: {len(rows)} answers")
        print(f"{'ms per answer':44s} {'p50':>8s} {'p90':>8s} {'mean':>8s}")
        for key in keys:
            values = [row.get(key, 0.0) for row in rows]
            print(f"{key:44s} {pct(values, 50):8.1f} {pct(values, 90):8.1f} "
                  f"{statistics.mean(values):8.1f}")
        if profiler and args.profile:
            profiler.dump_stats(str(args.profile))
        if args.pairs:
            args.pairs.write_text(json.dumps(seen[-len(questions) * 3 :], indent=1))
        if args.answers:
            args.answers.write_text(json.dumps(answers, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
