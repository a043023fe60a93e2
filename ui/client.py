"""Answer CLI questions through a running ``groundwork serve`` instead of loading the models.

Talks to the server's ``/ask_followup`` API (``/ask`` plus earlier turns) over Gradio's
documented HTTP interface (``POST /gradio_api/call/ask_followup``, then read the event
stream) with the standard library only: ``gradio_client`` would cost more start-up time (its
import and the config requests it makes when connecting) than the answer itself.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from http.cookiejar import CookieJar
from typing import Any

from rag.answer_types import Answer
from rag.errors import GroundworkError
from rag.settings import Settings
from ui.server_file import ServerRecord, live_record, read_record

TIMEOUT_S = 300.0


class ServerUnavailable(Exception):
    """The recorded server did not answer (gone, restarting, or not a groundwork server)."""


class RemoteAnswerer:
    """Asks one running server; errors it reports about the question become GroundworkError."""

    def __init__(self, record: ServerRecord, auth: str | None = None) -> None:
        self.record = record
        # Proxies are skipped: the server is on this machine (its data directory is ours).
        handlers: list[Any] = [urllib.request.ProxyHandler({})]
        handlers.append(urllib.request.HTTPCookieProcessor(CookieJar()))
        self._opener = urllib.request.build_opener(*handlers)
        self._auth = auth
        self._logged_in = False

    def ask(
        self,
        question: str,
        k: int,
        llm: str,
        history: Sequence[dict[str, str]] = (),
    ) -> Answer:
        """The server's answer, exactly as ``Answerer.ask`` gives it in-process."""
        self._login()
        url = f"{self.record.url}gradio_api/call/ask_followup"
        body = json.dumps({"data": [question, list(history), k, llm]}).encode("utf-8")
        request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        try:
            event_id = json.loads(self._read(request))["event_id"]
            stream = self._read(urllib.request.Request(f"{url}/{event_id}"))
        except (KeyError, TypeError, ValueError) as exc:
            raise ServerUnavailable(f"unexpected reply from {self.record.url}") from exc
        return Answer.model_validate(_result(stream))

    def _login(self) -> None:
        if self._logged_in or not self._auth:
            return
        user, _, password = self._auth.partition(":")
        form = urllib.parse.urlencode({"username": user, "password": password}).encode()
        try:
            self._read(urllib.request.Request(f"{self.record.url}login", form))
        except ServerUnavailable as exc:
            if "400" in str(exc):  # Gradio's answer to wrong credentials
                raise GroundworkError(f"the server at {self.record.url} refused the login "
                                      "from GROUNDWORK_AUTH") from exc  # fmt: skip
            raise
        self._logged_in = True

    def _read(self, request: urllib.request.Request) -> str:
        try:
            with self._opener.open(request, timeout=TIMEOUT_S) as reply:
                return str(reply.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as exc:
            raise ServerUnavailable(f"{self.record.url} answered HTTP {exc.code}") from exc
        except (OSError, urllib.error.URLError) as exc:
            raise ServerUnavailable(f"{self.record.url} did not answer ({exc})") from exc


def _result(stream: str) -> dict[str, Any]:
    """The payload of the stream's final event; an ``error`` event carries the user's error."""
    event = ""
    for line in stream.splitlines():
        if line.startswith("event:"):
            event = line.partition(":")[2].strip()
        elif line.startswith("data:") and event in ("complete", "error"):
            data = json.loads(line.partition(":")[2].strip() or "null")
            if event == "error":
                raise GroundworkError(_error_message(data))
            if isinstance(data, list) and data and isinstance(data[0], dict):
                return data[0]
            raise ServerUnavailable("the server's answer was not an answer object")
    raise ServerUnavailable("the answer stream ended without a result")


def _error_message(data: Any) -> str:
    """The one-line message of a ``gr.Error`` as Gradio's event stream carries it."""
    if isinstance(data, dict):
        data = data.get("error") or data.get("message")
    return str(data or "the server could not answer this question")


def connect(settings: Settings) -> RemoteAnswerer | None:
    """A client of the live server serving this data directory with these settings, if any."""
    record = read_record(settings)
    if record is None and (other := live_record(settings)) is not None:
        # Its answers could differ from ours, so it is not used, but a silent 20-second
        # in-process answer beside a running server would look like a hang.
        print(
            f"note: the server at {other.url} runs with other answering settings; "
            "answering in-process",
            file=sys.stderr,
        )
    return RemoteAnswerer(record, settings.auth) if record is not None else None


def ask_remote(
    remote: RemoteAnswerer,
    settings: Settings,
    question: str,
    k: int | None = None,
    history: Sequence[dict[str, str]] = (),
) -> Answer | None:
    """The server's answer; None after a one-line notice on stderr when it stopped answering."""
    try:
        return remote.ask(question, k or settings.top_k, settings.llm, history)
    except ServerUnavailable as exc:
        reason = " ".join(str(exc).split())
        print(f"note: {reason}; answering in-process", file=sys.stderr)
        return None
