"""The command line's error convention, shared by every subcommand: one line, exit code 2."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from rag.errors import GroundworkError
from rag.settings import Settings, load_settings

BAD_INPUT = 2  # exit 1 is kept for `eval`'s missed thresholds


def fail(message: str) -> NoReturn:
    """Print ``error: <message>`` on stderr and exit with code 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(BAD_INPUT)


@contextmanager
def one_line_errors(settings: Settings | None = None) -> Iterator[None]:
    """Turn a ``GroundworkError`` raised inside the block into one line and exit code 2.

    Given the settings, a Chroma failure of their index too (a full disk, a stuck write).
    """
    try:
        yield
    except GroundworkError as exc:
        fail(str(exc))
    except Exception as exc:
        from chromadb.errors import ChromaError

        from rag.chroma_client import index_failure  # imports Chroma: only when something failed

        if settings is None or not isinstance(exc, ChromaError):
            raise
        fail(str(index_failure(exc, settings)))


def cli_settings(**overrides: object) -> Settings:
    """The validated settings with the command's options (None = not given) on top."""
    with one_line_errors():
        settings = load_settings()
    # Options are already typed and bounded by typer; a bad --llm is named when it is used.
    return settings.model_copy(update={k: v for k, v in overrides.items() if v is not None})
