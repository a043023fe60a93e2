"""results.json round trip: everything a comparison needs comes back as it was written."""

import json
from pathlib import Path

import pytest

from evals.results_io import load_run, run_info, sample_json
from rag.errors import GroundworkError

DATA = Path(__file__).parent / "data"


def test_samples_survive_a_round_trip():
    raw = json.loads((DATA / "current-results.json").read_text(encoding="utf-8"))
    _, samples = load_run(DATA / "current-results.json")
    assert [sample_json(s) for s in samples] == raw["samples"]


def test_a_folder_means_its_results_json_and_bad_files_are_one_clear_error(tmp_path):
    with pytest.raises(GroundworkError, match="Cannot read eval results"):
        load_run(tmp_path)
    (tmp_path / "results.json").write_text("not json", encoding="utf-8")
    with pytest.raises(GroundworkError, match=r"not an eval results\.json"):
        load_run(tmp_path)


def test_run_info_records_sets_and_corpus_contents(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("one", encoding="utf-8")
    before = run_info(["b", "a", "b"], [doc])
    doc.write_text("two", encoding="utf-8")
    after = run_info(["a"], [doc])
    assert before["question_sets"] == ["a", "b"]
    assert before["corpus"]["doc.txt"] != after["corpus"]["doc.txt"]
