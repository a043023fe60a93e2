"""The Gradio web app: a chat over the ingested documents with cited, quoted answers."""

from __future__ import annotations

import html
import os
from typing import Any

from rag.answer import Answer
from rag.answering import Answerer
from rag.errors import GroundworkError
from rag.settings import Settings
from rag.store import Store


def render_citations(answer: Answer) -> str:
    """Citations under an answer, as escaped text (documents are never rendered as HTML)."""
    if not answer.citations:
        return ""
    lines = [
        f"[{c.n}] {c.source} (characters {c.start}–{c.end}): “{c.quote}”" for c in answer.citations
    ]
    return "\n\n" + "\n".join(lines)


def build_app(settings: Settings, answerer: Answerer) -> Any:
    """The Blocks app; ``ask`` is also exposed as the ``/ask`` API endpoint."""
    import gradio as gr

    def ask(question: str) -> dict[str, Any]:
        try:
            return answerer.ask(question).model_dump()
        except GroundworkError as exc:
            raise gr.Error(str(exc)) from exc

    def chat(message: str, history: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
        try:
            result = answerer.ask(message)
            reply = html.escape(result.answer + render_citations(result))
        except GroundworkError as exc:
            reply = html.escape(str(exc))
        history = [*history, {"role": "user", "content": html.escape(message)},
                   {"role": "assistant", "content": reply}]  # fmt: skip
        return "", history

    with gr.Blocks(title="groundwork") as demo:
        gr.Markdown("## groundwork — answers quoted from your documents")
        chatbot = gr.Chatbot(label="Conversation", height=480)
        box = gr.Textbox(label="Question", placeholder="Ask about the document…")
        box.submit(chat, [box, chatbot], [box, chatbot], api_visibility="private")
        hidden_q = gr.Textbox(visible=False)
        hidden_out = gr.JSON(visible=False)
        hidden_q.change(ask, hidden_q, hidden_out, api_name="ask")
    return demo


def prepare_store(settings: Settings) -> Store:
    """Open the index, ingesting the default corpus when it is empty."""
    from ingest.index import expand_paths, ingest_files
    from rag.embeddings import get_embeddings
    from rag.store import open_store

    store = open_store(settings, get_embeddings())
    if not store.document_ids():
        report = ingest_files(expand_paths(settings.corpus_paths), store, settings)
        print(report.summary())
    return store


def serve(settings: Settings) -> None:
    """Run the web UI until interrupted."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    answerer = Answerer(settings, prepare_store(settings))
    demo = build_app(settings, answerer)
    auth = None
    if settings.auth:
        if ":" not in settings.auth:
            raise GroundworkError("GROUNDWORK_AUTH must look like user:password")
        user, password = settings.auth.split(":", 1)
        auth = (user, password)
    demo.queue(default_concurrency_limit=4).launch(
        server_name=settings.host, server_port=settings.port, auth=auth, share=False
    )
