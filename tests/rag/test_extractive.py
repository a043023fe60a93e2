import pytest

from rag.extractive import (
    ScoredSentence,
    answer_type_strength,
    best_of_each,
    expected_answer_type,
    is_statement,
    merge_parts,
    needs_antecedent,
    new_names,
    with_antecedents,
)


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


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("Only 4 links will run concurrently.", True),
        ("“No, the US is not withdrawing from Iraq,” she added.", True),
        ("# No more than 4 links at a time.", True),
        ("Using Ninja for your project", False),
        ("The current tools are:", False),
        ("depth = 4", False),
        ("build foo: phony some/file/in/a/faraway/subdir/foo", False),
        ("a long line of prose that wraps without any final punctuation mark at all", True),
    ],
)
def test_headings_and_code_lines_are_not_statements(text, statement):
    assert is_statement(text) is statement


def sentence(start: int, score: float, text: str = "A statement.") -> ScoredSentence:
    return ScoredSentence("d", "s.txt", "c", start, start + len(text), text, score, 0.0, score)


def test_parts_are_merged_head_first_without_repeats():
    a, b, c, d = sentence(0, 0.9), sentence(20, 0.5), sentence(40, 0.8), sentence(60, 0.4)
    assert merge_parts([[a, b], [c, a, d]]) == [a, c, b, d]
    assert merge_parts([[b, a]]) == [b, a]


def test_each_part_gets_its_own_best_sentence_even_a_weaker_one():
    first, runner_up, other = sentence(50, 0.9), sentence(80, 0.3), sentence(0, 0.4)
    assert best_of_each([[first, runner_up], [first, other]], limit=2) == [other, first]


@pytest.mark.parametrize(
    ("text", "points_back"),
    [
        ("“No, the US is not withdrawing from Iraq,” she added.", True),
        ("This phaseout will occur over the next twelve months.", True),
        ("The Pentagon said the mission is changing.", False),
        ("“Iraq in 2024 is not Iraq in 2014,” al-Sudani said.", False),
    ],
)
def test_sentences_that_point_back_are_recognised(text, points_back):
    assert needs_antecedent(text) is points_back


def test_the_sentence_pointed_back_to_is_quoted_first_when_at_hand():
    named = sentence(0, 0.2, "Sabrina Singh told reporters on Friday.")
    quote = sentence(40, 0.9, "“No,” she added.")
    assert with_antecedents([quote], [quote, named]) == [named, quote]
    assert with_antecedents([quote], [quote]) == [quote]
