import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from tests.conftest import ARTICLE
from ui.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cli") / "gw"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, data_dir, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(data_dir))


def invoke(*args):
    return runner.invoke(app, list(args))


def test_ask_before_ingest_tells_the_user_to_ingest():
    result = invoke("ask", "Who is Sabrina Singh?")
    assert result.exit_code == 2
    assert "groundwork ingest" in result.output


def test_ingest_then_ask_json(data_dir):
    result = invoke("ingest")
    assert result.exit_code == 0, result.output
    assert "Ingested 1 file(s)" in result.output
    result = invoke(
        "ask", "--json", "By when must the US mission's transition in Iraq be finished?"
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {"answer", "refused", "backend", "citations", "timings_ms"} <= payload.keys()
    assert payload["refused"] is False and "September 2025" in payload["answer"]
    text = ARTICLE.read_text(encoding="utf-8")
    for citation in payload["citations"]:
        assert {"n", "source", "chunk_id", "start", "end", "quote"} <= citation.keys()
        assert text[citation["start"] : citation["end"]] == citation["quote"]


def test_off_topic_json_is_refused():
    invoke("ingest")
    payload = json.loads(invoke("ask", "--json", "What is the capital of France?").stdout)
    assert payload["refused"] is True and payload["citations"] == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", ""], "empty"),
        (["ask", "   "], "empty"),
        (["ask", "y" * 5000], "limit"),
        (["ingest", "/no/such/file.txt"], "Path not found"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message):
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_error_is_one_line_on_stderr_and_nothing_on_stdout():
    result = invoke("ask", "")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: Please type a question; this one is empty."]
    assert result.stdout == ""


def test_index_dir_that_cannot_be_created_gives_a_clear_message(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data directory should be", encoding="utf-8")
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(blocker))
    for args in (["ask", "Who is Sabrina Singh?"], ["ingest"]):
        result = invoke(*args)
        assert result.exit_code == 2
        assert "cannot be opened" in result.output and "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_unknown_backend_is_named_with_the_choices():
    invoke("ingest")
    result = invoke("ask", "--llm", "nosuch", "Who is Sabrina Singh?")
    assert result.exit_code == 2
    assert "Unknown backend 'nosuch'" in result.output and "extractive" in result.output


SUBCOMMANDS = [["ingest"], ["ask", "Who is Sabrina Singh?"], ["chat"], ["serve"], ["eval"],
               ["bench", "--quick"], ["train", "--out", "model"]]  # fmt: skip
BAD_SETTINGS = [
    ("GROUNDWORK_TOP_K", "abc", "GROUNDWORK_TOP_K: 'abc' is not an integer"),
    ("GROUNDWORK_PORT", "99999",
     "GROUNDWORK_PORT: '99999' is out of range (it must be at least 1 and at most 65535)"),
    ("GROUNDWORK_LLM", "nope",
     "GROUNDWORK_LLM: 'nope' is not one of extractive, llamacpp, openai, ollama"),
]  # fmt: skip


@pytest.fixture
def nothing_runs(monkeypatch):
    """Serving, evaluating, benchmarking or training with bad settings would be the bug."""

    def must_not_run(*args, **kwargs):
        raise AssertionError("ran despite bad settings")

    for target in ("ui.app.serve", "evals.evaluate.evaluate", "evals.bench.run.run_bench",
                   "evals.train_answerability.train"):  # fmt: skip
        monkeypatch.setattr(target, must_not_run)


@pytest.mark.parametrize("args", SUBCOMMANDS, ids=lambda args: args[0])
@pytest.mark.parametrize(("variable", "value", "message"), BAD_SETTINGS, ids=lambda v: v)
def test_a_bad_setting_stops_every_subcommand_in_one_line_with_exit_2(
    monkeypatch, nothing_runs, args, variable, value, message
):
    monkeypatch.setenv(variable, value)
    result = runner.invoke(app, args, input="/exit\n")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [f"error: {message}"]


def test_the_test_only_backend_cannot_be_chosen(monkeypatch, without_fake_backend):
    monkeypatch.setenv("GROUNDWORK_LLM", "fake")
    result = invoke("ask", "Who is Sabrina Singh?")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: GROUNDWORK_LLM: 'fake' is not one of extractive, llamacpp, openai, ollama"
    ]


UI_AND_MODEL_PACKAGES = ("gradio", "matplotlib", "llama_cpp", "openai", "ollama",
                         "langchain_openai", "langchain_ollama", "playwright")  # fmt: skip
QUESTION = "By when must the US mission's transition in Iraq be finished?"
# The console script's entry point, run the way `groundwork ask` runs it; then what it imported
# and whether the test-only backend exists in a process the test fixtures never touched.
REAL_PROCESS = f"""
import json, sys
from ui.cli import main
sys.argv = ["groundwork", "ask", "--local", "--json", {QUESTION!r}]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
from rag.backends import is_registered
print(json.dumps({{"fake": is_registered("fake"), "modules": sorted(sys.modules)}}))
"""


@pytest.mark.slow
def test_a_real_process_answers_imports_no_ui_or_model_packages_and_has_no_fake_backend(
    data_dir,
):
    """The one real-process smoke test: `ask` pays only for what answering needs."""
    assert invoke("ingest").exit_code == 0
    root = str(ARTICLE.parent.parent)
    env = {"GROUNDWORK_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1",
           "PYTHONPATH": root}  # fmt: skip
    command = [sys.executable, "-c", REAL_PROCESS]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    answer_line, report_line = done.stdout.strip().splitlines()[-2:]
    assert "September 2025" in json.loads(answer_line)["answer"]
    report = json.loads(report_line)
    assert report["fake"] is False
    imported = {name.split(".")[0] for name in report["modules"]}
    assert "sentence_transformers" in imported  # it did answer in this process
    assert imported.isdisjoint(UI_AND_MODEL_PACKAGES), imported & set(UI_AND_MODEL_PACKAGES)
    assert "evals.train_answerability" not in report["modules"]  # `train` imports it lazily
