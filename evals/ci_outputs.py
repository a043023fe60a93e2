"""What `groundwork eval` adds for CI: a baseline comparison, trends, JUnit XML, a summary."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.ci_summary import summary_markdown, write_summary
from evals.compare import SetComparison, compare
from evals.compare_report import comparison_html, comparison_markdown
from evals.history import Point, history_html, load_history, point
from evals.junit import write_junit
from evals.results_io import load_run, results_path
from evals.runner import SampleResult
from evals.summary import Summary


@dataclass(frozen=True)
class CiOptions:
    """Where to find a baseline and earlier runs, and where to write JUnit and the summary."""

    baseline: Path | None = None
    history: Path | None = None
    junit: Path | None = None
    summary_md: Path | None = None
    step_summary: Path | None = None  # GitHub's $GITHUB_STEP_SUMMARY, appended to


@dataclass
class CiInputs:
    """The baseline run and earlier runs, read before the (long) eval so bad paths fail fast."""

    options: CiOptions
    baseline: tuple[dict[str, Any], list[SampleResult]] | None
    history: list[Point]


def read_inputs(options: CiOptions) -> CiInputs:
    """Load the baseline and the history; a missing or unreadable one is a GroundworkError."""
    baseline = load_run(options.baseline) if options.baseline else None
    history = load_history(options.history) if options.history else []
    return CiInputs(options, baseline, history)


def report_sections(
    inputs: CiInputs,
    current: tuple[dict[str, Any], list[SampleResult]],
    thresholds: dict[str, dict[str, float]],
) -> tuple[list[SetComparison] | None, tuple[str, str]]:
    """The comparison (None without a baseline) and the Markdown and HTML it adds to reports."""
    markdown, page = "", ""
    comparisons = None
    if inputs.baseline is not None and inputs.options.baseline is not None:
        comparisons = compare(inputs.baseline, current, thresholds)
        name = str(results_path(inputs.options.baseline))
        markdown, page = comparison_markdown(comparisons, name), comparison_html(comparisons, name)
    if inputs.history:
        page += history_html([*inputs.history, point("this run", current[1])])
    return comparisons, (markdown, page)


def write_ci_files(
    inputs: CiInputs,
    results: list[SampleResult],
    summary: Summary,
    failures: list[str],
    comparisons: list[SetComparison] | None,
    reports: list[Path],
    thresholds: dict[str, dict[str, float]],
) -> list[Path]:
    """Write the JUnit XML and the Markdown summary asked for; return the files written."""
    options, written = inputs.options, []
    if options.junit is not None:
        written.append(write_junit(results, thresholds, options.junit))
    if options.summary_md is not None or options.step_summary is not None:
        text = summary_markdown(summary, failures, comparisons, reports)
        written += write_summary(text, options.summary_md, options.step_summary)
    return written
