"""The Gradio web app: layout and wiring of a chat whose answers open their cited sources."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from typing import Any

from rag.errors import GroundworkError
from rag.pipeline import Answerer
from rag.settings import Settings
from rag.store import Store
from ui import history_panel, render
from ui.assets import CITE_BUTTON_ID, CITE_TARGET_ID, CSS, PAGE_JS, SCROLL_TO_MARK_JS
from ui.handlers import Handlers, available_backends
from ui.server_file import server_record

CONCURRENCY_LIMIT = 4
EXAMPLE_QUESTIONS = [
    "Who is Sabrina Singh?",
    "By when must the US mission's transition in Iraq be finished?",
    "Is the US withdrawing from Iraq?",
    "What year did the US invade Iraq?",
]


def build_app(settings: Settings, answerer: Answerer) -> Any:
    """The Blocks app with the chat, source and document panels and the /ask, /ingest APIs."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    handlers = Handlers(answerer)
    backends = available_backends(settings)
    # Conversation downloads are served from their own folder: Gradio would otherwise copy
    # them into its upload folder, which is never served (see ``ui.serving``).
    gr.set_static_paths([handlers.exports.root])
    with gr.Blocks(title="groundwork", delete_cache=(3600, 3600)) as demo:
        turns = gr.State([])
        gr.Markdown("## groundwork\nAnswers quoted from your documents — click a [n] marker "
                    "or a source card to see the exact passage.")  # fmt: skip
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                history = history_panel.build(settings)
                chat = _chat_panel(gr, settings, backends, handlers)
            with gr.Column(scale=2):
                docs = _document_panel(gr, handlers)
        cite_target = gr.Textbox(visible="hidden", elem_id=CITE_TARGET_ID)
        cite_button = gr.Button("show citation", visible="hidden", elem_id=CITE_BUTTON_ID)
        _wire_chat(handlers, chat, docs, turns, history)
        history_panel.wire(demo, history, chat, docs, turns)
        cite_button.click(
            handlers.show_citation,
            [cite_target, turns],
            [docs["source"], docs["picker"], docs["document"], chat["details"]],
            api_visibility="private",
            show_progress="hidden",
        )
        _wire_documents(handlers, chat, docs)
        _api_endpoints(gr, settings, handlers)
        # Read per page load: documents ingested since start (CLI, /ingest) must show up.
        demo.load(handlers.open_page, None,
                  [docs["listing"], docs["picker"], chat["examples"], docs["document"]],
                  api_visibility="private", show_progress="hidden")  # fmt: skip
        demo.unload(handlers.exports.forget)
    return demo


def _chat_panel(gr: Any, settings: Settings, backends: list[str], handlers: Handlers) -> dict:
    chatbot = gr.Chatbot(label="Conversation", height=520, latex_delimiters=[],
                         elem_id="gw-chat", buttons=["copy"])  # fmt: skip
    with gr.Row():
        question = gr.Textbox(placeholder="Ask about the documents…", show_label=False, scale=5,
                              max_lines=6, max_length=settings.max_question_chars,
                              elem_id="gw-question")  # fmt: skip
        send = gr.Button("Ask", variant="primary", scale=1, elem_id="gw-ask")
    with gr.Column(visible=handlers.has_default_article()) as examples:
        gr.Examples(examples=[[q] for q in EXAMPLE_QUESTIONS], inputs=question,
                    label="Try asking about the default article")  # fmt: skip
    with gr.Row():
        new = gr.Button("New conversation", size="sm")
        download = gr.DownloadButton("Download conversation (.md)", size="sm", value=None)
    with gr.Accordion("Answer details: retrieved passages and timings", open=False):
        details = gr.HTML(render.render_details(None), elem_id="gw-details")
    with gr.Accordion("Settings", open=False):
        backend = gr.Dropdown(backends, value=_default_backend(settings, backends),
                              label="Answering backend")  # fmt: skip
        top_k = gr.Slider(1, 20, value=settings.top_k, step=1, label="Passages to retrieve (k)")
    return {"chatbot": chatbot, "question": question, "send": send, "examples": examples,
            "new": new, "download": download, "details": details, "backend": backend,
            "top_k": top_k}  # fmt: skip


def _document_panel(gr: Any, handlers: Handlers) -> dict:
    source = gr.HTML("", elem_id="gw-source")
    listing = gr.HTML(render.render_document_list(handlers.store.list_documents()),
                      elem_id="gw-doc-list")  # fmt: skip
    picker = gr.Dropdown(handlers.document_choices(), value=None, label="Read a document",
                         elem_id="gw-picker")  # fmt: skip
    document = gr.HTML("", elem_id="gw-document", js_on_load=SCROLL_TO_MARK_JS)
    upload = gr.File(label="Add documents (.txt, .md, .html, .pdf)", file_count="multiple",
                     elem_id="gw-upload", height=120)  # fmt: skip
    status = gr.HTML("", elem_id="gw-upload-status")
    return {"source": source, "listing": listing, "picker": picker, "document": document,
            "upload": upload, "status": status}  # fmt: skip


def _wire_chat(handlers: Handlers, chat: dict, docs: dict, turns: Any, history: dict) -> None:
    inputs = [chat["question"], turns, chat["backend"], chat["top_k"]]
    outputs = [chat["chatbot"], turns, chat["details"], chat["question"]]
    cited = [docs["source"], docs["picker"], docs["document"], chat["details"]]
    kept = [history["current"], history["saved"], history["listing"]]
    quiet = {"api_visibility": "private", "show_progress": "hidden"}
    for trigger in (chat["question"].submit, chat["send"].click):
        answered = trigger(handlers.chat, inputs, outputs, api_visibility="private")
        answered = answered.then(handlers.show_latest_citation, turns, cited, **quiet)
        answered = answered.then(
            history_panel.remember, [history["current"], turns, history["saved"]], kept, **quiet
        )
        answered.then(handlers.exports.write, turns, chat["download"], **quiet)

    def new_conversation() -> tuple[Any, ...]:
        return [], [], render.render_details(None), "", None, "", gr_update(value=None)

    chat["new"].click(
        new_conversation,
        None,
        [chat["chatbot"], turns, chat["details"], docs["source"], chat["download"],
         history["current"], history["listing"]],
        api_visibility="private",
    ).then(handlers.exports.forget, api_visibility="private")  # fmt: skip


def gr_update(**changes: Any) -> Any:
    """``gr.update`` without importing Gradio at module import time."""
    import gradio as gr

    return gr.update(**changes)


def _wire_documents(handlers: Handlers, chat: dict, docs: dict) -> None:
    docs["picker"].input(
        handlers.show_document, docs["picker"], docs["document"], api_visibility="private"
    )
    docs["upload"].upload(
        handlers.upload,
        docs["upload"],
        [docs["status"], docs["picker"], docs["listing"], chat["examples"], docs["upload"]],
        api_visibility="private",
    ).then(handlers.show_document, docs["picker"], docs["document"], api_visibility="private")


def _api_endpoints(gr: Any, settings: Settings, handlers: Handlers) -> None:
    default_k, default_llm = settings.top_k, settings.llm

    def ask(question: str, k: int = default_k, llm: str = default_llm) -> dict[str, Any]:
        """Answer a question from the ingested documents; the Answer as JSON."""
        return handlers.ask_json(question, k, llm)

    def ask_followup(
        question: str,
        history: list[dict[str, str]],
        k: int = default_k,
        llm: str = default_llm,
    ) -> dict[str, Any]:
        """Answer a question asked after earlier ``{role, content}`` turns; the Answer as JSON."""
        return handlers.ask_json(question, k, llm, history)

    gr.api(ask, api_name="ask")
    # A separate endpoint, so callers of /ask that send exactly its three values still work.
    gr.api(ask_followup, api_name="ask_followup")
    files = gr.File(file_count="multiple", visible=False)
    report = gr.JSON(visible=False)
    trigger = gr.Button(visible=False)
    trigger.click(handlers.ingest_json, files, report, api_name="ingest")


def _default_backend(settings: Settings, backends: list[str]) -> str:
    return settings.llm if settings.llm in backends else backends[0]


def launch(
    settings: Settings,
    answerer: Answerer,
    store: Store | None = None,
    *,
    prevent_thread_lock: bool = False,
) -> Any:
    """Start the app on ``settings.host:port`` (queue on, analytics off); returns the Blocks."""
    del store  # the answerer already holds the store it answers from
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from ui.serving import upload_guard

    demo = build_app(settings, answerer)
    demo.queue(default_concurrency_limit=CONCURRENCY_LIMIT).launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=_auth(settings),
        share=False,
        show_error=False,
        prevent_thread_lock=prevent_thread_lock,
        footer_links=["api"],
        css=CSS,
        js=PAGE_JS,
        allowed_paths=[],
        app_kwargs={"middleware": upload_guard()},  # uploads are ingested, never served back
    )
    return demo


def _auth(settings: Settings) -> tuple[str, str] | None:
    if not settings.auth:
        return None
    if ":" not in settings.auth:
        raise GroundworkError("GROUNDWORK_AUTH must look like user:password")
    user, password = settings.auth.split(":", 1)
    return user, password


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
    _auth(settings)  # fail fast on a malformed value, before loading models
    answerer = Answerer(settings, prepare_store(settings))
    threading.Thread(target=warm_up, args=(answerer,), name="warm-up", daemon=True).start()
    demo = launch(settings, answerer, prevent_thread_lock=True)
    # SIGTERM ends the process like Ctrl-C, so the server record is removed on that exit too.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        with server_record(settings, demo.local_url):
            demo.block_thread()
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def warm_up(answerer: Answerer) -> None:
    """Do, while the UI starts, the one-off work of the first request, so it answers sooner.

    Gradio imports matplotlib (when installed) around its first request; one unseen
    extractive answer builds the chunk index, loads the cached sentences and the answerability
    model and runs the encoder once. Any failure is left for real requests to report.
    """
    with contextlib.suppress(Exception):
        import matplotlib  # noqa: F401
    with contextlib.suppress(Exception):
        answerer.reranker()  # loads the answerability model (or logs once why it cannot)
    with contextlib.suppress(Exception):
        answerer.ask(EXAMPLE_QUESTIONS[0], llm="extractive")
