"""What every metric returns, and the pieces of an answer that metrics look at."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rag.answer import Answer
from rag.sentences import split_sentences
from rag.verification import SupportVerdict

_MARKER = re.compile(r"\s*\[(\d+)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+\])+")


@dataclass(frozen=True)
class Score:
    """A metric value in [0, 1], or ``None`` with the reason it could not be scored."""

    value: float | None
    reason: str | None = None

    @property
    def scored(self) -> bool:
        """Whether this sample has a value."""
        return self.value is not None


def unscored(reason: str) -> Score:
    """A sample the metric does not apply to, with why."""
    return Score(None, reason)


class Checker(Protocol):
    """Anything that decides whether passages support a sentence (``rag.verification``)."""

    def check(self, sentence: str, passages: Sequence[str]) -> SupportVerdict:
        """Whether ``passages`` support ``sentence``."""
        ...


@dataclass(frozen=True)
class ShownSentence:
    """A sentence the user sees, without its markers, and the quotes it cites."""

    text: str
    quotes: tuple[str, ...]


def shown_sentences(answer: Answer) -> list[ShownSentence]:
    """The answer's sentences with the quotes of the citations their markers point to."""
    quotes = {c.n: c.quote for c in answer.citations}
    texts: list[str] = []
    markers: list[list[int]] = []
    for span in split_sentences(answer.answer):
        piece = answer.answer[span.start : span.end]
        leading = _LEADING_MARKERS.match(piece)
        if leading and markers:
            # Markers written after the period belong to the sentence before them.
            markers[-1].extend(int(n) for n in _MARKER.findall(leading.group(0)))
            piece = piece[leading.end() :]
        clean = _MARKER.sub("", piece).strip()
        if clean:
            texts.append(clean)
            markers.append([int(n) for n in _MARKER.findall(piece)])
    return [
        ShownSentence(text, tuple(quotes[n] for n in numbers if n in quotes))
        for text, numbers in zip(texts, markers, strict=True)
    ]
