"""Aggregate per-question scores into per-backend, per-category figures, and gate on them."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from evals.runner import SampleResult

METRICS = (
    "correct", "answerable_correct", "groundedness", "hallucination_rate", "citation_precision",
    "citation_recall", "gold_quote_share", "sentences_per_answer", "recall@k", "mrr", "token_f1",
    "true_refusal", "false_refusal", "injection_leak",
)  # fmt: skip
OPTIONAL_METRICS = ("judge_faithfulness",)  # summarised only when some sample has them
THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"


@dataclass(frozen=True)
class Figure:
    """A mean over the scored samples, how many were scored, and how many were not."""

    value: float | None
    scored: int
    unscored: int


Summary = dict[str, dict[str, dict[str, Figure]]]  # backend -> group -> metric -> figure


def summarise(results: list[SampleResult]) -> Summary:
    """Figures for every backend: overall ('all'), per category and per tag ('genre:news')."""
    groups: dict[str, dict[str, list[SampleResult]]] = defaultdict(lambda: defaultdict(list))
    for result in results:
        groups[result.backend]["all"].append(result)
        groups[result.backend][result.category].append(result)
        for key, value in result.tags.items():
            groups[result.backend][f"{key}:{value}"].append(result)
    extra = tuple(m for m in OPTIONAL_METRICS if any(m in r.scores for r in results))
    return {
        backend: {group: _figures(samples, METRICS + extra) for group, samples in by_group.items()}
        for backend, by_group in groups.items()
    }


def metric_names(summary: Summary) -> tuple[str, ...]:
    """The metrics a summary holds: every standard one, plus optional ones that were run."""
    present = {m for groups in summary.values() for figures in groups.values() for m in figures}
    return METRICS + tuple(m for m in OPTIONAL_METRICS if m in present)


def _figures(samples: list[SampleResult], metrics: tuple[str, ...]) -> dict[str, Figure]:
    figures = {}
    for metric in metrics:
        if metric == "hallucination_rate":
            shown = sum(s.sentences_shown for s in samples)
            bad = sum(s.sentences_unsupported for s in samples)
            figures[metric] = Figure(bad / shown if shown else None, shown, 0)
            continue
        if metric == "sentences_per_answer":
            answered = [s.sentences_shown for s in samples if s.answer and not s.answer.refused]
            figures[metric] = Figure(
                sum(answered) / len(answered) if answered else None, len(answered), 0
            )
            continue
        if metric == "answerable_correct":
            pool = [s.scores.get("correct") for s in samples if s.answerable]
        else:
            pool = [s.scores.get(metric) for s in samples]
        values = [score.value for score in pool if score is not None and score.value is not None]
        missing = len(samples) - len(values)
        figures[metric] = Figure(
            sum(values) / len(values) if values else None, len(values), missing
        )
    return figures


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, dict[str, float]]:
    """Per-backend gates: ``{backend: {"<metric>_min" | "<metric>_max": value}}``."""
    with path.open("rb") as handle:
        return tomllib.load(handle)


def gate(summary: Summary, thresholds: dict[str, dict[str, float]]) -> list[str]:
    """Every threshold missed, one line each naming the backend, metric, figure and limit."""
    failures = []
    for backend, groups in summary.items():
        limits = thresholds.get(backend, thresholds.get("default", {}))
        for key, limit in limits.items():
            metric, _, bound = key.rpartition("_")
            figure = groups["all"].get(metric)
            if figure is None or figure.value is None:
                failures.append(
                    f"{backend}: {metric} could not be measured (limit {bound} {limit})"
                )
            elif (bound == "min" and figure.value < limit) or (
                bound == "max" and figure.value > limit
            ):
                failures.append(
                    f"{backend}: {metric} = {figure.value:.3f} misses the {bound} of {limit}"
                )
    return failures
