"""`groundwork ask` as a person runs it: a fresh process, through a running server and alone.

Measured while the cold-start bench's ``groundwork serve`` is up on the article's index: the
wall time of ``groundwork ask --json`` (which finds the server through its record in the data
directory) and of ``groundwork ask --local --json`` (which loads everything itself).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from evals.bench.corpus import QUESTION
from rag.errors import GroundworkError
from rag.settings import PROJECT_ROOT

SERVER_RUNS = 5
LOCAL_RUNS = 2
RECORD_WAIT_S = 30.0


def bench_cli_ask(env: dict[str, str], data_dir: Path, figures: dict[str, float]) -> None:
    """Median wall seconds of `ask` through the running server and in-process."""
    _wait_for_record(data_dir / "server.json")
    server = [_timed_ask(env, local=False) for _ in range(SERVER_RUNS)]
    local = [_timed_ask(env, local=True) for _ in range(LOCAL_RUNS)]
    figures["cli_ask.server_s"] = round(statistics.median(server), 2)
    figures["cli_ask.local_s"] = round(statistics.median(local), 2)


def _wait_for_record(path: Path) -> None:
    deadline = time.monotonic() + RECORD_WAIT_S
    while not path.exists():
        if time.monotonic() > deadline:
            raise GroundworkError(f"`groundwork serve` wrote no {path.name}")
        time.sleep(0.05)


def _timed_ask(env: dict[str, str], local: bool) -> float:
    """One `groundwork ask --json` in a fresh process; a fallback notice spoils the figure."""
    command = [sys.executable, "-m", "ui.cli", "ask", "--json", QUESTION]
    if local:
        command.insert(4, "--local")
    started = time.perf_counter()
    done = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or (not local and "note:" in done.stderr):
        raise GroundworkError(f"`groundwork ask` did not answer as expected: {done.stderr[-300:]}")
    return elapsed
