"""Charts come from the optional 'report' extra; without it the report says how to get them."""

import shutil
import sys

import pytest

from evals.charts import MISSING
from evals.history import history_html, load_history
from evals.report import html_report
from evals.results_io import load_run
from evals.summary import summarise
from tests.evals.test_history import DATA


def test_without_matplotlib_each_report_names_the_extra_once(tmp_path, monkeypatch):
    shutil.copy(DATA / "current-results.json", tmp_path / "results.json")
    points = load_history(tmp_path)
    _, results = load_run(DATA / "current-results.json")
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # what `import matplotlib` finds missing
    for page in (history_html(points), html_report(results, summarise(results), [])):
        assert page.count(MISSING.replace("'", "&#x27;")) == 1
        assert "<img" not in page


@pytest.mark.slow  # imports matplotlib and draws
def test_with_matplotlib_the_charts_are_drawn(tmp_path):
    shutil.copy(DATA / "current-results.json", tmp_path / "results.json")
    page = history_html(load_history(tmp_path))
    assert "data:image/png;base64," in page and "report' extra" not in page
