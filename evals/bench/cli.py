"""The `groundwork bench` command (registered on the main CLI in ``ui/cli.py``)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ui.cli_errors import cli_settings, one_line_errors


def bench_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    quick: Annotated[
        bool, typer.Option("--quick", help="Only the 1k-chunk corpus and fewer questions.")
    ] = False,
) -> None:
    """Measure ingestion, answer latency, cold start, memory and llama.cpp against targets."""
    from evals.bench.run import format_bench, run_bench

    settings = cli_settings()
    with one_line_errors():
        result = run_bench(settings, quick=quick)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(format_bench(result))
    if result["profile"]:
        typer.echo("\nProfile of the largest corpus's query path:\n" + result["profile"])
