"""JUnit XML of an eval run: one test case per question and backend, so CI lists failing ones.

GitHub (through a test-report action), GitLab (``artifacts:reports:junit``) and Jenkins
(``junit``) read it. A case fails when a metric its backend is gated on misses the gate's
bound for that question (``evals.verdict``), errors when the backend gave no answer, and is
skipped when no gated metric applies to it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from evals.compare import answer_text
from evals.runner import SampleResult
from evals.verdict import judge, limits_for


def _details(result: SampleResult, failed: list[str]) -> str:
    """The failure's body: why, the question, the answer and what it quoted."""
    lines = [*failed, ""] if failed else []
    lines += [f"question: {result.question}", f"answer: {answer_text(result)}"]
    for citation in result.answer.citations if result.answer else []:
        lines.append(f"[{citation.n}] {citation.source}: {citation.quote}")
    lines += [f"problem: {p}" for p in result.problems]
    return "\n".join(lines)


def _case(result: SampleResult, limits: dict[str, float]) -> tuple[ET.Element, str]:
    """One test case and its outcome ('pass', 'failure', 'error' or 'skipped')."""
    seconds = (result.answer.timings_ms.get("total", 0.0) if result.answer else 0.0) / 1000
    case = ET.Element("testcase", name=result.id, classname=_suite_name(result))
    case.set("time", f"{seconds:.3f}")
    verdict = judge(result, limits)
    if result.answer is None:
        error = ET.SubElement(case, "error", type="NotAnswered", message="; ".join(result.problems))
        error.text = _details(result, [])
        return case, "error"
    if verdict.status == "fail":
        failure = ET.SubElement(
            case, "failure", type="GateMetric", message="; ".join(verdict.failed)
        )
        failure.text = _details(result, verdict.failed)
        return case, "failure"
    if verdict.status == "unscored":
        ET.SubElement(case, "skipped", message="; ".join(verdict.unscored) or "unscored")
        return case, "skipped"
    return case, "pass"


def _suite_name(result: SampleResult) -> str:
    return f"{result.backend}.{result.question_set or 'questions'}"


def junit_xml(results: list[SampleResult], thresholds: dict[str, dict[str, float]]) -> str:
    """The run as a JUnit ``<testsuites>`` document: a suite per backend and question set."""
    root = ET.Element("testsuites", name="groundwork eval")
    suites: dict[str, ET.Element] = {}
    tally: dict[str, dict[str, int]] = {}
    for result in results:
        name = _suite_name(result)
        if name not in suites:
            suites[name] = ET.SubElement(root, "testsuite", name=name)
            tally[name] = {"tests": 0, "failure": 0, "error": 0, "skipped": 0}
        case, outcome = _case(result, limits_for(result.backend, thresholds))
        suites[name].append(case)
        tally[name]["tests"] += 1
        if outcome != "pass":
            tally[name][outcome] += 1
    for name, suite in suites.items():
        counts = tally[name]
        suite.set("tests", str(counts["tests"]))
        suite.set("failures", str(counts["failure"]))
        suite.set("errors", str(counts["error"]))
        suite.set("skipped", str(counts["skipped"]))
        suite.set("time", f"{sum(float(c.get('time', 0)) for c in suite):.3f}")
    for key, attribute in (("tests", "tests"), ("failure", "failures"), ("error", "errors")):
        root.set(attribute, str(sum(counts[key] for counts in tally.values())))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(
    results: list[SampleResult], thresholds: dict[str, dict[str, float]], path: Path
) -> Path:
    """Write the JUnit XML file (creating its folder) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(junit_xml(results, thresholds), encoding="utf-8")
    return path
