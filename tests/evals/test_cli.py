"""`groundwork eval` on the command line: exit codes 0 / 1 / 2 and the CI files it writes."""

from pathlib import Path

import pytest
import xmlschema
from typer.testing import CliRunner

import evals.evaluate
from evals.metrics.base import Score
from evals.results_io import load_run
from evals.runner import SampleResult
from tests.evals.conftest import write_small_set
from ui.cli import app

DATA = Path(__file__).parent / "data"
runner = CliRunner()


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def answered_correctly(monkeypatch):
    """Every question answered correctly, without building an index (the gate logic is real)."""

    def fake_run_eval(items, corpus, backends, settings, checker, on_progress=None, judge=None):
        return [
            SampleResult(
                i.id, i.category, b, i.question, i.answerable, None, {"correct": Score(1.0)}
            )
            for b in backends
            for i in items
        ]

    monkeypatch.setattr(evals.evaluate, "run_eval", fake_run_eval)
    monkeypatch.setattr(evals.evaluate, "default_checker", lambda: None)


def gate(tmp_path: Path, bound: float) -> Path:
    path = tmp_path / "gate.toml"
    path.write_text(f"[extractive]\ncorrect_min = {bound}\n", encoding="utf-8")
    return path


def run(tmp_path: Path, *args: str):  # type: ignore[no-untyped-def]
    small = write_small_set(tmp_path, 4)
    return runner.invoke(
        app, ["eval", "--dataset", str(small), "--out", str(tmp_path / "o"), *args]
    )


def test_exit_0_when_every_threshold_is_met(tmp_path, answered_correctly):
    result = run(tmp_path, "--thresholds", str(gate(tmp_path, 1.0)))
    assert result.exit_code == 0, result.output


@pytest.mark.slow  # an eval run over the article (exit 0 stays in the fast loop)
def test_exit_1_naming_the_missed_threshold(tmp_path, answered_correctly):
    result = run(tmp_path, "--thresholds", str(gate(tmp_path, 1.5)))
    assert result.exit_code == 1
    assert "gate: extractive: correct = 1.000 misses the min of 1.5" in result.output


@pytest.mark.parametrize(
    "option", [["--baseline", "missing/results.json"], ["--history", "no-such-folder"]]
)
def test_exit_2_with_one_line_for_a_missing_baseline_or_history(tmp_path, option):
    result = run(tmp_path, *option)
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and result.output.startswith("error: ")
    assert not (tmp_path / "o").exists()  # it stopped before running anything


def test_exit_2_for_a_file_that_is_not_eval_results(tmp_path):
    (tmp_path / "results.json").write_text('{"samples": 3}', encoding="utf-8")
    result = run(tmp_path, "--baseline", str(tmp_path))
    assert result.exit_code == 2 and "not an eval results.json" in result.output


@pytest.mark.slow  # an eval run over the article (exit 0 stays in the fast loop)
def test_max_questions_runs_the_first_n(tmp_path, answered_correctly):
    result = run(tmp_path, "--max-questions", "2", "--thresholds", str(gate(tmp_path, 1.0)))
    assert result.exit_code == 0, result.output
    _, samples = load_run(tmp_path / "o")
    assert [s.question_set for s in samples] == ["small", "small"]


@pytest.mark.slow  # an eval run over the article (exit 0 stays in the fast loop)
def test_summary_is_written_and_appended_to_the_github_step_summary(
    tmp_path, answered_correctly, monkeypatch
):
    step = tmp_path / "step.md"
    step.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    result = run(
        tmp_path, "--summary-md", str(tmp_path / "s.md"), "--thresholds", str(gate(tmp_path, 1.0))
    )
    assert result.exit_code == 0, result.output
    summary = (tmp_path / "s.md").read_text(encoding="utf-8")
    assert summary.startswith("### groundwork eval: all thresholds met")
    assert step.read_text(encoding="utf-8") == "earlier step\n" + summary + "\n"


@pytest.mark.slow  # a whole eval run
def test_real_run_with_baseline_junit_and_summary(tmp_path):
    """End to end on the article: the second run compares with the first, question by question."""
    first = run(tmp_path, "--max-questions", "2", "--junit", str(tmp_path / "j.xml"))
    assert first.exit_code in (0, 1), first.output
    xmlschema.XMLSchema(DATA / "junit.xsd").validate(tmp_path / "j.xml")
    (tmp_path / "o").rename(tmp_path / "before")
    second = run(tmp_path, "--max-questions", "2", "--baseline", str(tmp_path / "before"),
                 "--summary-md", str(tmp_path / "s.md"))  # fmt: skip
    assert second.exit_code in (0, 1), second.output
    assert "## Compared with the baseline" in second.output
    assert "fixed: 0 · broken: 0 · changed answer: 0" in second.output  # same code, same answers
    assert "vs baseline**: fixed 0, broken 0" in (tmp_path / "s.md").read_text(encoding="utf-8")


def test_plain_progress_prints_a_line_per_tenth_and_the_end(capsys):
    from evals.cli import plain_progress

    for done in range(0, 21):
        plain_progress(done, 20)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "eval: 2/20 questions" and lines[-1] == "eval: 20/20 questions"
    assert len(lines) == 10
