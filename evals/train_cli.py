"""The `groundwork train` command (registered on the main CLI in ``ui/cli.py``).

Training code (torch, sentence-transformers' trainer, the corpus) is imported only when the
command runs, so `groundwork ask` never pays for it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Annotated

import typer

from ui.cli_errors import cli_settings, one_line_errors


def train_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the weights and model card.")],
    candidates: Annotated[
        int, typer.Option(min=1, help="Sentences per question, best by cosine, to train on.")
    ] = 8,
    epochs: Annotated[int, typer.Option(min=1, help="Passes over the training pairs.")] = 1,
    batch_size: Annotated[int, typer.Option(min=1, help="Pairs per training step.")] = 16,
    lr: Annotated[float, typer.Option(help="Learning rate.")] = 3e-5,
    max_length: Annotated[int, typer.Option(min=1, help="Tokens read per pair.")] = 128,
    seed: Annotated[int, typer.Option(help="Seed of every random choice.")] = 13,
    threads: Annotated[
        int | None, typer.Option(min=1, help="Torch threads (default: all).")
    ] = None,
    cache: Annotated[
        Path | None, typer.Option(help="Keep the built pairs here for the next run.")
    ] = None,
) -> None:
    """Train the answerability model on the corpus's train split; print its dev figures."""
    # Training reads no setting, but a bad one stops every command the same way.
    cli_settings()
    from evals.train_answerability import train

    with one_line_errors():
        train(argparse.Namespace(out=out, candidates=candidates, epochs=epochs,
                                 batch_size=batch_size, lr=lr, max_length=max_length, seed=seed,
                                 threads=threads, cache=cache))  # fmt: skip
