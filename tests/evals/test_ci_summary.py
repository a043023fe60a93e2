"""The short Markdown summary for a CI job summary or a pull-request comment."""

from pathlib import Path

from evals.ci_summary import summary_markdown, write_summary
from evals.compare import compare
from evals.results_io import load_run
from evals.summary import load_thresholds, summarise

DATA = Path(__file__).parent / "data"


def test_summary_names_the_gate_the_figures_and_the_flips():
    gate = load_thresholds(DATA / "gate.toml")
    current = load_run(DATA / "current-results.json")
    comparisons = compare(load_run(DATA / "baseline-results.json"), current, gate)
    text = summary_markdown(
        summarise(current[1]), ["extractive: correct low"], comparisons, [Path("r.md")]
    )
    assert text.startswith(
        "### groundwork eval: 1 threshold(s) missed\n\n- :x: extractive: correct low"
    )
    assert "| extractive | 0.80 |" in text  # correct over all five of its questions
    assert "**extractive · article.dev vs baseline**: fixed 1, broken 1, changed answer 1;" in text
    assert "- broken: `q2` Who announced the transition?" in text
    assert "not compared (different question set" in text
    assert text.rstrip().endswith("Reports: `r.md`")


def test_without_a_baseline_it_says_so():
    _, results = load_run(DATA / "current-results.json")
    assert "No baseline given" in summary_markdown(summarise(results), [], None, [])


def test_write_summary_appends_to_the_step_summary_and_keeps_what_was_there(tmp_path):
    step = tmp_path / "step.md"
    step.write_text("# build\n", encoding="utf-8")
    written = write_summary("### eval\n", tmp_path / "sub" / "s.md", step)
    assert written == [tmp_path / "sub" / "s.md"]
    assert step.read_text(encoding="utf-8") == "# build\n### eval\n\n"
