"""Trends: earlier runs' results.json, oldest first, drawn as one line chart per headline metric."""

import json
import shutil
from pathlib import Path

import pytest

from evals.compare import HEADLINE
from evals.history import history_html, load_history
from rag.errors import GroundworkError

DATA = Path(__file__).parent / "data"


def test_runs_are_ordered_by_when_they_finished_and_charted(tmp_path):
    # Folder names sort the other way round, so only the recorded finish time orders them.
    for folder, name in (("a", "current"), ("b", "baseline")):
        (tmp_path / folder).mkdir()
        shutil.copy(DATA / f"{name}-results.json", tmp_path / folder / "results.json")
    points = load_history(tmp_path)
    assert [label for label, _ in points] == ["2026-01-01 10:00", "2026-01-02 10:00"]
    assert points[0][1]["extractive"]["correct"] == 0.8  # baseline: 4 of 5 correct
    page = history_html(points)
    assert page.count("<img alt=") == len(HEADLINE)


def test_a_folder_without_runs_or_a_missing_one(tmp_path):
    assert load_history(tmp_path) == []
    with pytest.raises(GroundworkError, match="not a folder"):
        load_history(tmp_path / "missing")


def test_a_run_written_before_run_info_was_kept_still_loads(tmp_path):
    data = json.loads((DATA / "baseline-results.json").read_text(encoding="utf-8"))
    del data["run"]
    (tmp_path / "results.json").write_text(json.dumps(data), encoding="utf-8")
    [(_, figures)] = load_history(tmp_path)
    assert set(figures) == {"extractive", "gated-on-groundedness"}
