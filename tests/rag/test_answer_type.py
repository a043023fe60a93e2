import pytest

from rag.answer_type import answer_type_strength, expected_answer_type, new_names


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When does the drawdown end?", "time"),
        ("What year did the US invade Iraq?", "time"),
        ("What's the exact date of the statement?", "time"),
        ("How long will the transition take?", "time"),
        ("How long is that going to take?", "time"),
        ("How many troops remain?", "number"),
        ("What is the number of bases?", "number"),
        ("Who is the prime minister?", "name"),
        ("What is the name of the person who wrote it?", "name"),
        ("In which country will the forces stay?", "name"),
        # Only the main wh-phrase counts, not one inside a subordinate clause.
        ("What did the US claim Iraq had when it invaded in 2003?", None),
        ("Which environment variable changes how many jobs run?", None),
        ("How long is the Fellside railway?", None),
        ("Is there a setting for this?", None),
    ],
)
def test_expected_answer_type_follows_the_main_question_word(question, expected):
    assert expected_answer_type(question) == expected


def test_may_the_verb_is_not_a_month():
    question = "When did version 1.0 come out?"
    assert answer_type_strength("Your file may declare a variable.", question, "time") == 0.0
    assert answer_type_strength("It came out in May.", question, "time") == 1.0
    assert answer_type_strength("Troops march to the base.", question, "time") == 0.0
    assert answer_type_strength("It came out in june.", question, "time") == 1.0


def test_a_weekday_answers_a_question_about_the_day():
    sentence = "The statement was published on Friday."
    assert answer_type_strength(sentence, "On what day was it published?", "time") == 1.0
    assert answer_type_strength(sentence, "When was it published?", "time") == 0.4


def test_a_demonym_is_the_same_name_as_its_country():
    question = "Who was leading the Iraqi government in 2014?"
    assert new_names("“Iraq in 2024 is not Iraq in 2014,” he said.", question) == set()


def test_a_sentence_initial_word_is_not_a_name_unless_capitalised_later():
    question = "Who wrote the tool?"
    assert new_names("Generating files from code is easy.", question) == set()
    assert new_names("Sabrina Singh told reporters.", question) == {"sabrina", "singh"}


def test_person_questions_want_a_full_name():
    question = "Who wrote the build tool?"
    assert answer_type_strength("It is a tiny Python module.", question, "name") == 0.5
    assert answer_type_strength("It was written by Evan Martin.", question, "name") == 1.0
