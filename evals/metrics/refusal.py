"""Refusals: unanswerable questions refused (true refusals), answerable ones answered."""

from __future__ import annotations

from evals.metrics.base import Score, unscored
from rag.answer_types import Answer


def true_refusal(answer: Answer, answerable: bool) -> Score:
    """1 when an unanswerable question was refused; unscored for answerable questions."""
    if answerable:
        return unscored("answerable question")
    return Score(1.0 if answer.refused else 0.0, None if answer.refused else "answered instead")


def false_refusal(answer: Answer, answerable: bool) -> Score:
    """1 when an answerable question was refused (lower is better); unscored otherwise."""
    if not answerable:
        return unscored("unanswerable question")
    return Score(
        1.0 if answer.refused else 0.0, "refused an answerable question" if answer.refused else None
    )
