import pytest

from rag.answer_types import Evidence, ScoredSentence, overlaps_any
from rag.quoting import best_of_each, needs_antecedent, quote, unanswered_notice, with_antecedents


def sentence(start: int, score: float, text: str = "A statement.") -> ScoredSentence:
    return ScoredSentence("d", "s.txt", "c", start, start + len(text), text, score, 0.0, score)


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
    assert best_of_each([[with_term], [bare]], limit=2) == [with_term]


def test_a_single_question_quotes_its_best_sentences_each_with_its_citation():
    first, close, far = sentence(0, 0.9, "It ends in 2025."), sentence(40, 0.8), sentence(80, 0.1)
    reply = quote(Evidence("When?", "When?", [], [first, close, far], [[first, close, far]]), 3)
    assert reply.text == "It ends in 2025. [1] A statement. [2]"
    assert [(c.n, c.start, c.quote) for c in reply.citations] == [
        (1, 0, "It ends in 2025."),
        (2, 40, "A statement."),
    ]
    assert not reply.refused and not reply.fallback and reply.notice is None


def test_a_compound_question_names_the_part_nothing_answers():
    answer = sentence(0, 0.9, "It ends in 2025.")
    evidence = Evidence("When, and why?", "When, and why?", [], [answer], [[answer]], ["why?"])
    reply = quote(evidence, 3, notice="Showing quoted sentences instead.")
    assert reply.text == "It ends in 2025. [1]" and reply.fallback
    assert reply.notice == "Showing quoted sentences instead. The documents do not answer “why?”"


def test_parts_carried_from_earlier_turns_are_named_as_asked():
    assert unanswered_notice([], "Note.") == "Note."
    assert unanswered_notice(["in what setting? (Sabrina Singh)"], None) == (
        "The documents do not answer “in what setting?”"
    )
