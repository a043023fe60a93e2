import pytest

from rag.chat_models import ScriptedChatModel
from rag.followup import deterministic_rewrite, model_rewrite, needs_context

SYRIA = [
    {"role": "user", "content": "What's going to happen with the coalition forces in Syria?"},
    {"role": "assistant", "content": "The occupation of oil-rich areas of Syria will continue."},
]
PRIME_MINISTER = [
    {"role": "user", "content": "Who is Iraq's prime minister?"},
    {"role": "assistant", "content": "Mohammed Shia al-Sudani. [1]"},
]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When does it end there?", True),
        ("What did he say then?", True),
        ("And Syria?", True),
        ("And if I don't name any target?", True),
        ("What about the troops in Syria?", True),
        ("What happens to the display while such a task runs?", True),
        ("Andrew Smith wrote what?", False),
        ("So-called pools limit what exactly?", False),
        ("Which tools, such as graph, ship with Ninja?", False),
        ("Who is Sabrina Singh?", False),
        ("By when must the US mission in Iraq be finished?", False),
    ],
)
def test_questions_that_point_back_need_context(question, expected):
    assert needs_context(question) is expected


def test_pronoun_question_carries_the_previous_topic():
    rewritten = deterministic_rewrite("When does it end there?", SYRIA)
    assert rewritten.startswith("When does it end there?")
    assert "Syria" in rewritten and "coalition" in rewritten
    assert "What" not in rewritten and "going" not in rewritten


def test_he_and_she_borrow_names_from_the_previous_answer():
    rewritten = deterministic_rewrite("Which outlet did he talk to?", PRIME_MINISTER)
    assert "al-Sudani" in rewritten and "prime" in rewritten


def test_standalone_questions_and_first_turns_are_left_alone():
    assert deterministic_rewrite("Who is Sabrina Singh?", SYRIA) == "Who is Sabrina Singh?"
    assert deterministic_rewrite("When does it end there?", []) == "When does it end there?"


def test_context_chains_through_several_follow_ups():
    history = [*SYRIA, {"role": "user", "content": "Why is that?"},
               {"role": "assistant", "content": "To prevent the return of Daesh."}]  # fmt: skip
    assert "Syria" in deterministic_rewrite("Until when?", history)


def test_model_rewrite_is_used_when_it_keeps_the_key_terms():
    fallback = deterministic_rewrite("When does it end there?", SYRIA)
    model = ScriptedChatModel(replies=["When does the coalition occupation in Syria end?"])
    rewritten = model_rewrite(model, "When does it end there?", SYRIA, fallback)
    assert rewritten == "When does the coalition occupation in Syria end?"


@pytest.mark.parametrize(
    "reply",
    ["When does the war in Ukraine end?", "", "Sure! Here is the question", "x" * 400 + "?"],
)
def test_model_rewrite_falls_back_when_it_loses_the_topic(reply):
    fallback = deterministic_rewrite("When does it end there?", SYRIA)
    model = ScriptedChatModel(replies=[reply])
    assert model_rewrite(model, "When does it end there?", SYRIA, fallback) == fallback


def test_follow_up_retrieves_the_syria_passage(article_answerer):
    answer = article_answerer.ask("When does it end there?", history=SYRIA)
    assert answer.standalone_question and "Syria" in answer.standalone_question
    assert not answer.refused
    assert "September 2026" in answer.answer
    assert answer.question == "When does it end there?"
