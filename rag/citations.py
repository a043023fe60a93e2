"""Markers in generated text mapped to sentences: split, drop those citing nothing, renumber."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.answer_types import Citation, ScoredSentence
from rag.markers import (
    LEADING_MARKERS,
    UNFINISHED_MARKER,
    as_written,
    markers_in,
    strip_markers,
    without_footnotes,
)
from rag.sentences import split_sentences

# List numbering and bullets the model puts before sentences ("1.", "2)", "-"): not claims.
_LIST_PREFIX = re.compile(r"^(?:\d{1,2}[.)]|[-*•])(?:\s+|$)")


@dataclass(frozen=True)
class DraftSentence:
    """One generated sentence without its markers, and the numbers it cited, in order."""

    text: str
    markers: tuple[int, ...] = ()


def split_cited(draft: str) -> list[DraftSentence]:
    """Sentences of a draft; markers written after a full stop belong to the sentence before.

    The draft is read ``as_written``: a marker hidden from the parser must not reach the reader.
    """
    draft = as_written(draft)
    sentences: list[DraftSentence] = []
    for span in split_sentences(draft):
        piece = draft[span.start : span.end]
        leading = LEADING_MARKERS.match(piece)
        if leading and sentences:
            previous = sentences[-1]
            merged = _merge(previous.markers, markers_in(leading.group(0)))
            sentences[-1] = DraftSentence(previous.text, merged)
            piece = piece[leading.end() :]
        text = _LIST_PREFIX.sub("", strip_markers(piece))
        if any(ch.isalnum() for ch in text):
            sentences.append(DraftSentence(text, markers_in(piece)))
    return sentences


def valid_markers(markers: Sequence[int], candidate_count: int) -> tuple[int, ...]:
    """The markers that point at one of the numbered candidates."""
    return tuple(n for n in markers if 1 <= n <= candidate_count)


class SentenceStream:
    """Turns streamed text deltas into complete sentences as soon as their markers are known."""

    def __init__(self) -> None:
        self.text = ""
        self._emitted = 0

    def feed(self, delta: str) -> list[DraftSentence]:
        """Sentences completed by ``delta`` (a sentence is complete once the next one has text)."""
        self.text += delta
        # "Sentence. [2" may still become "Sentence. [2]": that marker belongs to the sentence.
        sentences = split_cited(UNFINISHED_MARKER.sub("", as_written(self.text)))
        ready = sentences[self._emitted : max(self._emitted, len(sentences) - 1)]
        self._emitted += len(ready)
        return ready

    def finish(self) -> list[DraftSentence]:
        """The sentences still pending once the draft has ended."""
        rest = split_cited(self.text)[self._emitted :]
        self._emitted += len(rest)
        return rest


@dataclass
class CitationNumbering:
    """Numbers shown citations 1, 2, ... in order of first use, one per candidate sentence."""

    candidates: Sequence[ScoredSentence]
    _numbers: dict[int, int] = field(default_factory=dict)

    def number(self, candidate: int) -> int:
        """The shown number of candidate ``candidate`` (1-based), assigned on first use."""
        return self._numbers.setdefault(candidate, len(self._numbers) + 1)

    def render(self, text: str, candidates: Sequence[int]) -> str:
        """A shown sentence: its text followed by its renumbered markers."""
        shown = sorted({self.number(c) for c in candidates})
        return text + "".join(f" [{n}]" for n in shown)

    def citations(self) -> list[Citation]:
        """One citation per used candidate: the candidate sentence's exact span."""
        ordered = sorted(self._numbers.items(), key=lambda item: item[1])
        return [citation_for(self.candidates[c - 1], n) for c, n in ordered]


def citation_for(sentence: ScoredSentence, n: int) -> Citation:
    """The citation of one candidate sentence; its quote is ``document_text[start:end]``."""
    return Citation(n=n, source=sentence.source, doc_id=sentence.doc_id,
                    chunk_id=sentence.chunk_id, start=sentence.start, end=sentence.end,
                    quote=sentence.text)  # fmt: skip


def quote_answer(sentences: list[ScoredSentence]) -> tuple[str, list[Citation]]:
    """Verbatim sentences, each followed by its marker, and the citations behind the markers."""
    citations = [citation_for(s, n) for n, s in enumerate(sentences, start=1)]
    text = " ".join(f"{without_footnotes(s.text)} [{n}]" for n, s in enumerate(sentences, start=1))
    return text, citations


def _merge(first: tuple[int, ...], second: tuple[int, ...]) -> tuple[int, ...]:
    return first + tuple(n for n in second if n not in first)
