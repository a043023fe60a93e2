import pytest

from rag.answer_types import ScoredSentence
from rag.ranking import is_statement, merge_parts


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


def test_a_definition_and_the_same_definition_with_its_term_are_merged_once():
    with_term = sentence(0, 0.5, "compdb\n\ngiven a list of rules.")
    bare = sentence(8, 0.7, "given a list of rules.")
    assert merge_parts([[with_term], [bare]]) == [with_term]
