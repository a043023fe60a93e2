"""Elapsed time in milliseconds, the unit of every timing an answer or a benchmark reports."""

from __future__ import annotations

import time


def ms_since(started: float, until: float | None = None, ndigits: int = 2) -> float:
    """Milliseconds from ``started`` to ``until`` (both ``time.perf_counter()``; default now)."""
    end = time.perf_counter() if until is None else until
    return round((end - started) * 1000, ndigits)
