"""Citation precision (cited passages support their sentence), recall (gold cited), gold share."""

from __future__ import annotations

from evals.metrics.base import Checker, Score, shown_sentences, unscored
from rag.answer_types import Answer


def citation_precision(answer: Answer, checker: Checker) -> Score:
    """Share of (sentence, cited passage) pairs where that passage alone supports the sentence."""
    if answer.refused:
        return unscored("refused: nothing cited")
    pairs = [(s.text, quote) for s in shown_sentences(answer) for quote in s.quotes]
    if not pairs:
        return unscored("no citations in the answer")
    return Score(sum(checker.check(text, [quote]).supported for text, quote in pairs) / len(pairs))


def citation_recall(answer: Answer, spans: list[tuple[int, int]]) -> Score:
    """Share of gold evidence spans that some citation overlaps."""
    if not spans:
        return unscored("no gold evidence (unanswerable question)")
    if answer.refused:
        return Score(0.0)
    cited = [(c.start, c.end) for c in answer.citations]
    hit = sum(any(a < end and start < b for a, b in cited) for start, end in spans)
    return Score(hit / len(spans))


def gold_quote_share(answer: Answer, spans: list[tuple[int, int]]) -> Score:
    """Share of the answer's citations that quote (overlap) gold evidence."""
    if not spans:
        return unscored("no gold evidence (unanswerable question)")
    if answer.refused or not answer.citations:
        return unscored("nothing quoted")
    hits = [any(c.start < end and start < c.end for start, end in spans) for c in answer.citations]
    return Score(sum(hits) / len(hits))
