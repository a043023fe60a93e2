"""Elapsed time in milliseconds, the unit of every timing an answer or a benchmark reports."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


def ms_since(started: float, until: float | None = None, ndigits: int = 2) -> float:
    """Milliseconds from ``started`` to ``until`` (both ``time.perf_counter()``; default now)."""
    end = time.perf_counter() if until is None else until
    return round((end - started) * 1000, ndigits)


class Stopwatch:
    """The time each stage of one answer took (``Answer.timings_ms``), and the total."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.timings: dict[str, float] = {}

    def mark(self, stage: str) -> None:
        """Record ``stage`` as everything since the start (the first stage of an answer)."""
        self.timings[stage] = ms_since(self.started)

    @contextmanager
    def lap(self, stage: str) -> Iterator[None]:
        """Add the time the block takes to ``stage``; a stage run once per part adds up."""
        clock = time.perf_counter()
        yield
        self.timings[stage] = self.timings.get(stage, 0.0) + ms_since(clock)

    def total(self, more: dict[str, float] | None = None) -> dict[str, float]:
        """The stages' times, then ``more`` (a stage's own, e.g. generation), then the total."""
        return {**self.timings, **(more or {}), "total": ms_since(self.started)}
