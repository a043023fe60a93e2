"""The answerability model loads only from a complete local folder, with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.answerability import AnswerabilityModel, AnswerabilityUnavailable, candidate_text


def test_a_missing_model_folder_is_one_clear_message(tmp_path: Path) -> None:
    with pytest.raises(AnswerabilityUnavailable, match=r"missing from .*fall back"):
        AnswerabilityModel(tmp_path / "nowhere")


def test_a_corrupt_weight_file_is_one_clear_message(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / "model.safetensors").write_bytes(b"not weights")
    with pytest.raises(AnswerabilityUnavailable, match="cannot be loaded"):
        AnswerabilityModel(tmp_path)


def test_a_candidate_carries_the_sentence_before_it_as_context() -> None:
    assert candidate_text("It ends in 2026.", "The mission changes.") == (
        "It ends in 2026. [context] The mission changes."
    )
    assert candidate_text("First sentence.", None) == "First sentence."


def test_the_shipped_model_prefers_the_sentence_that_answers_and_doubts_a_near_miss() -> None:
    from rag.answerability import load_answerability

    model = load_answerability()
    answers = (
        "Iraqi Prime Minister Mohammed Shia al-Sudani told Bloomberg TV in an interview last "
        "week that Iraq no longer needs US troops on its territory."
    )
    related = (
        "US hesitation to leave may be linked to fears of similar disastrous consequences of "
        "the US withdrawal from Afghanistan, Bloomberg noted."
    )
    asked = model.score(
        "Who told Bloomberg TV that Iraq no longer needs US troops?", [answers, related]
    )
    assert asked[0] > 0.1 > asked[1]  # 0.1: the pipeline's refusal threshold
    near_miss = model.score("How many troops does Turkey keep in Iraq?", [answers, related])
    assert max(near_miss) < 0.1
