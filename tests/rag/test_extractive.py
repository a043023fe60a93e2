import pytest

from rag.extractive import (
    ScoredSentence,
    best_of_each,
    is_statement,
    merge_parts,
    needs_antecedent,
    overlaps_any,
    with_antecedents,
)


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
    assert best_of_each([[first, runner_up], [other, first]], limit=2) == [other, first]


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


def test_an_antecedent_ranked_twice_is_quoted_once():
    named = sentence(0, 0.2, "Sabrina Singh told reporters on Friday.")
    again = sentence(0, 0.6, "Sabrina Singh told reporters on Friday.")
    quote = sentence(40, 0.9, "“No,” she added.")
    assert with_antecedents([again, quote], [quote, named, again]) == [again, quote]


def test_a_part_whose_best_sentence_is_taken_adds_nothing():
    best, weak_runner_up = sentence(0, 0.6), sentence(50, 0.2)
    assert best_of_each([[best], [best, weak_runner_up]], limit=2) == [best]


def test_a_definition_and_the_same_definition_with_its_term_are_one_quote():
    with_term = sentence(0, 0.5, "compdb\n\ngiven a list of rules.")
    bare = sentence(8, 0.7, "given a list of rules.")
    assert overlaps_any(bare, [with_term])
    assert merge_parts([[with_term], [bare]]) == [with_term]
    assert best_of_each([[with_term], [bare]], limit=2) == [with_term]
