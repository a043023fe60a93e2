"""The answerability stage re-orders, gates and trims by the model's probability."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pytest

from rag.answer_types import ScoredSentence
from rag.rerank import Reranker, RerankerSource


class KeywordScorer:
    """A deterministic stand-in: a candidate answers when it holds the word the test names."""

    def __init__(self, answers: dict[str, float]) -> None:
        self.answers = answers
        self.seen: list[tuple[str, list[str]]] = []

    def score(self, question: str, candidates: Sequence[str]) -> list[float]:
        self.seen.append((question, list(candidates)))
        return [
            max((p for w, p in self.answers.items() if w in c), default=0.05) for c in candidates
        ]


def sentence(text: str, start: int, score: float, context: str | None = None) -> ScoredSentence:
    return ScoredSentence("d", "doc.txt", "d:0", start, start + len(text), text, score, 0.0, score,
                          context=context)  # fmt: skip


RANKED = [
    sentence("The fault light blinks red.", 0, 0.9),
    sentence("Replace the filter when it blinks.", 30, 0.7, context="The fault light blinks red."),
    sentence("The filter costs ten euros.", 70, 0.6),
]


def reranker(answers: dict[str, float], candidates: int = 16, weight: float = 1.0) -> Reranker:
    return Reranker(KeywordScorer(answers), candidates, threshold=0.5, weight=weight)


def test_the_sentence_that_answers_goes_first_even_when_similarity_put_it_second() -> None:
    ranked = reranker({"Replace": 0.9}).rerank("What do I do when it blinks?", RANKED)
    assert ranked[0].text.startswith("Replace") and ranked[0].answers == 0.9


def test_the_model_reads_the_sentence_before_as_context() -> None:
    stage = reranker({"Replace": 0.9})
    stage.rerank("What do I do?", RANKED)
    scorer = stage.model
    assert isinstance(scorer, KeywordScorer)
    assert (
        scorer.seen[0][1][1]
        == "Replace the filter when it blinks. [context] The fault light blinks red."
    )


def test_only_the_first_candidates_are_read() -> None:
    stage = reranker({"costs": 0.99}, candidates=2)
    ranked = stage.rerank("How much is the filter?", RANKED)
    assert [s.start for s in ranked[:2]] == [0, 30]  # the third, which would answer, is not read
    assert ranked[2].start == 70 and ranked[2].answers is None


def test_sentences_left_unread_follow_the_read_ones_in_todays_order() -> None:
    # A quote looks for the sentence its pronoun points back to among them, and a model backend
    # takes its candidates from them, however few sentences the model reads.
    more = [*RANKED, sentence("It was fitted in 2019.", 100, 0.5)]
    stage = reranker({"costs": 0.99}, candidates=1)
    ranked = stage.rerank("How much is the filter?", more, nearest={("d", 70)})
    assert [(s.start, s.answers) for s in ranked] == [
        (70, 0.99),
        (0, 0.05),
        (30, None),
        (100, None),
    ]


def test_it_refuses_when_no_sentence_answers() -> None:
    stage = reranker({"nothing": 0.9})
    assert stage.refuses(stage.rerank("Who made it?", RANKED))
    assert stage.refuses([])
    assert not stage.refuses(reranker({"Replace": 0.6}).rerank("What do I do?", RANKED))


def test_the_order_mixes_the_models_probability_with_todays_score() -> None:
    # Today's score puts the fault line first (0.9 vs 0.7); a small model share cannot undo a
    # clear lead, a large one can.
    assert reranker({"Replace": 0.6}, weight=0.2).rerank("q", RANKED)[0].start == 0
    assert reranker({"Replace": 0.6}, weight=0.8).rerank("q", RANKED)[0].start == 30


def test_refusal_looks_at_every_candidate_read_not_only_the_first() -> None:
    stage = reranker({"costs": 0.6}, weight=0.0)  # order by today's score alone
    ranked = stage.rerank("How much is the filter?", RANKED)
    assert ranked[0].start == 0 and not stage.refuses(ranked)


def test_a_missing_model_is_said_once_and_the_stage_is_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = RerankerSource(tmp_path / "missing", 16, 0.5, 0.8)
    with caplog.at_level(logging.WARNING):
        assert source.get() is None
        assert source.get() is None
    messages = [r.getMessage() for r in caplog.records if "answerability model" in r.getMessage()]
    assert len(messages) == 1 and "fall back to similarity ranking" in messages[0]
