"""JUnit XML: one case per question and backend, valid against the schema CI tools read.

The golden XML is what ``junit_xml`` writes for tests/evals/data/current-results.json.
"""

import xml.etree.ElementTree as ET
from pathlib import Path

import xmlschema

from evals.junit import junit_xml, write_junit
from evals.results_io import load_run
from evals.summary import load_thresholds

DATA = Path(__file__).parent / "data"


def fixture_xml() -> str:
    _, results = load_run(DATA / "current-results.json")
    return junit_xml(results, load_thresholds(DATA / "gate.toml"))


def test_junit_matches_the_golden_file():
    assert fixture_xml() == (DATA / "junit.golden.xml").read_text(encoding="utf-8")


def test_junit_is_valid_against_the_schema(tmp_path):
    _, results = load_run(DATA / "current-results.json")
    path = write_junit(results, load_thresholds(DATA / "gate.toml"), tmp_path / "out" / "j.xml")
    xmlschema.XMLSchema(DATA / "junit.xsd").validate(path)


def test_each_question_and_backend_is_one_case_with_its_outcome():
    root = ET.fromstring(fixture_xml())
    cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
    assert len(cases) == 7 and root.get("tests") == "7"
    broken = cases[("extractive.article.dev", "q2")].find("failure")
    assert broken is not None
    assert broken.get("message") == "groundedness = 0.50 misses the min of 1.0"
    body = broken.text or ""
    assert "question: Who announced the transition?" in body
    assert "[1] doc.txt: The coalition mission will end by September 2025." in body
    assert cases[("extractive.article.test", "t1")].find("error") is not None
    assert cases[("gated-on-groundedness.article.dev", "q5")].find("skipped") is not None
    assert list(cases[("extractive.article.dev", "q1")]) == []  # passed
