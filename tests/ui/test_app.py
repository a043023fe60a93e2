"""The served app over HTTP: the /ask and /ingest endpoints through gradio_client."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.index import ingest_files
from rag.pipeline import Answerer
from rag.settings import Settings
from rag.store import Store, open_store
from tests.conftest import ARTICLE, make_settings
from ui import app as ui_app
from ui import render
from ui.app import build_app, launch
from ui.handlers import Handlers, chat_messages, find_citation, history_for
from ui.server_file import read_record, record_path

pytestmark = pytest.mark.slow


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, embeddings: Any
) -> Iterator[tuple[str, Settings, Any]]:
    """The app on a free port over its own index holding the article (uploads go there too)."""
    settings = make_settings(
        tmp_path_factory.mktemp("served") / "gw", port=free_port(), max_files_per_upload=2
    )
    store = open_store(settings, embeddings)
    ingest_files([ARTICLE], store, settings)
    demo = launch(settings, Answerer(settings, store), store, prevent_thread_lock=True)
    try:
        yield f"http://127.0.0.1:{settings.port}/", settings, demo
    finally:
        demo.close()


@pytest.fixture(scope="module")
def client(served: tuple[str, Settings, Any]) -> Any:
    from gradio_client import Client

    return Client(served[0], verbose=False)


def test_ask_endpoint_returns_a_cited_answer(client: Any) -> None:
    result = client.predict(question="Who is Sabrina Singh?", api_name="/ask")
    assert result["refused"] is False
    assert "Pentagon spokesperson" in result["answer"]
    text = ARTICLE.read_text(encoding="utf-8")
    assert result["citations"], result
    for citation in result["citations"]:
        assert text[citation["start"] : citation["end"]] == citation["quote"]
        assert f"[{citation['n']}]" in result["answer"]


def test_ask_endpoint_accepts_k_and_refuses_off_topic(client: Any) -> None:
    result = client.predict(question="What is the capital of France?", k=2, api_name="/ask")
    assert result["refused"] is True and result["citations"] == []
    assert len(result["passages"]) <= 2


def test_ask_endpoint_reports_bad_input_as_a_message(client: Any) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="empty"):
        client.predict(question="   ", api_name="/ask")


def test_ask_endpoint_rejects_k_out_of_range_with_a_message(client: Any) -> None:
    from gradio_client.exceptions import AppError

    for k in (0, -3, 51):
        with pytest.raises(AppError, match=r"k must be a whole number from 1 to 50"):
            client.predict(question="Who is Sabrina Singh?", k=k, api_name="/ask")


def test_ingest_endpoint_ingests_and_rejects_with_reasons(
    client: Any, served: tuple[str, Settings, Any], tmp_path: Path
) -> None:
    from gradio_client import handle_file

    note = tmp_path / "zebra note.txt"
    note.write_text("The zebra crossing at Elm Street was repainted blue in March 2021.\n")
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x00\x00")
    report = client.predict(files=[handle_file(note), handle_file(bad)], api_name="/ingest")
    (name,) = report["added"]
    assert re.fullmatch(r"zebra_note-[0-9a-f]{8}\.txt", name)
    assert any("tool.exe" in line and "unsupported" in line for line in report["skipped"])
    assert (served[1].uploads_dir / name).is_file()
    again = client.predict(files=[handle_file(note)], api_name="/ingest")
    assert again["added"] == [] and again["unchanged"] == [name]
    answer = client.predict(question="What colour was the zebra crossing repainted?",
                            api_name="/ask")  # fmt: skip
    assert "blue" in answer["answer"]
    assert {c["source"] for c in answer["citations"]} == {name}


def test_uploaded_files_are_not_served_back(served: tuple[str, Settings, Any]) -> None:
    import httpx

    url, _, demo = served
    secret = b"The vault word is heliotrope.\n"
    sent = httpx.post(f"{url}gradio_api/upload", files=[("files", ("secret.txt", secret))])
    (path,) = sent.json()
    assert Path(path).read_bytes() == secret, "the upload arrived"
    fetched = httpx.get(f"{url}gradio_api/file={path}")
    assert fetched.status_code == 403 and b"heliotrope" not in fetched.content
    # The conversation download, by contrast, is still served.
    write = next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "write")
    exported = write([{"question": "Where is the vault?", "answer": None, "error": "none"}])
    download = httpx.get(f"{url}gradio_api/file={exported}")
    assert download.status_code == 200 and b"Where is the vault?" in download.content


def test_ingest_endpoint_enforces_files_per_upload(client: Any, tmp_path: Path) -> None:
    from gradio_client import handle_file

    paths = []
    for i in range(3):
        path = tmp_path / f"n{i}.md"
        path.write_text(f"Note {i} says the lighthouse keeper owns {i + 2} cats.\n")
        paths.append(handle_file(path))
    report = client.predict(files=paths, api_name="/ingest")
    assert len(report["added"]) + len(report["unchanged"]) == 2
    assert any("at most 2 files" in line for line in report["skipped"])


def test_chat_handler_streams_and_keeps_history(article_answerer: Answerer) -> None:
    handlers = Handlers(article_answerer)
    updates = list(handlers.chat("Who is Sabrina Singh?", [], "extractive", 4))
    first_messages, _, _, cleared = updates[0]
    assert "Searching" in first_messages[-1]["content"] and cleared == ""
    messages, turns, details, _ = updates[-1]
    assert 'href="#cite-0-1"' in messages[-1]["content"]
    assert "score" in details and "retrieve" in details
    assert history_for(turns) == [
        {"role": "user", "content": "Who is Sabrina Singh?"},
        {"role": "assistant", "content": turns[0]["answer"].answer},
    ]
    found = find_citation(turns, "0-1")
    assert found is not None and found[1].n == 1
    assert find_citation(turns, "0-99") is None and find_citation(turns, "x") is None
    card, _, document, _ = handlers.show_citation("0-1", turns)
    quote = found[1].quote
    assert f'<mark id="gw-mark">{quote}</mark>' in document.replace("&#x27;", "'")
    assert "<mark>" in card


def test_chat_handler_shows_errors_as_messages(article_answerer: Answerer) -> None:
    handlers = Handlers(article_answerer)
    messages, turns, _, _ = list(handlers.chat("   ", [], "extractive", 4))[-1]
    assert "gw-error" in messages[-1]["content"] and "empty" in messages[-1]["content"]
    assert "Traceback" not in messages[-1]["content"]
    assert chat_messages(turns) == messages


class WordStreamingAnswerer(Answerer):
    """The real answerer, streamed word by word the way the generative chain will stream."""

    def stream(self, question, history=(), k=None, llm=None):  # type: ignore[no-untyped-def]
        *_, final = super().stream(question, history, k, llm)
        for word in final.answer.split(" "):
            yield word + " "
        yield final


def test_chat_handler_shows_token_deltas_then_the_verified_answer(
    article_settings: Settings, article_answerer: Answerer
) -> None:
    streaming = WordStreamingAnswerer(article_settings, article_answerer.store)
    handlers = Handlers(streaming)
    updates = list(handlers.chat("Who is Sabrina Singh?", [], "extractive", 4))
    drafts = [u[0][-1]["content"] for u in updates if "gw-draft" in u[0][-1]["content"]]
    assert len(drafts) > 5 and "Sabrina" in drafts[-1] and "href" not in drafts[-1]
    final = updates[-1][0][-1]["content"]
    assert "gw-answer" in final and 'href="#cite-0-1"' in final
    path = handlers.exports.write(updates[-1][1])
    assert path is not None and "**Question:** Who is Sabrina Singh?" in Path(path).read_text()


def test_documents_ingested_after_start_appear_on_page_load(
    tmp_path: Path, settings: Settings, store: Store
) -> None:
    ingest_files([ARTICLE], store, settings)
    demo = build_app(settings, Answerer(settings, store))
    loads = [f.fn for f in demo.fns.values() if any(t[1] == "load" for t in f.targets)]
    (on_load,) = [fn for fn in loads if getattr(fn, "__name__", "") == "open_page"]
    note = tmp_path / "pelican.txt"
    note.write_text("The pelican statue in Harbor Square was cast in bronze in 1911.\n")
    ingest_files([note], store, settings)  # as the CLI would, after the app was built

    listing, picker, _, document = on_load()
    assert "pelican.txt" in listing
    doc_id = next(d["doc_id"] for d in store.list_documents() if d["source"] == "pelican.txt")
    assert ("pelican.txt", doc_id) in picker["choices"]
    first = picker["choices"][0][1]  # the page opens on the first document, shown in full
    assert picker["value"] == first and document == render.render_document(
        store.document_text(first)
    )

    handlers = on_load.__self__
    answer = handlers.answerer.ask("What was the pelican statue in Harbor Square cast in?")
    assert answer.citations and answer.citations[0].doc_id == doc_id, answer
    _, selected, document, _ = handlers.show_citation("0-1", [{"question": "q", "answer": answer}])
    assert selected["value"] == doc_id and ("pelican.txt", doc_id) in selected["choices"]
    assert "bronze" in document


def test_serve_records_where_it_listens_until_it_stops(
    article_settings: Settings, article_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    class Demo:
        local_url = "http://127.0.0.1:7861/"

        def block_thread(self) -> None:
            seen["record"] = read_record(article_settings)

    monkeypatch.setattr(ui_app, "launch", lambda *args, **kwargs: Demo())
    monkeypatch.setattr(ui_app, "prepare_store", lambda settings: article_store)
    monkeypatch.setattr(ui_app, "warm_up", lambda answerer: None)
    ui_app.serve(article_settings)
    assert seen["record"] is not None and seen["record"].url == Demo.local_url
    assert not record_path(article_settings).exists()
