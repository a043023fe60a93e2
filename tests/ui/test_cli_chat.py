import json

import pytest
from typer.testing import CliRunner

from tests.conftest import ARTICLE
from ui.cli import app

runner = CliRunner()
ARTICLE_TEXT = ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("chat") / "gw"


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, data_dir, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(data_dir))


@pytest.fixture(scope="module")
def ingested(data_dir):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GROUNDWORK_DATA_DIR", str(data_dir))
        result = runner.invoke(app, ["ingest"])
    assert result.exit_code == 0, result.output


def test_chat_before_ingest_exits_2_telling_the_user_to_ingest(tmp_path, monkeypatch):
    monkeypatch.setenv("GROUNDWORK_DATA_DIR", str(tmp_path / "empty"))
    result = runner.invoke(app, ["chat"], input="Who is Sabrina Singh?\n/exit\n")
    assert result.exit_code == 2
    assert "groundwork ingest" in result.output and "Traceback" not in result.output


def test_chat_answers_with_citations_and_follows_up_until_exit(ingested):
    turns = "Who is Sabrina Singh?\nWhat did she tell reporters?\n/exit\nnever asked\n"
    result = runner.invoke(app, ["chat", "--llm", "fake"], input=turns)
    assert result.exit_code == 0, result.output
    assert "/exit" in result.output.splitlines()[0]
    assert result.output.count("Pentagon spokesperson Sabrina Singh") >= 2
    citation_lines = [line for line in result.output.splitlines() if line.startswith("  [1] ")]
    assert len(citation_lines) == 2
    assert "never asked" not in result.output


def test_chat_ends_at_end_of_input_and_survives_a_bad_question(ingested):
    result = runner.invoke(app, ["chat"], input="?!?\nWhat is the capital of France?\n")
    assert result.exit_code == 0, result.output
    assert "no words" in result.output
    assert "The document does not say" in result.output


def test_chat_with_an_unknown_backend_exits_2(ingested):
    result = runner.invoke(app, ["chat", "--llm", "nonsense"], input="/exit\n")
    assert result.exit_code == 2
    assert "Unknown backend 'nonsense'" in result.output and "extractive" in result.output


def test_ask_with_a_backend_prints_verified_json(ingested):
    result = runner.invoke(app, ["ask", "--llm", "fake", "--json", "Who is Sabrina Singh?"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["backend"] == "fake" and payload["refused"] is False
    assert payload["removed"] == [] and payload["fallback"] is False
    for citation in payload["citations"]:
        assert ARTICLE_TEXT[citation["start"] : citation["end"]] == citation["quote"]


def test_ask_with_an_unknown_backend_exits_2(ingested):
    result = runner.invoke(app, ["ask", "--llm", "nonsense", "Who is Sabrina Singh?"])
    assert result.exit_code == 2
    assert "Unknown backend" in result.output and "Traceback" not in result.output
