"""Groundedness: the share of shown answer sentences that their cited passages support."""

from __future__ import annotations

from evals.metrics.base import Checker, Score, shown_sentences, unscored
from rag.answer_types import Answer


def groundedness(answer: Answer, checker: Checker) -> tuple[Score, list[str]]:
    """The share of supported sentences, and one line per unsupported sentence saying why."""
    if answer.refused:
        return unscored("refused: no sentences shown"), []
    sentences = shown_sentences(answer)
    if not sentences:
        return unscored("empty answer"), []
    problems = []
    supported = 0
    for sentence in sentences:
        if not sentence.quotes:
            problems.append(f"uncited: {sentence.text[:80]}")
            continue
        verdict = checker.check(sentence.text, list(sentence.quotes))
        if verdict.supported:
            supported += 1
        else:
            problems.append(f"unsupported ({verdict.reason}): {sentence.text[:80]}")
    return Score(supported / len(sentences)), problems
