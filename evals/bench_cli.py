"""The `groundwork bench` command (registered on the main CLI in ``ui/cli.py``)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from rag.errors import GroundworkError
from rag.settings import Settings


def bench_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
    quick: Annotated[
        bool, typer.Option("--quick", help="Only the 1k-chunk corpus and fewer questions.")
    ] = False,
) -> None:
    """Measure ingestion, answer latency, cold start, memory and llama.cpp against targets."""
    from evals.bench import format_bench, run_bench

    try:
        result = run_bench(Settings(), quick=quick)
    except GroundworkError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(format_bench(result))
    if result["profile"]:
        typer.echo("\nProfile of the largest corpus's query path:\n" + result["profile"])
