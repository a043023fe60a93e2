"""What every metric returns, and the pieces of an answer that metrics look at."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rag.answer_types import Answer
from rag.markers import MARKER, markers_in
from rag.verification import SupportVerdict


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
    """The answer's claims: the text before each group of markers, with the quotes it cites.

    Splitting at markers rather than at sentence ends keeps a quoted sentence whole even when
    it spans line breaks; text after the last marker is an uncited claim.
    """
    quotes = {c.n: c.quote for c in answer.citations}
    claims: list[ShownSentence] = []
    text = answer.answer
    position = 0
    groups = _marker_groups(text)
    for start, end in groups:
        claim = text[position:start].strip()
        numbers = markers_in(text[start:end])
        if claim:
            claims.append(ShownSentence(claim, tuple(quotes[n] for n in numbers if n in quotes)))
        position = end
    rest = text[position:].strip()
    if rest:
        claims.append(ShownSentence(rest, ()))
    return claims


def _marker_groups(text: str) -> list[tuple[int, int]]:
    """Spans of runs of adjacent markers ("[1] [2]" is one run)."""
    groups: list[tuple[int, int]] = []
    for match in MARKER.finditer(text):
        if groups and not text[groups[-1][1] : match.start()].strip():
            groups[-1] = (groups[-1][0], match.end())
        else:
            groups.append((match.start(), match.end()))
    return groups
