"""The CLI through a running server: same answers as in-process, and in-process when it is gone."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rag.errors import GroundworkError
from rag.pipeline import Answerer
from rag.settings import Settings
from rag.store import Store
from tests.conftest import make_settings
from tests.ui.test_app import free_port
from tests.ui.test_server_file import dead_pid
from ui import cli
from ui.app import launch
from ui.client import ServerUnavailable, connect
from ui.server_file import record_path, server_record, write_record

runner = CliRunner()
QUESTION = "By when must the US mission's transition in Iraq be finished?"


def without_timings(payload: dict[str, Any]) -> dict[str, Any]:
    """An answer's JSON minus how long each stage took (the only part that may differ)."""
    return {key: value for key, value in payload.items() if key != "timings_ms"}


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, article_settings: Settings):
    monkeypatch.chdir(tmp_path)  # no .env file
    for name in ("GROUNDWORK_AUTH", "GROUNDWORK_LLM", "GROUNDWORK_TOP_K"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(article_settings.data_dir))


@pytest.fixture(scope="module")
def server(article_settings: Settings, article_store: Store) -> Iterator[Settings]:
    """The app serving the article's data directory, recorded as `groundwork serve` does."""
    settings = article_settings.model_copy(update={"port": free_port(), "auth": "ann:s3cret"})
    demo = launch(settings, Answerer(settings, article_store), prevent_thread_lock=True)
    try:
        with server_record(settings, demo.local_url):
            yield settings
    finally:
        demo.close()


@pytest.fixture
def no_local_answering(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make answering in the CLI's own process fail, to prove an answer came from the server."""

    def refuse(settings: Settings) -> Store:
        raise GroundworkError("answered in-process")

    monkeypatch.setattr(cli, "_open_store", refuse)


def ask_json(*args: str) -> Any:
    return runner.invoke(cli.app, ["ask", "--json", *args])


def test_ask_through_the_server_gives_the_in_process_answer(
    server: Settings, article_answerer: Answerer, no_local_answering: None, monkeypatch
) -> None:
    monkeypatch.setenv("GROUNDWORK_AUTH", server.auth or "")
    result = ask_json(QUESTION)
    assert result.exit_code == 0, result.output
    expected = article_answerer.ask(QUESTION).model_dump()
    assert without_timings(json.loads(result.stdout)) == without_timings(expected)
    assert "note:" not in result.stderr
    bad = runner.invoke(cli.app, ["ask", "   "])  # the server's one-line error, exit 2
    # (the server shares this process, so its own log of the error is captured here too)
    assert bad.exit_code == 2
    assert bad.stderr.splitlines()[-1] == "error: Please type a question; this one is empty."


@pytest.mark.slow  # more asks through the real server
def test_a_follow_up_through_the_server_uses_the_history(
    server: Settings, article_answerer: Answerer
) -> None:
    remote = connect(make_settings(server.data_dir, auth=server.auth))
    assert remote is not None
    history = [
        {"role": "user", "content": "Who is Sabrina Singh?"},
        {"role": "assistant", "content": "Sabrina Singh is the Pentagon spokesperson."},
    ]
    follow_up = "What did she tell reporters?"
    answer = remote.ask(follow_up, 4, "extractive", history)
    expected = article_answerer.ask(follow_up, history, k=4, llm="extractive")
    assert without_timings(answer.model_dump()) == without_timings(expected.model_dump())
    assert answer.standalone_question == expected.standalone_question


def test_a_wrong_login_is_a_one_line_error(server: Settings, monkeypatch) -> None:
    monkeypatch.setenv("GROUNDWORK_AUTH", "ann:wrong")
    result = runner.invoke(cli.app, ["ask", QUESTION])
    assert result.exit_code == 2 and "refused the login" in result.output
    monkeypatch.delenv("GROUNDWORK_AUTH")
    unauthorised = runner.invoke(cli.app, ["ask", QUESTION])
    assert unauthorised.exit_code == 0 and "note:" in unauthorised.stderr  # answered here


def test_local_flag_answers_in_process_while_a_server_runs(
    server: Settings, no_local_answering: None
) -> None:
    result = ask_json("--local", QUESTION)
    assert result.exit_code == 2 and "answered in-process" in result.output


@pytest.mark.slow  # more asks through the real server
def test_a_stale_record_is_ignored_without_a_notice(
    article_settings: Settings, article_answerer: Answerer, monkeypatch
) -> None:
    path = record_path(article_settings)
    write_record(article_settings, f"http://127.0.0.1:{free_port()}/")
    saved = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**saved, "pid": dead_pid()}), encoding="utf-8")
    try:
        result = ask_json(QUESTION)
    finally:
        path.unlink()
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    expected = article_answerer.ask(QUESTION).model_dump()
    assert without_timings(json.loads(result.stdout)) == without_timings(expected)


@pytest.mark.slow  # a real server started and stopped
def test_a_server_gone_midway_falls_back_in_process_with_one_notice(
    article_settings: Settings, article_store: Store, article_answerer: Answerer
) -> None:
    settings = article_settings.model_copy(update={"port": free_port()})
    demo = launch(settings, Answerer(settings, article_store), prevent_thread_lock=True)
    with server_record(settings, demo.local_url):
        remote = connect(settings)
        assert remote is not None and remote.ask(QUESTION, 4, "extractive").answer
        demo.close()  # the record still names a live process: this one
        with pytest.raises(ServerUnavailable):
            remote.ask(QUESTION, 4, "extractive")
        chat = runner.invoke(cli.app, ["chat"], input=f"{QUESTION}\n{QUESTION}\n/exit\n")
        result = ask_json(QUESTION)
    assert chat.exit_code == 0, chat.output
    assert chat.stderr.count("note:") == 1 and "answering in-process" in chat.stderr
    assert chat.stdout.count("September 2025") >= 2
    assert result.exit_code == 0, result.output
    notices = result.stderr.strip().splitlines()
    assert len(notices) == 1 and notices[0].startswith("note:") and "in-process" in notices[0]
    expected = article_answerer.ask(QUESTION).model_dump()
    assert without_timings(json.loads(result.stdout)) == without_timings(expected)


def test_a_record_of_another_data_dir_is_not_used(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw")
    write_record(make_settings(tmp_path / "other"), "http://127.0.0.1:1/")
    assert connect(settings) is None


def test_a_live_server_with_other_settings_is_not_used_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_record(make_settings(tmp_path / "gw"), "http://127.0.0.1:1/")
    assert connect(make_settings(tmp_path / "gw")) is not None
    assert capsys.readouterr().err == ""
    assert connect(make_settings(tmp_path / "gw", refusal_threshold=0.9)) is None
    notices = capsys.readouterr().err.strip().splitlines()
    assert len(notices) == 1 and notices[0].startswith("note:"), notices
    assert "other answering settings" in notices[0] and "in-process" in notices[0]


@pytest.mark.slow  # more asks through the real server
def test_ask_still_takes_its_three_values_and_a_bad_history_is_one_line(server: Settings) -> None:
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(CookieJar())
    )
    url = f"http://127.0.0.1:{server.port}/"
    user, _, password = (server.auth or "").partition(":")
    opener.open(
        url + "login", urllib.parse.urlencode({"username": user, "password": password}).encode()
    )
    body = json.dumps({"data": [QUESTION, 4, "extractive"]}).encode()  # as callers sent before
    request = urllib.request.Request(
        url + "gradio_api/call/ask", body, {"Content-Type": "application/json"}
    )
    event = json.load(opener.open(request))["event_id"]
    stream = opener.open(f"{url}gradio_api/call/ask/{event}").read().decode()
    assert "event: complete" in stream and "September 2025" in stream
    with server_record(server, url):  # earlier tests replaced the module server's record
        remote = connect(make_settings(server.data_dir, auth=server.auth))
    assert remote is not None
    with pytest.raises(GroundworkError, match="history must be a list"):
        remote.ask(QUESTION, 4, "extractive", [{"role": "user", "content": ["not text"]}])  # type: ignore[dict-item]


# `groundwork ask` as the console script runs it, then what the process imported.
REAL_ASK = f"""
import json, sys
from ui.cli import main
sys.argv = ["groundwork", "ask", "--json", {QUESTION!r}]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print(json.dumps(sorted(sys.modules)))
"""
# What answering needs and a CLI talking to a server does not: each costs start-up time.
NOT_FOR_A_CLIENT = ("langchain", "langchain_core", "langsmith", "torch", "transformers",
                    "sentence_transformers", "sklearn", "chromadb", "numpy", "gradio")  # fmt: skip


@pytest.mark.slow
def test_a_real_ask_through_the_server_imports_no_answering_packages(
    server: Settings, article_answerer: Answerer, tmp_path: Path
) -> None:
    """A fresh `groundwork ask` gets the in-process answer from the server, importing only
    the CLI, its settings and the answer's model (the start-up of server-backed `ask`)."""
    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "HF_HUB_OFFLINE": "1",
           "GROUNDWORK_DATA_DIR": str(server.data_dir),
           "GROUNDWORK_AUTH": server.auth or ""}  # fmt: skip
    command = [sys.executable, "-c", REAL_ASK]
    with server_record(server, f"http://127.0.0.1:{server.port}/"):  # earlier tests replaced it
        done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "note:" not in done.stderr  # answered by the server, not in-process
    answer_line, modules_line = done.stdout.strip().splitlines()[-2:]
    expected = article_answerer.ask(QUESTION).model_dump()
    assert without_timings(json.loads(answer_line)) == without_timings(expected)
    imported = {name.split(".")[0] for name in json.loads(modules_line)}
    assert imported.isdisjoint(NOT_FOR_A_CLIENT), imported & set(NOT_FOR_A_CLIENT)
