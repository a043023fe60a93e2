"""Checks that rendered HTML holds only the renderer's own markup, nothing a page would run."""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser

from rag.answer_types import Answer
from rag.markers import markers_in

SAFE_TAGS = {"div", "a", "b", "i", "br", "mark", "p", "ol", "li", "blockquote"}
SAFE_ATTRIBUTES = {"class", "href", "title", "id"}


class _TagCollector(HTMLParser):
    """Every start tag and attribute a browser would build from a rendered fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_inert(fragment: str) -> None:
    """Only the renderer's own markup is live: no script, image, handler or outside link."""
    parser = _TagCollector()
    parser.feed(fragment)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in SAFE_TAGS, (tag, fragment[:300])
        for name, value in attrs:
            assert name in SAFE_ATTRIBUTES, (tag, name, fragment[:300])
            if name == "href":
                assert (value or "").startswith("#cite-"), (value, fragment[:300])


def assert_cited_exactly(answer: Answer, text: str, source: str) -> None:
    """Every citation quotes ``text[start:end]``; every ``[n]`` shown points at one of them.

    Markers are read ``as_seen``: a hidden footnote must not pass for a citation either.
    """
    numbers = {c.n for c in answer.citations}
    for citation in answer.citations:
        assert text[citation.start : citation.end] == citation.quote
        assert citation.source == source and f"[{citation.n}]" in answer.answer
    assert set(markers_in(as_seen(answer.answer))) <= numbers, answer.answer


def as_seen(text: str) -> str:
    """What a reader sees: "[7\u200b]" and "［7］" look like "[7]" (NFKC, invisibles dropped)."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
