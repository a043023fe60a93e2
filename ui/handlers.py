"""Event functions of the web UI; they hold no page state of their own beyond the shared store."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator
from typing import Annotated, Any

import gradio as gr
from pydantic import TypeAdapter, ValidationError

from ingest.index import IngestReport, ingest_files
from rag.answer_types import Answer, Citation
from rag.errors import GroundworkError
from rag.pipeline import Answerer
from rag.settings import DEFAULT_CORPUS, Settings
from ui import render
from ui.exports import ConversationExports
from ui.uploads import indexed_sources, save_uploads, tidy_uploads

log = logging.getLogger(__name__)

Turn = dict[str, Any]
Message = dict[str, str]
ChatUpdate = tuple[list[Message], list[Turn], str, str]

_PROGRESS = gr.Progress()
# k from the API is checked against the same bounds as GROUNDWORK_TOP_K.
_TOP_K = TypeAdapter(Annotated[int, Settings.model_fields["top_k"]])
_HISTORY = TypeAdapter(list[dict[str, str]])


def available_backends(settings: Settings) -> list[str]:
    """Backend names from ``rag.backends`` when it exists, else only the extractive answerer."""
    try:
        backends = importlib.import_module("rag.backends")
        names = [str(name) for name in backends.available_backends(settings)]
    except (ImportError, AttributeError):
        return ["extractive"]
    return names or ["extractive"]


def chat_messages(turns: list[Turn], draft: str = "") -> list[Message]:
    """The Chatbot value for a conversation; the unfinished last turn shows ``draft``."""
    messages: list[Message] = []
    for index, turn in enumerate(turns):
        messages.append({"role": "user", "content": render.render_question(turn["question"])})
        if turn.get("answer") is not None:
            content = render.render_answer(turn["answer"], index)
        elif turn.get("error"):
            content = render.render_error(turn["error"])
        else:
            content = render.render_draft(draft or "Searching the documents…")
        messages.append({"role": "assistant", "content": content})
    return messages


def history_for(turns: list[Turn]) -> list[dict[str, str]]:
    """Earlier answered turns as plain ``{role, content}`` history for follow-up questions."""
    history: list[dict[str, str]] = []
    for turn in turns:
        if turn.get("answer") is not None:
            history.append({"role": "user", "content": turn["question"]})
            history.append({"role": "assistant", "content": turn["answer"].answer})
    return history


def parse_cite_target(target: str) -> tuple[int, int] | None:
    """``"<turn>-<n>"`` from a citation link as two numbers, or None when malformed."""
    turn, _, n = (target or "").strip().partition("-")
    if not (turn.isdigit() and n.isdigit()):
        return None
    return int(turn), int(n)


def find_citation(turns: list[Turn], target: str) -> tuple[Answer, Citation] | None:
    """The answer and citation a link points to, if that turn and number exist."""
    parsed = parse_cite_target(target)
    if parsed is None or parsed[0] >= len(turns):
        return None
    answer = turns[parsed[0]].get("answer")
    if answer is None:
        return None
    for citation in answer.citations:
        if citation.n == parsed[1]:
            return answer, citation
    return None


def checked_k(k: Any) -> int:
    """``k`` as a whole number within the bounds of ``GROUNDWORK_TOP_K``, or a one-line error."""
    try:
        return _TOP_K.validate_python(k)
    except ValidationError as exc:
        bounds = Settings.model_json_schema()["properties"]["top_k"]
        raise GroundworkError(
            f"k must be a whole number from {bounds['minimum']} to {bounds['maximum']}; got {k!r}"
        ) from exc


def checked_history(history: Any) -> list[dict[str, str]]:
    """Earlier turns given to the API as ``{role, content}`` dicts, or a one-line error."""
    try:
        return _HISTORY.validate_python(history or [])
    except ValidationError as exc:
        raise GroundworkError(
            'history must be a list of {"role": …, "content": …} objects'
        ) from exc


def report_dict(report: IngestReport, rejected: list[str]) -> dict[str, Any]:
    """An ingest report (plus upload rejections) as a JSON-friendly dict."""
    return {
        "added": report.added,
        "unchanged": report.unchanged,
        "skipped": [*rejected, *report.skipped],
        "chunks": report.chunks,
        "seconds": round(report.seconds, 3),
        "summary": report.summary(),
    }


class Handlers:
    """The UI's event functions, bound to one shared answerer and store."""

    def __init__(self, answerer: Answerer) -> None:
        self.answerer = answerer
        self.settings = answerer.settings
        self.store = answerer.store
        self.exports = ConversationExports()

    def chat(
        self, question: str, turns: list[Turn] | None, backend: str, k: float
    ) -> Iterator[ChatUpdate]:
        """Stream one answer into the chat: the question, draft text, then the verified answer."""
        turns = [*(turns or [])]
        history = history_for(turns)
        turn: Turn = {"question": question or "", "answer": None}
        turns.append(turn)
        yield chat_messages(turns), turns, render.render_details(None), ""
        draft = ""
        try:
            for item in self.answerer.stream(question, history, k=int(k), llm=backend or None):
                if isinstance(item, str):
                    draft += item
                    yield chat_messages(turns, draft), turns, render.render_details(None), ""
                else:
                    turn["answer"] = item
        except GroundworkError as exc:
            turn["error"] = str(exc)
        except Exception:
            log.exception("answering failed")
            turn["error"] = "Something went wrong while answering; please try again."
        if turn["answer"] is None and not turn.get("error"):
            turn["error"] = "The answerer returned no answer."
        yield chat_messages(turns), turns, render.render_details(turn["answer"]), ""

    def show_citation(self, target: str, turns: list[Turn] | None) -> tuple[Any, ...]:
        """Open the cited document with the quoted span marked: card, selection, text, details."""
        found = find_citation(turns or [], target)
        if found is None:
            return "", gr.update(), gr.update(), gr.update()
        answer, citation = found
        try:
            text = self.store.document_text(citation.doc_id)
        except KeyError:
            message = f"{citation.source} is no longer in the index."
            return render.render_error(message), gr.update(), gr.update(), gr.update()
        card = render.render_source_card(citation, text)
        document = render.render_document(text, citation.start, citation.end)
        # Fresh choices: the cited document may have been ingested after this page loaded.
        picker = gr.update(choices=self.document_choices(), value=citation.doc_id)
        return card, picker, document, render.render_details(answer)

    def show_latest_citation(self, turns: list[Turn] | None) -> tuple[Any, ...]:
        """After an answer: open its first citation, as clicking its [1] would."""
        turns = turns or []
        answer = turns[-1].get("answer") if turns else None
        if answer is None or not answer.citations:
            return (gr.update(),) * 4
        return self.show_citation(f"{len(turns) - 1}-{answer.citations[0].n}", turns)

    def open_page(self) -> tuple[str, Any, Any, str]:
        """On page load: the document list, examples, and the first document open to read."""
        listing, _, examples = self.refresh_documents()
        choices = self.document_choices()
        first = choices[0][1] if choices else None
        return listing, gr.update(choices=choices, value=first), examples, self.show_document(first)

    def show_document(self, doc_id: str | None) -> str:
        """The full text of the chosen document, escaped and unmarked."""
        if not doc_id:
            return ""
        try:
            return render.render_document(self.store.document_text(doc_id))
        except KeyError:
            return render.render_error("That document is no longer in the index.")

    def document_choices(self) -> list[tuple[str, str]]:
        """(label, doc_id) pairs for the document selector."""
        return [
            (str(d.get("source", d["doc_id"])), d["doc_id"]) for d in self.store.list_documents()
        ]

    def has_default_article(self) -> bool:
        """Whether the default article is ingested (its example questions apply)."""
        return any(d.get("source") == DEFAULT_CORPUS.name for d in self.store.list_documents())

    def ingest(self, items: list[Any], progress: Any = None) -> dict[str, Any]:
        """Save uploads safely, ingest them idempotently, and report what happened."""
        saved = save_uploads(items or [], self.settings)

        def on_progress(done: int, total: int, name: str) -> None:
            if progress is not None and total:
                progress((done, total), desc=f"Ingesting {name}" if name else "Done")

        # ingest_files parses each file before taking the index's write lock: a slow file
        # holds up no other upload, so the bookkeeping around it takes no lock either.
        before = indexed_sources(self.store, saved.keys.values())
        report = ingest_files(saved.saved, self.store, self.settings,
                              on_progress=on_progress, keys=saved.keys)  # fmt: skip
        tidy_uploads(saved, report, before, self.store)
        return report_dict(report, saved.rejected)

    def upload(self, items: list[Any] | None, progress: Any = _PROGRESS) -> tuple[Any, ...]:
        """The upload button: ingest, then a message per file and a refreshed document list."""
        try:
            result = self.ingest(items or [], progress)
        except GroundworkError as exc:
            failed = f"<b>Upload failed:</b> {render.escape_name(str(exc))}"
            return f'<div class="gw-error">{failed}</div>', *[gr.update()] * 3, None
        listing, picker, examples = self.refresh_documents()
        choices = self.document_choices()
        selected = self._first_added(result["added"], choices)
        if selected:
            picker = gr.update(choices=choices, value=selected)
        # Clearing the upload box drops its links to Gradio's copies (which are not served).
        return render.render_upload_status(result), picker, listing, examples, None

    def refresh_documents(self) -> tuple[str, Any, Any]:
        """The document list, picker choices and example questions as the index holds them now."""
        return (
            render.render_document_list(self.store.list_documents()),
            gr.update(choices=self.document_choices()),
            gr.update(visible=self.has_default_article()),
        )

    @staticmethod
    def _first_added(added: list[str], choices: list[tuple[str, str]]) -> str | None:
        for label, doc_id in choices:
            if label in added:
                return doc_id
        return None

    def ask_json(
        self, question: str, k: int, llm: str, history: list[dict[str, str]] | None = None
    ) -> dict[str, Any]:
        """The ``/ask`` endpoint: one answer as a JSON dict, or a clean error message."""
        try:
            turns = checked_history(history)
            answer = self.answerer.ask(question, turns, k=checked_k(k), llm=llm or None)
            return answer.model_dump()
        except GroundworkError as exc:
            raise gr.Error(str(exc)) from exc

    def ingest_json(self, files: list[Any] | None) -> dict[str, Any]:
        """The ``/ingest`` endpoint: the ingest report of the uploaded files as a dict."""
        try:
            return self.ingest(files or [])
        except GroundworkError as exc:
            raise gr.Error(str(exc)) from exc
