"""Helpers shared by the eval tests."""

from __future__ import annotations

from pathlib import Path

from evals.dataset import DATA_DIR, load_dataset


def write_small_set(directory: Path, count: int) -> Path:
    """A JSONL file of the first ``count`` factual/unanswerable dev questions."""
    items = load_dataset(DATA_DIR / "article.dev.jsonl")
    chosen = [i for i in items if i.category in ("factual", "unanswerable")][:count]
    path = directory / "small.jsonl"
    path.write_text("\n".join(i.model_dump_json() for i in chosen) + "\n", encoding="utf-8")
    return path
