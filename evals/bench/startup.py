"""Cold start: from launching ``groundwork serve`` on an existing index to its first answer."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import IO

from evals.bench.cli_ask import bench_cli_ask
from evals.bench.corpus import QUESTION
from rag.errors import GroundworkError
from rag.settings import PROJECT_ROOT, Settings

TIMEOUT_S = 180.0
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def bench_cold_start(settings: Settings, figures: dict[str, float]) -> None:
    """Start the web UI in a fresh process and time until its ``/ask`` API returns an answer."""
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "GROUNDWORK_DATA_DIR": str(settings.data_dir), "GROUNDWORK_LLM": "extractive",
           "GROUNDWORK_COLLECTION": settings.collection, "GROUNDWORK_AUTH": "",
           "GROUNDWORK_HOST": "127.0.0.1", "GROUNDWORK_PORT": str(port)}  # fmt: skip
    if settings.chroma_host:
        env.update(GROUNDWORK_CHROMA_HOST=settings.chroma_host,
                   GROUNDWORK_CHROMA_PORT=str(settings.chroma_port))  # fmt: skip
    with tempfile.TemporaryFile() as log:
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "ui.cli", "serve"], cwd=PROJECT_ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        try:
            first_answer(server, port, log, settings.top_k)
            figures["cold_start.s"] = round(time.perf_counter() - started, 2)
            figures["cold_start.peak_rss_mb"] = round(_peak_rss_mb(server.pid), 1)
            bench_cli_ask(env, settings.data_dir, figures)  # while this server is up
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=20)


def first_answer(server: subprocess.Popen[bytes], port: int, log: IO[bytes], k: int) -> None:
    """Ask over HTTP until the server answers; the answer must complete without error."""
    url = f"http://127.0.0.1:{port}/gradio_api/call/ask"
    body = json.dumps({"data": [QUESTION, k, "extractive"]}).encode()
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise GroundworkError(f"`groundwork serve` exited early: {_tail(log)}")
        request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        try:
            with _NO_PROXY.open(request, timeout=TIMEOUT_S) as reply:
                event = json.load(reply)["event_id"]
        except OSError:  # not listening yet
            time.sleep(0.05)
            continue
        try:
            with _NO_PROXY.open(f"{url}/{event}", timeout=TIMEOUT_S) as reply:
                stream = reply.read().decode("utf-8", "replace")
        except ConnectionError:
            # Seen in CI on a loaded machine: the server, just up, dropped the connection of
            # the first answer's stream. Ask again; a server that died is caught by poll().
            time.sleep(0.5)
            continue
        if "event: complete" not in stream:
            raise GroundworkError(f"the first /ask did not complete: {stream[:300]}")
        return
    raise GroundworkError(f"`groundwork serve` did not answer within {TIMEOUT_S:g} s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _peak_rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _tail(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-600:]
