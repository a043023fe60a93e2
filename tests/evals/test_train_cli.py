"""`groundwork train`: the answerability training, mounted on the main command line."""

import sys

import pytest
from typer.testing import CliRunner

import evals.train_answerability
from ui.cli import app

runner = CliRunner()
MAKE_TRAIN = ["--out", "rag/models/answerability", "--candidates", "6", "--epochs", "1",
              "--lr", "4e-5", "--max-length", "96", "--threads", "1"]  # fmt: skip


@pytest.fixture
def trained(monkeypatch, tmp_path):
    """What training was asked for, without training (that takes ~25 minutes)."""
    monkeypatch.chdir(tmp_path)
    calls = []
    monkeypatch.setattr(evals.train_answerability, "train", calls.append)
    return calls


def test_train_help_names_every_option():
    result = runner.invoke(app, ["train", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--out", "--candidates", "--epochs", "--batch-size", "--lr", "--max-length",
                   "--seed", "--threads", "--cache"):  # fmt: skip
        assert option in result.output


def test_train_takes_the_options_of_the_module_entry_point(trained, monkeypatch):
    result = runner.invoke(app, ["train", *MAKE_TRAIN])
    assert result.exit_code == 0, result.output
    monkeypatch.setattr(sys, "argv", ["train_answerability", *MAKE_TRAIN])
    evals.train_answerability.main()
    from_cli, from_module = trained
    # The model card records these settings: both entry points must write the same card.
    assert vars(from_cli) == vars(from_module)


def test_train_without_an_output_folder_is_one_usage_error(trained):
    result = runner.invoke(app, ["train"])
    assert result.exit_code == 2 and "--out" in result.output
    assert trained == []
