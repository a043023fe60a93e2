"""The bench's targets (issue #6) and the text table that prints figures beside them."""

from __future__ import annotations

from typing import Any

INGEST_RATIO_TARGET = 0.8
P50_RATIO_TARGET = 2.0
P50_10K_TARGET_MS = 50.0
COLD_START_TARGET_S = 8.0
LLM_RATIO_TARGET = 1.2
CLI_ASK_TARGETS_S = {"cli_ask.server_s": 1.0, "cli_ask.local_s": 7.0}  # issue #19
LARGE_CORPUS = "synthetic_10000"


def target_for(key: str) -> str:
    """The target printed beside figure ``key`` ("" when it has none)."""
    if key.startswith("ingest.") and key.endswith(".ratio"):
        return f">= {INGEST_RATIO_TARGET} x raw encode"
    if key.endswith(".p50_ratio"):
        return f"<= {P50_RATIO_TARGET:g} x raw query embedding"
    if key == f"query.{LARGE_CORPUS}.p50_ms":
        return f"<= {P50_10K_TARGET_MS:g} ms"
    if key == "cold_start.s":
        return f"<= {COLD_START_TARGET_S:g} s"
    if key in CLI_ASK_TARGETS_S:
        return f"<= {CLI_ASK_TARGETS_S[key]:g} s"
    if key in ("llamacpp.ttft_ratio", "llamacpp.total_ratio"):
        return f"<= {LLM_RATIO_TARGET:g} x raw llama.cpp"
    return ""


def met(key: str, value: float) -> bool | None:
    """Whether figure ``key`` meets its target; None when it has none."""
    if key.startswith("ingest.") and key.endswith(".ratio"):
        return value >= INGEST_RATIO_TARGET
    if key.endswith(".p50_ratio"):
        return value <= P50_RATIO_TARGET
    if key == f"query.{LARGE_CORPUS}.p50_ms":
        return value <= P50_10K_TARGET_MS
    if key == "cold_start.s":
        return value <= COLD_START_TARGET_S
    if key in CLI_ASK_TARGETS_S:
        return value <= CLI_ASK_TARGETS_S[key]
    if key in ("llamacpp.ttft_ratio", "llamacpp.total_ratio"):
        return value <= LLM_RATIO_TARGET
    return None


def format_bench(result: dict[str, Any]) -> str:
    """A text table: figure, value, target and whether the target is met."""
    rows = [("figure", "value", "target", "")]
    for key, value in result["figures"].items():
        verdict = met(key, value)
        status = "" if verdict is None else ("met" if verdict else "MISSED")
        rows.append((key, f"{value:g}", target_for(key), status))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]  # fmt: skip
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.extend(f"note: {note}" for note in result.get("notes", []))
    return "\n".join(lines)
