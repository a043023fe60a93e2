"""The support checker: does a generated sentence say only what its cited passages say?

Calibration: the thresholds were swept together over ``evals/data/support_pairs.jsonl`` only,
keeping the best accuracy that rejects no verbatim or partial quote (the middle of a tied
range); ``support_pairs_other.jsonl`` is scored as a held-out check, never used to tune.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.markers import SHOWN_MARKER, without_shown_markers
from rag.sentences import split_sentences
from rag.support_rules import (
    Alignment,
    Edit,
    align,
    hedge_added,
    missing_name,
    negation_conflict,
    number_swap,
    polarity_flip,
    share,
    term_found,
)
from rag.support_vectors import SupportVectors
from rag.text import content_terms, dates_in, numbers_in, words

MIN_COSINE = 0.5  # MiniLM cosine with the closest passage sentence or passage
MIN_RECALL = 0.3  # share of the sentence's content words found in the passages
MAX_COPIED_NOVEL = 2  # new content words tolerated next to a near-verbatim copy
MIN_COPY_RATIO = 0.65  # term-sequence similarity from which a sentence counts as a near copy
WINDOW_SLACK = 4  # words by which a compared passage window exceeds the sentence
MIN_SWAP_COPY_RATIO = 0.85  # a single-word change is only judged in a sentence this copied
MAX_SWAP_SIMILARITY = 0.65  # a word swapped into a copy must be at least this close a synonym
NEGATION_COVER = 0.6  # share of a negated passage clause a sentence clause must repeat
MIN_QUOTE_TERMS = 3  # content words a verbatim quote needs to be accepted without rules

_MARKERS_AND_QUOTES = re.compile(rf"{SHOWN_MARKER.pattern}|[\"“”‘’']")


@dataclass(frozen=True)
class SupportVerdict:
    """Whether the passages support a sentence, why, and how confident (0-1)."""

    supported: bool
    reason: str
    score: float


@dataclass(frozen=True)
class _Evidence:
    """A sentence and its passages, pre-processed once for every rule."""

    sentence: str
    passages: tuple[str, ...]
    passage_sentences: tuple[str, ...]
    windows: tuple[str, ...]  # passages, their sentences and clauses, compared by cosine
    passage_terms: frozenset[str]
    passage_words: frozenset[str]


def _clean(text: str) -> str:
    return " ".join(_MARKERS_AND_QUOTES.sub(" ", text).split()).strip(" .!?")


def _prepare(sentence: str, passages: Sequence[str]) -> _Evidence:
    pieces = [p[s.start : s.end] for p in passages for s in split_sentences(p)]
    clean = " ".join(without_shown_markers(sentence).split())
    joined = " ".join(passages)
    return _Evidence(
        sentence=clean,
        passages=tuple(passages),
        passage_sentences=tuple(pieces) or tuple(passages),
        windows=tuple(dict.fromkeys([*passages, *pieces, *_windows(clean, pieces)])),
        passage_terms=frozenset(content_terms(joined)),
        passage_words=frozenset(w.removesuffix("'s") for w in words(joined)),
    )


def _windows(sentence: str, passage_sentences: Iterable[str]) -> list[str]:
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


def _align(ev: _Evidence) -> Alignment:
    """Align the sentence with the passage sentence closest to it."""
    return align(ev.sentence, ev.passage_sentences, ev.passage_terms)


def _is_quoted(ev: _Evidence) -> bool:
    """The sentence is a long enough quote of one passage, starting and ending on word bounds."""
    needle = _clean(ev.sentence).lower()
    if len(content_terms(needle)) < MIN_QUOTE_TERMS:
        return False  # "1." or "the bridge" is no quote: let the rules judge it
    quote = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)")
    return any(quote.search(_clean(p).lower()) for p in ev.passages)


def _missing_number(ev: _Evidence) -> str | None:
    """A number, month or weekday of the sentence that no passage mentions."""
    known = numbers_in(" ".join(ev.passages))
    missing = sorted(numbers_in(ev.sentence) - known)
    if missing:
        return f"number {missing[0]} not in the cited passage"
    dates = dates_in(ev.sentence) - dates_in(" ".join(ev.passages))
    return f"date '{sorted(dates)[0]}' not in the cited passage" if dates else None


def _novel_terms(ev: _Evidence) -> list[str]:
    return [t for t in content_terms(ev.sentence) if not term_found(t, ev.passage_terms)]


class SupportChecker:
    """Decides whether passages support a sentence, by lexical rules and MiniLM similarity."""

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        min_cosine: float = MIN_COSINE,
        min_recall: float = MIN_RECALL,
        max_swap_similarity: float = MAX_SWAP_SIMILARITY,
    ) -> None:
        self.embeddings = embeddings
        self.vectors = SupportVectors(embeddings)
        self.min_cosine = min_cosine
        self.min_recall = min_recall
        self.max_swap_similarity = max_swap_similarity

    def check(self, sentence: str, passages: Sequence[str]) -> SupportVerdict:
        """Whether ``passages`` together support ``sentence``."""
        return self.check_many([(sentence, passages)])[0]

    def check_many(self, pairs: Iterable[tuple[str, Sequence[str]]]) -> list[SupportVerdict]:
        """Verdicts for many (sentence, passages) pairs, with one batch of embedding calls."""
        evidence = [_prepare(sentence, passages) for sentence, passages in pairs]
        quoted = [_is_quoted(ev) for ev in evidence]
        pending = [(ev, _align(ev)) for ev, q in zip(evidence, quoted, strict=True) if not q]
        # The hard rules read words only: a pair one rejects needs no word windows embedded.
        hard = [_hard_rule(ev, alignment) for ev, alignment in pending]
        texts = {
            text
            for (ev, alignment), broken in zip(pending, hard, strict=True)
            for text in _texts_to_embed(ev, alignment, whole_only=broken is not None)
        }
        vectors = self.vectors.of(sorted(texts))
        judged = iter(
            [
                self._judge(ev, alignment, vectors, broken)
                for (ev, alignment), broken in zip(pending, hard, strict=True)
            ]
        )
        return [SupportVerdict(True, "supported", 1.0) if q else next(judged) for q in quoted]

    def _judge(
        self, ev: _Evidence, alignment: Alignment, vectors: dict[str, np.ndarray], hard: str | None
    ) -> SupportVerdict:
        """The hard rule the sentence breaks, else the first soft one, or 'supported'."""
        sentence = vectors[ev.sentence]
        if hard:  # the score only ranks removal reasons ("closest candidate"): whole texts
            whole = max(float(vectors[text] @ sentence) for text in _whole_texts(ev))
            return SupportVerdict(False, hard, min(max(whole, 0.0), 1.0))
        cosine = max(float(vectors[window] @ sentence) for window in ev.windows)
        reason = (
            _addition(alignment) or self._swap(alignment, vectors) or self._weak_overlap(ev, cosine)
        )
        return SupportVerdict(reason is None, reason or "supported", min(max(cosine, 0.0), 1.0))

    def _swap(self, alignment: Alignment, vectors: dict[str, np.ndarray]) -> str | None:
        """A copy that changes one word for a new one that is not a close synonym."""
        edit = _single_substitution(alignment)
        if edit is None:
            return None
        new, old = " ".join(edit.new), " ".join(edit.old)
        if float(vectors[new] @ vectors[old]) < self.max_swap_similarity:
            return f"'{new}' in place of '{old}'"
        return None

    def _weak_overlap(self, ev: _Evidence, cosine: float) -> str | None:
        terms = content_terms(ev.sentence)
        recall = 1 - len(_novel_terms(ev)) / len(terms) if terms else 1.0
        if recall < self.min_recall:
            return f"low word overlap {recall:.2f}"
        if cosine < self.min_cosine:
            return f"low similarity {cosine:.2f}"
        return None


def _addition(alignment: Alignment) -> str | None:
    """A near copy that adds new content words beyond the passage words they replace."""
    if alignment.copy_ratio < MIN_COPY_RATIO:
        return None
    for edit in alignment.edits:
        if len(edit.novel) >= MAX_COPIED_NOVEL and len(edit.novel) > len(edit.old):
            return f"adds '{' '.join(edit.novel)}', not in the cited passage"
    return None


def _single_substitution(alignment: Alignment) -> Edit | None:
    """The one short edit of a sentence otherwise copied word for word, if it is new wording."""
    if len(alignment.edits) != 1 or alignment.copy_ratio < MIN_SWAP_COPY_RATIO:
        return None
    edit = alignment.edits[0]
    if edit.old and edit.novel and len(edit.new) <= 2 and len(edit.old) <= 2:
        return edit
    return None


def _hard_rule(ev: _Evidence, alignment: Alignment) -> str | None:
    """The first rule that never misfires and the sentence breaks: numbers and dates, names,
    negation, an added hedge, number swaps, opposites."""
    return (
        _missing_number(ev)
        or missing_name(ev.sentence, ev.passages, ev.passage_words)
        or negation_conflict(ev.sentence, ev.passage_sentences, NEGATION_COVER)
        or hedge_added(ev.sentence, ev.passages)
        or number_swap(alignment)
        or polarity_flip(ev.sentence, ev.passage_sentences, alignment, MIN_COPY_RATIO)
    )


def _whole_texts(ev: _Evidence) -> tuple[str, ...]:
    return (*ev.passages, *ev.passage_sentences)


def _texts_to_embed(ev: _Evidence, alignment: Alignment, whole_only: bool) -> list[str]:
    if whole_only:
        return [ev.sentence, *_whole_texts(ev)]
    edit = _single_substitution(alignment)
    swapped = [" ".join(edit.new), " ".join(edit.old)] if edit else []
    return [ev.sentence, *ev.windows, *swapped]
