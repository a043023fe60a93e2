"""The `groundwork eval` command (registered on the main CLI in ``ui/cli.py``)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ui.cli_errors import cli_settings, one_line_errors

if TYPE_CHECKING:
    from tqdm import tqdm


class Split(StrEnum):
    """The question corpus's document splits."""

    train = "train"
    dev = "dev"
    test = "test"
    all = "all"


def eval_command(
    llm: Annotated[
        list[str] | None, typer.Option("--llm", help="Backend(s) to evaluate; repeatable.")
    ] = None,
    dataset: Annotated[
        list[Path] | None, typer.Option("--dataset", help="JSONL question set(s).")
    ] = None,
    corpus: Annotated[
        list[Path] | None, typer.Option("--corpus", help="Document(s) the questions are about.")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the reports.")] = Path("eval-out"),
    thresholds: Annotated[
        Path | None,
        typer.Option("--thresholds", help="TOML gate file (evals/thresholds.toml)."),
    ] = None,
    judge: Annotated[
        str | None,
        typer.Option("--judge", help="Model backend that adds an LLM faithfulness score."),
    ] = None,
    ragas: Annotated[
        Path | None,
        typer.Option("--ragas", help="Also write the results for ragas (.jsonl or .csv)."),
    ] = None,
    split: Annotated[
        Split | None,
        typer.Option("--split", help="Run the question corpus's documents of this split."),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option("--sample", min=1, help="With --split: a seeded random N of its questions."),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Earlier results.json (or its folder) to compare with."),
    ] = None,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="Write JUnit XML: a test case per question.")
    ] = None,
    summary_md: Annotated[
        Path | None,
        typer.Option("--summary-md", help="Write a short Markdown summary (job summary, PR)."),
    ] = None,
    history: Annotated[
        Path | None,
        typer.Option("--history", help="Folder of earlier runs' results.json: trend charts."),
    ] = None,
    max_questions: Annotated[
        int | None,
        typer.Option("--max-questions", min=1, help="Smoke run: at most N questions."),
    ] = None,
) -> None:
    """Score groundedness, correctness and refusals; exit 1 when a threshold is missed.

    ``--llm naive`` runs LangChain's tutorial RAG pipeline as a baseline.
    """
    from tqdm import tqdm

    from evals.ci_outputs import CiOptions
    from evals.evaluate import evaluate

    settings = cli_settings()
    ci = CiOptions(baseline, history, junit, summary_md, settings.github_step_summary)
    bar = tqdm(unit="question", file=sys.stderr, disable=None)
    progress = plain_progress if bar.disable else bar_progress(bar)

    try:
        with one_line_errors():
            _, failures, paths = evaluate(
                settings, llm or [settings.llm], dataset, corpus, out, thresholds, progress,
                judge=judge, ragas=ragas, split=split.value if split else None, sample=sample,
                ci=ci, max_questions=max_questions,
            )  # fmt: skip
    finally:
        bar.close()
    typer.echo((paths[1]).read_text(encoding="utf-8").split("## Failures")[0].rstrip())
    typer.echo("Reports: " + ", ".join(str(p) for p in paths))
    if failures:
        for failure in failures:
            typer.echo(f"gate: {failure}", err=True)
        raise typer.Exit(1)


def bar_progress(bar: tqdm[Any]) -> Callable[[int, int], None]:
    """Progress drawn as a bar (a terminal)."""

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return progress


def plain_progress(done: int, total: int) -> None:
    """Progress as plain lines (CI logs): every tenth of the run, and the end."""
    step = max(1, total // 10)
    if done == total or (done and done % step == 0):
        typer.echo(f"eval: {done}/{total} questions", err=True)
