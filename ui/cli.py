"""The ``groundwork`` command: ingest, ask, chat, serve, eval, bench, train.

Each subcommand reads the settings once (``cli_settings``) and passes them down; a bad setting
or bad input is one line on stderr and exit code 2 (``ui/cli_errors.py``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from evals.bench.cli import bench_command
from evals.cli import eval_command
from evals.train_cli import train_command
from rag.errors import EmptyIndex, GroundworkError
from rag.settings import Settings
from ui.cli_errors import cli_settings, one_line_errors

if TYPE_CHECKING:
    from rag.answer_types import Answer
    from rag.pipeline import Answerer
    from rag.store import Store
    from ui.client import RemoteAnswerer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Grounded question answering over your documents.",
)


def _open_store(settings: Settings) -> Store:
    from rag.embeddings import get_embeddings
    from rag.store import open_store

    return open_store(settings, get_embeddings())


@app.command()
def ingest(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders; default corpus if none.")
    ] = None,
    reset: Annotated[bool, typer.Option("--reset", help="Delete the index first.")] = False,
) -> None:
    """Load, chunk and embed documents into the index (idempotent)."""
    from tqdm import tqdm

    from ingest.index import expand_paths, ingest_files
    from rag.chroma_client import reset_index

    settings = cli_settings()
    with one_line_errors(settings):
        files = expand_paths(paths or settings.corpus_paths)
        if reset:
            reset_index(settings)
        store = _open_store(settings)
        bar = tqdm(total=len(files), unit="file", disable=len(files) < 2, file=sys.stderr)

        def progress(done: int, total: int, name: str) -> None:
            bar.n = done
            bar.set_postfix_str(name)
            bar.refresh()

        report = ingest_files(files, store, settings, on_progress=progress)
        bar.close()
    for warning in report.skipped:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(report.summary())


LlmOption = Annotated[
    str | None,
    typer.Option("--llm", help="extractive, llamacpp, openai or ollama (default: settings.llm)."),
]
LocalOption = Annotated[
    bool,
    typer.Option("--local", help="Answer in this process even when `groundwork serve` runs."),
]


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Your question about the documents.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    k: Annotated[int | None, typer.Option("--k", min=1, max=50, help="Chunks to retrieve.")] = None,
    llm: LlmOption = None,
    local: LocalOption = False,
) -> None:
    """Answer a question from the ingested documents, with citations."""
    settings = cli_settings(llm=llm)
    with one_line_errors(settings):
        result = None if local else _ask_server(settings, question, k)
        if result is None:
            from rag.pipeline import Answerer
            from rag.question import clean_question

            # The answerer cleans the question itself; checking here too refuses a bad one
            # before the index is opened (or created) and the embedding model loaded.
            clean_question(question, settings.max_question_chars)
            result = Answerer(settings, _open_store(settings)).ask(question, k=k)
    if as_json:
        typer.echo(json.dumps(result.model_dump(), ensure_ascii=False))
        return
    typer.echo(result.answer)
    _print_details(result)


def _ask_server(settings: Settings, question: str, k: int | None) -> Answer | None:
    """The answer of a running `groundwork serve` of this data directory, if there is one."""
    from ui.client import ask_remote, connect

    remote = connect(settings)
    return None if remote is None else ask_remote(remote, settings, question, k)


def _print_details(result: Answer) -> None:
    """The notice (if any) and the citations under an answer."""
    if result.notice:
        typer.echo(f"  note: {result.notice}")
    for citation in result.citations:
        typer.echo(f"  [{citation.n}] {citation.source} {citation.start}-{citation.end}: "
                   f"“{citation.quote}”")  # fmt: skip


@app.command()
def chat(llm: LlmOption = None, local: LocalOption = False) -> None:
    """Talk with the documents in the terminal; /exit or end of input (Ctrl-D) ends."""
    from ui.client import connect

    settings = cli_settings(llm=llm)
    remote = None if local else connect(settings)
    answerer = None if remote is not None else _chat_answerer(settings)
    typer.echo(f"groundwork chat ({settings.llm}); /exit to leave.")
    history: list[dict[str, str]] = []
    while True:
        typer.echo("> ", nl=False)
        line = sys.stdin.readline()
        if not line or line.strip() == "/exit":
            typer.echo("")
            return
        if not line.strip():
            continue
        result = None
        if remote is not None:
            result, remote = _remote_chat_turn(remote, settings, line.strip(), history)
        if remote is None:
            answerer = answerer or _chat_answerer(settings)
            result = _chat_turn(answerer, line.strip(), history)
        if result is not None:
            history += [{"role": "user", "content": line.strip()},
                        {"role": "assistant", "content": result.answer}]  # fmt: skip


def _chat_answerer(settings: Settings) -> Answerer:
    """An in-process answerer with the chat's backend loaded, or exit 2 with why not."""
    from rag.pipeline import Answerer

    with one_line_errors(settings):
        answerer = Answerer(settings, _open_store(settings))
        answerer.prepare(settings.llm)
        if not answerer.store.document_ids():
            raise EmptyIndex("No documents are ingested yet; run `groundwork ingest` first.")
    return answerer


def _remote_chat_turn(
    remote: RemoteAnswerer, settings: Settings, question: str, history: list[dict[str, str]]
) -> tuple[Answer | None, RemoteAnswerer | None]:
    """One answer from the server, and the server to keep using (None once it went away)."""
    from ui.client import ask_remote

    try:
        result = ask_remote(remote, settings, question, history=history)
    except GroundworkError as exc:
        typer.echo(f"error: {exc}", err=True)
        return None, remote
    if result is None:
        return None, None
    typer.echo(result.answer)
    _print_details(result)
    return result, remote


def _chat_turn(answerer: Answerer, question: str, history: list[dict[str, str]]) -> Answer | None:
    """Stream one answer to the terminal; a bad question prints an error and the chat goes on."""
    try:
        for item in answerer.stream(question, history=history):
            if isinstance(item, str):
                typer.echo(item, nl=False)
                sys.stdout.flush()
            else:
                typer.echo("")
                _print_details(item)
                return item
    except GroundworkError as exc:
        typer.echo(f"error: {exc}", err=True)
    return None


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port to listen on.")] = None,
) -> None:
    """Serve the web UI (ingests the default corpus first when the index is empty)."""
    from ui.app import serve as serve_app

    settings = cli_settings(host=host, port=port)
    with one_line_errors():
        serve_app(settings)


app.command("eval")(eval_command)
app.command("bench")(bench_command)
app.command("train")(train_command)


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
