"""Conversations as the browser keeps them: saved newest first, reopened, deleted, validated."""

from __future__ import annotations

from pathlib import Path

from rag.answer_types import Answer
from ui import conversations


def answered(question: str) -> dict:
    answer = Answer(question=question, answer=f"About {question} [1]", refused=False,
                    backend="extractive")  # fmt: skip
    return {"question": question, "answer": answer}


def test_saved_conversations_come_back_as_answers_newest_first() -> None:
    first_id, saved = conversations.save("", [answered("Who is Sabrina Singh?")], [])
    second_id, saved = conversations.save("", [answered("When?"), answered("Why?")], saved)
    assert first_id != second_id
    expected = [("When?", second_id), ("Who is Sabrina Singh?", first_id)]
    assert conversations.choices(saved) == expected
    turns = conversations.find(first_id, saved)
    assert isinstance(turns[0]["answer"], Answer)
    assert turns[0]["answer"].answer == "About Who is Sabrina Singh? [1]"
    _, saved = conversations.save(first_id, [*turns, answered("And then?")], saved)
    assert conversations.choices(saved)[0] == ("Who is Sabrina Singh?", first_id)
    assert len(conversations.find(first_id, saved)) == 2
    assert conversations.choices(conversations.delete(first_id, saved)) == [("When?", second_id)]


def test_whatever_the_browser_sends_back_is_validated() -> None:
    _, saved = conversations.save("", [answered("Kept?")], [])
    junk = [None, 3, {"id": 5}, {"id": "x", "turns": "no"}, {"id": "y", "turns": [{"q": 1}]},
            {"id": "z", "turns": [{"question": "mid-answer", "answer": None}]},
            {"id": "w", "turns": [{"question": "bad", "answer": {"answer": 1}}]}]  # fmt: skip
    assert conversations.choices([*junk, *saved]) == conversations.choices(saved)
    assert conversations.valid("not a list") == []
    assert conversations.find("missing", saved) == []
    failed = [{"question": "oops", "answer": None, "error": "Something went wrong"}]
    _, saved = conversations.save("", failed, saved)
    assert conversations.choices(saved)[0][0] == "oops"


def test_titles_are_one_short_line() -> None:
    title = conversations.title_of([{"question": "word\n" * 40}])
    assert "\n" not in title and len(title) <= conversations.TITLE_CHARS and title.endswith("…")


def test_the_browser_key_is_kept_across_restarts(tmp_path: Path) -> None:
    key = conversations.browser_secret(tmp_path / "gw")
    assert key and conversations.browser_secret(tmp_path / "gw") == key
    assert (tmp_path / "gw" / conversations.SECRET_FILE).stat().st_mode & 0o077 == 0
