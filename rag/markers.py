"""``[n]`` citation markers: the forms a model writes, the form an answer shows, and helpers.

The one place these patterns are written down; ``rag.citations`` maps markers to sentences.
"""

from __future__ import annotations

import re

from rag.text import visible_text

# What a model may write: "[2]", "[1, 3]", "[ 4 ]"; three digits at most.
MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
# A Markdown link whose text is a marker, "[1](https://.../cite)": the marker, then its target
# (one level of brackets inside, as in "javascript:alert(1)").
LINKED_MARKER = re.compile(
    r"(\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])\(\s*[^()\s]*(?:\([^()]*\)[^()\s]*)*\s*\)"
)
LEADING_MARKERS = re.compile(r"^(?:\s*\[\s*\d{1,3}(?:\s*[,;]\s*\d{1,3})*\s*\])+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([.,;:!?])")
UNFINISHED_MARKER = re.compile(r"\[[\d\s,;]*$")
# A marker as an answer shows it, "[2]" (answers are renumbered to this form).
SHOWN_MARKER = re.compile(r"\[(\d{1,3})\]")


def markers_in(text: str) -> tuple[int, ...]:
    """Every number cited in ``text``, first occurrence order, duplicates dropped."""
    found: list[int] = []
    for match in MARKER.finditer(text):
        for number in re.split(r"[,;]", match.group(1)):
            if int(number) not in found:
                found.append(int(number))
    return tuple(found)


def strip_markers(text: str) -> str:
    """``text`` without its markers, and without the space a marker left before punctuation."""
    bare = MARKER.sub("", text)
    bare = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", bare)
    return re.sub(r"\s+", " ", bare).strip()


def as_written(text: str) -> str:
    """Text with its markers made readable: "[2\u200b]" and "［2］" become "[2]" (NFKC, invisible
    characters dropped) and a link on a marker, "[1](https://...)", leaves just the marker."""
    return LINKED_MARKER.sub(r"\1", visible_text(text))


def without_footnotes(quote: str) -> str:
    """A quoted sentence as shown in an answer: its own ``[n]`` cannot pass for a citation.

    Only the shown text changes; the citation still quotes ``document_text[start:end]``.
    """
    visible = as_written(quote)
    return strip_markers(visible) if MARKER.search(visible) else quote


def shown_numbers(text: str) -> list[int]:
    """The numbers of the shown markers in ``text``, in order, repeats kept."""
    return [int(n) for n in SHOWN_MARKER.findall(text)]


def without_shown_markers(text: str, replacement: str = " ") -> str:
    """``text`` with each shown marker replaced by ``replacement``."""
    return SHOWN_MARKER.sub(replacement, text)
