"""A sentence and its cited passages, prepared once for every rule of the support checker:
cleaned text, passage sentences, comparison windows, and the word-level facts rules read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rag.markers import SHOWN_MARKER, without_shown_markers
from rag.sentences import split_sentences
from rag.support_rules import share, term_found
from rag.text import content_terms, dates_in, numbers_in, words

WINDOW_SLACK = 4  # words by which a compared passage window exceeds the sentence
MIN_QUOTE_TERMS = 3  # content words a verbatim quote needs to be accepted without rules

_MARKERS_AND_QUOTES = re.compile(rf"{SHOWN_MARKER.pattern}|[\"“”‘’']")


@dataclass(frozen=True)
class Evidence:
    """A sentence and its passages, pre-processed once for every rule."""

    sentence: str
    passages: tuple[str, ...]
    passage_sentences: tuple[str, ...]
    windows: tuple[str, ...]  # passages, their sentences and clauses, compared by cosine
    passage_terms: frozenset[str]
    passage_words: frozenset[str]


def _clean(text: str) -> str:
    return " ".join(_MARKERS_AND_QUOTES.sub(" ", text).split()).strip(" .!?")


def prepare(sentence: str, passages: Sequence[str]) -> Evidence:
    """The sentence without markers and its passages, split and indexed for the rules."""
    pieces = [p[s.start : s.end] for p in passages for s in split_sentences(p)]
    clean = " ".join(without_shown_markers(sentence).split())
    joined = " ".join(passages)
    return Evidence(
        sentence=clean,
        passages=tuple(passages),
        passage_sentences=tuple(pieces) or tuple(passages),
        windows=tuple(dict.fromkeys([*passages, *pieces, *windows_over(clean, pieces)])),
        passage_terms=frozenset(content_terms(joined)),
        passage_words=frozenset(w.removesuffix("'s") for w in words(joined)),
    )


def windows_over(sentence: str, passage_sentences: Iterable[str]) -> list[str]:
    """Word windows a little longer than the sentence over the passage sentences sharing a
    word with it, so a sentence restating part of a long passage sentence meets that part."""
    size = len(sentence.split()) + WINDOW_SLACK
    terms = content_terms(sentence)
    windows = []
    for text in passage_sentences:
        tokens = text.split()
        if len(tokens) <= size or share(terms, content_terms(text)) == 0:
            continue  # already compared whole, or unrelated
        for start in range(0, len(tokens) - size + size // 2, max(2, size // 2)):
            windows.append(" ".join(tokens[start : start + size]))
    return windows


def is_quoted(ev: Evidence) -> bool:
    """The sentence is a long enough quote of one passage, starting and ending on word bounds."""
    needle = _clean(ev.sentence).lower()
    if len(content_terms(needle)) < MIN_QUOTE_TERMS:
        return False  # "1." or "the bridge" is no quote: let the rules judge it
    quote = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
    return any(quote.search(_clean(p).lower()) for p in ev.passages)


def missing_number(ev: Evidence) -> str | None:
    """A number, month or weekday of the sentence that no passage mentions."""
    known = numbers_in(" ".join(ev.passages))
    missing = sorted(numbers_in(ev.sentence) - known)
    if missing:
        return f"number {missing[0]} not in the cited passage"
    dates = dates_in(ev.sentence) - dates_in(" ".join(ev.passages))
    return f"date '{sorted(dates)[0]}' not in the cited passage" if dates else None


def novel_terms(ev: Evidence) -> list[str]:
    """Content words of the sentence that no passage has, up to inflection."""
    return [t for t in content_terms(ev.sentence) if not term_found(t, ev.passage_terms)]


def recall(ev: Evidence) -> float:
    """Share of the sentence's content words found in the passages."""
    terms = content_terms(ev.sentence)
    return 1 - len(novel_terms(ev)) / len(terms) if terms else 1.0
