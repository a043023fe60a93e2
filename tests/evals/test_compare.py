"""Comparing a run with a baseline: a fixture pair of results with known flips, and a golden file.

The golden Markdown is what ``comparison_markdown`` writes for the fixtures; after an intended
change of format, rewrite it with the same call and review the diff.
"""

from pathlib import Path

from evals.compare import compare, counts
from evals.compare_report import comparison_html, comparison_markdown, delta
from evals.results_io import load_run
from evals.summary import Figure, load_thresholds

DATA = Path(__file__).parent / "data"


def fixture_comparison():  # type: ignore[no-untyped-def]
    gate = load_thresholds(DATA / "gate.toml")
    return compare(
        load_run(DATA / "baseline-results.json"), load_run(DATA / "current-results.json"), gate
    )


def test_known_flips_are_found_by_the_gate_metrics():
    by_key = {(c.backend, c.question_set): c for c in fixture_comparison()}
    dev = by_key[("extractive", "article.dev")]
    assert {f.id: f.kind for f in dev.flips} == {
        "q1": "fixed",  # refused → answered correctly
        "q2": "broken",  # still correct, but a shown sentence is unsupported (groundedness gate)
        "q3": "changed answer",  # passes in both runs, different words
    }
    assert counts(dev) == {"fixed": 1, "broken": 1, "changed answer": 1}
    assert dev.note and "1 only in the baseline" in dev.note  # q6 was dropped from the set
    assert dev.before["correct"].value == 0.75 and dev.after["correct"].value == 1.0


def test_unscored_stays_unscored_never_a_fix():
    gated = next(c for c in fixture_comparison() if c.backend == "gated-on-groundedness")
    kinds = {f.id: (f.kind, f.before_verdict.status, f.after_verdict.status) for f in gated.flips}
    # q1 went from a refusal (groundedness unscored) to a grounded answer: not counted as fixed.
    assert kinds == {
        "q5": ("changed answer", "unscored", "unscored"),
        "q1": ("changed answer", "unscored", "pass"),
    }


def test_another_question_set_is_reported_not_compared():
    other = next(c for c in fixture_comparison() if c.question_set == "article.test")
    assert other.why_not == "different question set (baseline: article.dev; this run: article.test)"
    assert not other.flips and not other.before


def test_a_changed_corpus_file_is_reported_not_compared():
    gate = load_thresholds(DATA / "gate.toml")
    info, results = load_run(DATA / "current-results.json")
    edited = {**info, "corpus": {"us-iraq-transition.txt": "000000000000"}}
    comparisons = compare(load_run(DATA / "baseline-results.json"), (edited, results), gate)
    assert all("corpus file changed" in (c.why_not or "") for c in comparisons)


def test_comparison_markdown_matches_the_golden_file():
    text = comparison_markdown(fixture_comparison(), "baseline-results.json")
    assert text == (DATA / "comparison.golden.md").read_text(encoding="utf-8")


def test_comparison_html_escapes_answers_and_marks_breaks():
    page = comparison_html(fixture_comparison(), "baseline-results.json")
    assert "&lt;planned&gt;" in page and "<planned>" not in page
    assert "<tr class='bad'><td>broken</td><td>q2</td>" in page


def test_delta_knows_which_way_is_better():
    assert delta("correct", Figure(0.5, 2, 0), Figure(0.75, 2, 0)) == "+0.25 better"
    assert delta("hallucination_rate", Figure(0.0, 2, 0), Figure(0.25, 2, 0)) == "+0.25 worse"
    assert delta("correct", Figure(None, 0, 2), Figure(1.0, 2, 0)) == "n/a"
