import pytest

from rag.answering import Answerer, clean_question
from rag.errors import BadQuestion, EmptyIndex
from tests.conftest import ARTICLE

ARTICLE_TEXT = ARTICLE.read_text(encoding="utf-8")


def assert_valid_citations(answer, document_text):
    assert answer.citations
    for citation in answer.citations:
        assert document_text[citation.start : citation.end] == citation.quote
        assert f"[{citation.n}]" in answer.answer
        assert citation.quote in answer.answer


def test_deadline_question_is_answered_with_an_exact_quote(article_answerer):
    answer = article_answerer.ask("By when must the US mission's transition in Iraq be finished?")
    assert not answer.refused
    assert "September 2025" in answer.answer
    assert_valid_citations(answer, ARTICLE_TEXT)
    assert {"validate", "retrieve", "rank", "total"} <= answer.timings_ms.keys()


@pytest.mark.parametrize(
    "question",
    ["Who is Sabrina Singh?", "How many American troops stayed in Iraq after 2021?"],
)
def test_answers_carry_valid_citations(article_answerer, question):
    answer = article_answerer.ask(question)
    assert not answer.refused
    assert_valid_citations(answer, ARTICLE_TEXT)
    assert answer.passages and answer.backend == "extractive"


@pytest.mark.parametrize(
    "question", ["What is the capital of France?", "How do I bake sourdough bread at home?"]
)
def test_off_topic_question_is_refused_without_citations(article_answerer, question):
    answer = article_answerer.ask(question)
    assert answer.refused and not answer.citations
    assert answer.answer.startswith("The document does not say")


@pytest.mark.parametrize(
    ("question", "message"),
    [("", "empty"), ("   \n\t ", "empty"), ("?!?...", "no words"), ("x" * 3000, "limit")],
)
def test_bad_questions_are_rejected_with_a_message(question, message):
    with pytest.raises(BadQuestion, match=message):
        clean_question(question, max_chars=2000)


def test_control_characters_and_surrogates_are_cleaned():
    assert clean_question("Who\x00 is\ud800 she?\x1b", 100) == "Who is she?"


def test_empty_index_says_to_ingest(settings, store):
    with pytest.raises(EmptyIndex, match="groundwork ingest"):
        Answerer(settings, store).ask("Who is Sabrina Singh?")
