"""The CI workflow files in docs/ci/ parse, run .ci/run and keep what .ci/run writes."""

import re
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def load(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "docs" / "ci" / name).read_text(encoding="utf-8"))


def test_ci_run_writes_junit_and_summary_and_compares_with_the_kept_baseline():
    assert subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")], check=False).returncode == 0
    assert '--junit "eval-out/junit-$name.xml"' in CI_RUN
    assert '--summary-md "eval-out/summary-$name.md"' in CI_RUN
    assert "baseline=eval-out/baseline/$1/results.json" in CI_RUN
    assert '--baseline "$baseline"' in CI_RUN


def test_github_actions_workflow():
    workflow = load("github-actions.yml")
    # YAML 1.1 reads the key `on` as True.
    assert set(workflow[True]) == {"push", "pull_request"}
    steps = workflow["jobs"]["test-and-eval"]["steps"]
    uses = {step.get("uses", "").split("@")[0]: step for step in steps}
    assert any(step.get("run") == "bash .ci/run" for step in steps)
    restore, save = uses["actions/cache/restore"], uses["actions/cache/save"]
    assert "eval-out/baseline" in restore["with"]["path"].split()
    assert restore["with"]["key"] == save["with"]["key"] and save["if"] == "success()"
    junit = uses["mikepenz/action-junit-report"]
    assert junit["if"] == "always()" and junit["with"]["report_paths"] == "eval-out/junit-*.xml"
    assert uses["actions/upload-artifact"]["with"]["path"] == "eval-out/"


def test_gitlab_ci_workflow():
    job = load("gitlab-ci.yml")["test-and-eval"]
    assert job["script"] == ["bash .ci/run"]
    assert "eval-out/baseline/" in job["cache"]["paths"]
    assert job["cache"]["when"] == "on_success"
    assert job["artifacts"]["when"] == "always"
    assert job["artifacts"]["reports"]["junit"] == "eval-out/junit-*.xml"


def test_the_junit_glob_matches_what_ci_run_writes():
    written = re.findall(r'--junit "(eval-out/junit-)\$name(\.xml)"', CI_RUN)
    assert written == [("eval-out/junit-", ".xml")]
