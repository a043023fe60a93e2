"""Retrieval: did the retrieved chunks cover the gold evidence (recall@k), and how early (MRR)."""

from __future__ import annotations

from evals.metrics.base import Score, unscored
from rag.answer_types import Passage


def evidence_spans(evidence: list[str], document_text: str) -> list[tuple[int, int]]:
    """Character spans of each gold evidence string in the document (first occurrence)."""
    spans = []
    for text in evidence:
        start = document_text.find(text)
        if start >= 0:
            spans.append((start, start + len(text)))
    return spans


def _overlaps(span: tuple[int, int], passage: Passage) -> bool:
    return passage.start < span[1] and span[0] < passage.end


def recall_at_k(spans: list[tuple[int, int]], passages: list[Passage], k: int) -> Score:
    """Share of gold evidence spans that overlap one of the first ``k`` retrieved chunks."""
    if not spans:
        return unscored("no gold evidence (unanswerable question)")
    top = passages[:k]
    return Score(sum(any(_overlaps(s, p) for p in top) for s in spans) / len(spans))


def reciprocal_rank(spans: list[tuple[int, int]], passages: list[Passage]) -> Score:
    """1/rank of the first retrieved chunk overlapping any gold evidence span (0 if none)."""
    if not spans:
        return unscored("no gold evidence (unanswerable question)")
    for rank, passage in enumerate(passages, start=1):
        if any(_overlaps(s, passage) for s in spans):
            return Score(1.0 / rank)
    return Score(0.0)
