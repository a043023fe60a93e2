"""The gate stage: threshold, standout check, and the answerability model's refusal."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from rag.answer_types import ScoredSentence
from rag.gate import RelevanceGate
from rag.rerank import Reranker


class FixedBaseline:
    """A document's 90th-percentile cosine, fixed per doc_id; None for a short document."""

    def __init__(self, levels: dict[str, float | None]) -> None:
        self.levels = levels
        self.asked: list[str] = []

    def level(self, query_vector: list[float], doc_id: str) -> float | None:
        self.asked.append(doc_id)
        return self.levels.get(doc_id)


class FixedScorer:
    def __init__(self, probability: float) -> None:
        self.probability = probability

    def score(self, question: str, candidates: Sequence[str]) -> list[float]:
        return [self.probability] * len(candidates)


def best(doc_id: str, score: float, dense: float) -> ScoredSentence:
    return ScoredSentence(doc_id, f"{doc_id}.txt", f"{doc_id}:0", 0, 10, "A fact here.", dense,
                          0.0, score)  # fmt: skip


def gate(levels: dict[str, float | None]) -> RelevanceGate:
    return RelevanceGate(threshold=0.3, margin=0.15, baseline=FixedBaseline(levels))  # type: ignore[arg-type]


def test_nothing_found_or_a_best_sentence_under_the_threshold_is_refused() -> None:
    assert not gate({}).admits([], [0.0])
    assert not gate({}).admits([best("short", 0.29, 0.9)], [0.0])
    assert gate({}).admits([best("short", 0.3, 0.9)], [0.0])


def test_a_short_document_is_not_held_to_a_percentile() -> None:
    checked = gate({"short": None})
    assert checked.admits([best("short", 0.5, 0.31)], [0.0])
    assert checked.baseline.asked == ["short"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("dense", "admitted"), [(0.64, False), (0.66, True)])
def test_in_a_long_document_the_best_sentence_must_stand_out(dense: float, admitted: bool) -> None:
    # The level is 0.5: the best sentence must reach 0.5 + 0.15 of cosine with the question.
    assert gate({"manual": 0.5}).admits([best("manual", 0.9, dense)], [0.0]) is admitted


def test_each_document_is_judged_by_its_own_level() -> None:
    checked = gate({"manual": 0.5, "article": None})
    assert checked.admits([best("article", 0.5, 0.4), best("manual", 0.4, 0.9)], [0.0])
    assert not checked.admits([best("manual", 0.5, 0.4), best("article", 0.4, 0.9)], [0.0])


@pytest.mark.parametrize(("probability", "admitted"), [(0.05, False), (0.6, True)])
def test_the_model_refuses_when_no_sentence_is_likely_to_answer(
    probability: float, admitted: bool
) -> None:
    reranker = Reranker(FixedScorer(probability), candidates=8, threshold=0.1, weight=0.2)
    ranked = reranker.rerank("Who?", [best("article", 0.5, 0.6)])
    assert gate({}).model_admits(reranker, ranked) is admitted
