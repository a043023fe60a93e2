"""Sentence spans with exact character offsets, shared by chunking, answering and verification."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "no", "vs", "etc", "e.g", "i.e",
    "u.s", "u.k", "u.n", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "gen", "col", "lt", "sgt", "capt", "rep", "sen", "gov", "inc", "ltd", "co",
    "corp", "fig", "approx", "dept", "est", "cf", "al", "ca", "vol", "pp", "op",
}  # fmt: skip
# A candidate end: terminal punctuation, then closing quotes/brackets, then whitespace.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"'“‘(\[]?[A-Z0-9À-Þ]")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_LIST_OR_HEADING = re.compile(r"\s*(?:[-*•+]\s|\d+[.)]\s|#{1,6}\s)")
# A next line that opens in lower case carries on the sentence (hard-wrapped prose, inline markup).
_CONTINUES = re.compile(r"[ \t]*[a-z]")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
# A line ending in one of these words is cut mid-sentence, however short: headings never do.
_DANGLING = re.compile(
    r"\b(a|an|the|of|to|in|on|at|by|for|with|from|and|or|but|nor|is|are|was|were|be|as|that|"
    r"which|whose|than|into|onto|per|via)$"
)  # lower case only: "Appendix A" and "Getting Started With" are headings


@dataclass(frozen=True)
class Span:
    """A piece of a text: ``text[start:end]``, stripped of surrounding whitespace."""

    start: int
    end: int


def split_sentences(text: str, max_chars: int = 1000) -> list[Span]:
    """Split ``text`` into sentence spans; none is longer than ``max_chars``."""
    spans: list[Span] = []
    for block_start, block_end in _blocks(text):
        for start, end in _sentences_in(text, block_start, block_end):
            spans.extend(_limit_length(text, start, end, max_chars))
    return spans


def _blocks(text: str) -> list[tuple[int, int]]:
    """Paragraphs, and lines that stand alone (headings, list items, short lines)."""
    blocks: list[tuple[int, int]] = []
    pos = 0
    for match in _PARAGRAPH.finditer(text):
        blocks.extend(_lines(text, pos, match.start()))
        pos = match.end()
    blocks.extend(_lines(text, pos, len(text)))
    return blocks


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Break a paragraph at newlines that end a line of its own, keep wrapped prose together."""
    pieces: list[tuple[int, int]] = []
    piece_start = start
    line_start = start
    while True:
        newline = text.find("\n", line_start, end)
        if newline == -1:
            break
        line = text[line_start:newline].strip()
        following = text[newline + 1 : end]
        stands_alone = (
            not line
            or line[-1] in ".!?:;”\"'"
            or (len(line) < 60 and not _CONTINUES.match(following) and not _DANGLING.search(line))
            or _LIST_OR_HEADING.match(following) is not None
        )
        if stands_alone:
            pieces.append((piece_start, newline))
            piece_start = newline + 1
        line_start = newline + 1
    pieces.append((piece_start, end))
    return pieces


def _sentences_in(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence boundaries inside one block, as stripped (start, end) pairs."""
    result: list[tuple[int, int]] = []
    sentence_start = start
    for match in _END.finditer(text, start, end):
        if not _NEXT_STARTS_SENTENCE.match(text, match.end(), end):
            continue
        if _is_abbreviation(text[sentence_start : match.end()]):
            continue
        result.append((sentence_start, match.end()))
        sentence_start = match.end()
    result.append((sentence_start, end))
    stripped = [_strip(text, s, e) for s, e in result]
    return [(s, e) for s, e in stripped if e > s]


def _is_abbreviation(sentence: str) -> bool:
    """True when the final period belongs to an abbreviation or an initial, not a sentence end."""
    if not sentence.endswith("."):
        return False
    found = _WORD_BEFORE.search(sentence[:-1])
    if not found:
        return False
    word = found.group(1).lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _limit_length(text: str, start: int, end: int, max_chars: int) -> list[Span]:
    """Cut an over-long sentence at whitespace so every piece fits ``max_chars``."""
    spans: list[Span] = []
    while end - start > max_chars:
        cut = text.rfind(" ", start + 1, start + max_chars)
        if cut <= start:
            cut = start + max_chars
        piece_start, piece_end = _strip(text, start, cut)
        if piece_end > piece_start:
            spans.append(Span(piece_start, piece_end))
        start, _ = _strip(text, cut, end)
    if end > start:
        spans.append(Span(start, end))
    return spans
