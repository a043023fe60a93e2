"""`groundwork eval`: run question sets over a corpus with several backends, report, gate."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from evals.dataset import default_datasets, load_dataset, missing_evidence
from evals.export import write_ragas
from evals.judge import make_judge
from evals.metrics.base import Checker
from evals.naive import NAIVE
from evals.report import write_reports
from evals.runner import SampleResult, run_eval
from evals.summary import gate, load_thresholds, summarise
from rag.backends import get_backend
from rag.embeddings import get_embeddings
from rag.errors import GroundworkError
from rag.settings import DEFAULT_CORPUS, Settings


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
) -> tuple[list[SampleResult], list[str], list[Path]]:
    """Run, write the reports, and return the results, the gate failures and the report paths.

    ``judge`` names a model backend that adds ``judge_faithfulness``; ``ragas`` is a .jsonl or
    .csv file to write the results to in ragas' column format (listed last among the paths).
    """
    if ragas is not None and ragas.suffix.lower() not in (".jsonl", ".json", ".csv"):
        raise GroundworkError(f"--ragas {ragas}: use a .jsonl or .csv file name")
    for name in backends:
        if name != NAIVE:
            get_backend(name)  # an unknown name fails now, not once per question
    judge_model = make_judge(judge, settings) if judge else None
    items = [item for path in (datasets or default_datasets()) for item in load_dataset(path)]
    corpus_paths = corpus or [DEFAULT_CORPUS]
    if len(corpus_paths) == 1 and corpus_paths[0].is_file():
        text = corpus_paths[0].read_text(encoding="utf-8", errors="replace")
        missing = missing_evidence(items, text) if corpus_paths[0].suffix == ".txt" else []
        if missing:
            raise GroundworkError(f"Evidence not found in the corpus: {missing[0]}")
    results = run_eval(
        items, corpus_paths, backends, settings, default_checker(), on_progress, judge_model
    )
    summary = summarise(results)
    failures = gate(summary, load_thresholds(thresholds) if thresholds else load_thresholds())
    paths = write_reports(results, summary, failures, out)
    if ragas is not None:
        paths.append(write_ragas(results, {item.id: item.answer for item in items}, ragas))
    return results, failures, paths
