"""`groundwork eval`: run question sets over a corpus with several backends, report, gate."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from langchain_core.language_models import BaseChatModel

from evals.ci_outputs import CiOptions, read_inputs, report_sections, write_ci_files
from evals.corpus import CORPUS_DIR, load_questions, question_file, split_documents
from evals.dataset import EvalItem, default_datasets, load_dataset, missing_evidence
from evals.export import write_ragas
from evals.judge import make_judge
from evals.metrics.base import Checker
from evals.naive import NAIVE
from evals.report import write_reports
from evals.results_io import run_info
from evals.runner import SampleResult, run_eval
from evals.summary import gate, load_thresholds, summarise
from ingest.index import expand_paths
from rag.backends import get_backend
from rag.embeddings import get_embeddings
from rag.errors import GroundworkError
from rag.settings import DEFAULT_CORPUS, Settings

T = TypeVar("T")


def default_checker() -> Checker:
    """The support checker the answer chain uses, so evals judge what users are shown."""
    from rag.verification import SupportChecker

    return SupportChecker(get_embeddings())


def evaluate(
    settings: Settings,
    backends: list[str],
    datasets: list[Path] | None,
    corpus: list[Path] | None,
    out: Path,
    thresholds: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    judge: str | None = None,
    ragas: Path | None = None,
    split: str | None = None,
    sample: int | None = None,
    ci: CiOptions | None = None,
    max_questions: int | None = None,
) -> tuple[list[SampleResult], list[str], list[Path]]:
    """Run, write the reports, and return the results, the gate failures and the report paths.

    ``judge`` names a model backend that adds ``judge_faithfulness``; ``ragas`` is a .jsonl or
    .csv file to write the results to in ragas' column format (listed last among the paths);
    ``split`` runs the question corpus's documents of that split instead of datasets/corpus,
    all its questions or a seeded random ``sample`` of them. ``ci`` adds a baseline
    comparison, trends, JUnit XML and a Markdown summary; ``max_questions`` caps the run (a
    seeded sample of a split, the first N of question sets) for a smoke test.
    """
    if ragas is not None and ragas.suffix.lower() not in (".jsonl", ".json", ".csv"):
        raise GroundworkError(f"--ragas {ragas}: use a .jsonl or .csv file name")
    for name in backends:
        if name != NAIVE:
            get_backend(name)  # an unknown name fails now, not once per question
    limits = load_thresholds(thresholds) if thresholds else load_thresholds()
    inputs = read_inputs(ci or CiOptions())
    judge_model = make_judge(judge, settings) if judge else None
    if split is not None:
        if max_questions is not None:
            sample = min(sample or max_questions, max_questions)
        items, results = run_split(split, backends, settings, on_progress, judge_model, sample)
        corpus_files = [CORPUS_DIR / "docs" / doc.file for doc in split_documents(split)]
    else:
        items, sets = _dataset_items(datasets or default_datasets(), max_questions)
        corpus_paths = corpus or [DEFAULT_CORPUS]
        _check_evidence(items, corpus_paths)
        results = run_eval(
            items, corpus_paths, backends, settings, default_checker(), on_progress, judge_model
        )
        for result in results:
            result.question_set = sets[result.id]
        corpus_files = expand_paths(corpus_paths)
    summary = summarise(results)
    failures = gate(summary, limits)
    info = run_info([r.question_set for r in results], corpus_files)
    comparisons, sections = report_sections(inputs, (info, results), limits)
    paths = write_reports(results, summary, failures, out, info, sections)
    if ragas is not None:
        paths.append(write_ragas(results, {item.id: item.answer for item in items}, ragas))
    paths += write_ci_files(inputs, results, summary, failures, comparisons, paths[:3], limits)
    return results, failures, paths


def _dataset_items(
    datasets: list[Path], max_questions: int | None
) -> tuple[list[EvalItem], dict[str, str]]:
    """The questions of every set (the first ``max_questions``), and each one's set name."""
    items: list[EvalItem] = []
    sets: dict[str, str] = {}
    for path in datasets:
        for item in load_dataset(path):
            items.append(item)
            sets.setdefault(item.id, path.stem)
    return items[:max_questions], sets


def _check_evidence(items: list[EvalItem], corpus_paths: list[Path]) -> None:
    if len(corpus_paths) == 1 and corpus_paths[0].is_file():
        text = corpus_paths[0].read_text(encoding="utf-8", errors="replace")
        missing = missing_evidence(items, text) if corpus_paths[0].suffix == ".txt" else []
        if missing:
            raise GroundworkError(f"Evidence not found in the corpus: {missing[0]}")


def run_split(
    split: str,
    backends: list[str],
    settings: Settings,
    on_progress: Callable[[int, int], None] | None = None,
    judge_model: BaseChatModel | None = None,
    sample: int | None = None,
    corpus_dir: Path = CORPUS_DIR,
) -> tuple[list[EvalItem], list[SampleResult]]:
    """Ask each corpus document of ``split`` its own questions, over an index of it alone."""
    documents = split_documents(split, corpus_dir)
    per_document = [
        (doc, [q.as_eval_item() for q in load_questions(question_file(doc.doc_id, corpus_dir))])
        for doc in documents
    ]
    if sample is not None:
        per_document = sampled(per_document, sample)
    total = sum(len(items) for _, items in per_document) * len(backends)
    items: list[EvalItem] = []
    results: list[SampleResult] = []
    checker = default_checker()
    for doc, doc_items in per_document:
        done = len(results)

        def progress(n: int, _total: int, done: int = done) -> None:
            if on_progress:
                on_progress(done + n, total)

        path = corpus_dir / "docs" / doc.file
        doc_results = run_eval(
            doc_items, [path], backends, settings, checker, progress, judge_model
        )
        for result in doc_results:
            result.tags = {"genre": doc.genre, "format": doc.format}
            result.question_set = f"corpus:{split}"
        items += doc_items
        results += doc_results
    return items, results


def sampled(per_document: list[tuple[T, list[EvalItem]]], n: int) -> list[tuple[T, list[EvalItem]]]:
    """A seeded random ``n`` of all the questions, kept with their documents and in order."""
    everything = [(d, item.id) for d, (_, items) in enumerate(per_document) for item in items]
    keep = set(random.Random(0).sample(everything, min(n, len(everything))))
    chosen = [
        (doc, [item for item in items if (d, item.id) in keep])
        for d, (doc, items) in enumerate(per_document)
    ]
    return [(doc, items) for doc, items in chosen if items]
