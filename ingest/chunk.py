"""Sentence-respecting chunks with overlap, each knowing its exact offsets in the document."""

from __future__ import annotations

from dataclasses import dataclass

from rag.sentences import Span, split_sentences


@dataclass(frozen=True)
class Chunk:
    """``text == document_text[start:end]``; ``sentences`` are the spans it is made of."""

    index: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]


def chunk_text(text: str, chunk_size: int = 600, overlap: int = 120) -> list[Chunk]:
    """Group whole sentences into chunks of about ``chunk_size`` characters.

    Consecutive chunks share their last/first sentences, up to ``overlap`` characters.
    A sentence longer than ``chunk_size`` is cut at whitespace first.
    """
    spans = split_sentences(text, max_chars=chunk_size)
    groups: list[list[Span]] = []
    first = 0
    while first < len(spans):
        last = first
        while last + 1 < len(spans) and spans[last + 1].end - spans[first].start <= chunk_size:
            last += 1
        groups.append(spans[first : last + 1])
        if last + 1 >= len(spans):
            break
        first = _next_first(spans, first, last, overlap)
    return [
        Chunk(i, g[0].start, g[-1].end, text[g[0].start : g[-1].end], tuple(g))
        for i, g in enumerate(groups)
    ]


def _next_first(spans: list[Span], first: int, last: int, overlap: int) -> int:
    """The first sentence of the next chunk: step back over at most ``overlap`` characters."""
    candidate = last + 1
    while candidate - 1 > first and spans[last].end - spans[candidate - 1].start <= overlap:
        candidate -= 1
    return candidate
