"""Helpers shared by the eval tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import evals.runner
from evals.dataset import DATA_DIR, load_dataset
from ingest.index import expand_paths
from rag.settings import Settings
from rag.store import Store


def write_small_set(directory: Path, count: int) -> Path:
    """A JSONL file of the first ``count`` factual/unanswerable dev questions."""
    items = load_dataset(DATA_DIR / "article.dev.jsonl")
    chosen = [i for i in items if i.category in ("factual", "unanswerable")][:count]
    path = directory / "small.jsonl"
    path.write_text("\n".join(i.model_dump_json() for i in chosen) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def eval_indexes() -> dict[tuple[object, ...], Store]:
    return {}


@pytest.fixture(autouse=True)
def one_eval_index_per_corpus(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
    eval_indexes: dict[tuple[object, ...], Store],
) -> None:
    """Evals of the same files with the same settings read one index, built on first use.

    An eval only reads its index, and building it is what these tests would otherwise repeat
    for every run; the first run of each corpus still builds it the eval's own way.
    """
    build = evals.runner.build_eval_store

    def shared(corpus: list[Path], settings: Settings, workdir: Path) -> Store:
        try:
            files = [(str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns)
                     for p in expand_paths(corpus)]  # fmt: skip
        except Exception:  # a bad corpus fails the eval's own way
            return build(corpus, settings, workdir)
        key = (tuple(files), settings.model_dump_json(exclude={"data_dir"}))
        if key not in eval_indexes:
            eval_indexes[key] = build(corpus, settings, tmp_path_factory.mktemp("eval-index"))
        return eval_indexes[key]

    monkeypatch.setattr(evals.runner, "build_eval_store", shared)
