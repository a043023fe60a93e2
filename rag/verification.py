"""The support checker: does a generated sentence say only what its cited passages say?

Exact quotes pass at once; numbers, dates, names, negations and opposites are hard rules; the
rest is decided by the learned support check (``rag.support_model``: a logistic regression
over this checker's signals, trained on the replay set's tune part and the article's support
pairs) when its coefficients are there, else by the word-level rules below plus generation's
one-new-word limit.

Calibration of the rules: the thresholds were swept together over
``evals/data/support_pairs.jsonl`` only, keeping the best accuracy that rejects no verbatim or
partial quote (the middle of a tied range); ``support_pairs_other.jsonl`` is scored as a
held-out check, never used to tune.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.support_evidence import Evidence, is_quoted, missing_number, novel_terms, prepare
from rag.support_evidence import recall as passage_recall
from rag.support_model import (
    SUPPORT_MODEL_PATH,
    SupportModel,
    SupportModelUnavailable,
    load_support_model,
)
from rag.support_rules import (
    Alignment,
    Edit,
    align,
    missing_name,
    negation_conflict,
    number_swap,
    polarity_flip,
)
from rag.support_signals import LEXICAL_SIGNALS, lexical_signals, new_terms
from rag.support_vectors import SupportVectors

log = logging.getLogger(__name__)

MIN_COSINE = 0.5  # MiniLM cosine with the closest passage sentence or passage
MIN_RECALL = 0.3  # share of the sentence's content words found in the passages
MAX_COPIED_NOVEL = 2  # new content words tolerated next to a near-verbatim copy
MIN_COPY_RATIO = 0.65  # term-sequence similarity from which a sentence counts as a near copy
MIN_SWAP_COPY_RATIO = 0.85  # a single-word change is only judged in a sentence this copied
MAX_SWAP_SIMILARITY = 0.65  # a word swapped into a copy must be at least this close a synonym
NEGATION_COVER = 0.6  # share of a negated passage clause a sentence clause must repeat
RULES_ONLY_MAX_NEW_TERMS = 1  # without the learned check: content words a sentence may add
# What the learned check may read: cosines, word overlap, the word-level signals of
# rag.support_signals, and the soft rules' outcomes (0/1).
SIGNALS = (
    "cosine", "sentence_cosine", "recall", "novel_terms", *LEXICAL_SIGNALS,
    "addition", "swap", "low_recall", "low_cosine",
)  # fmt: skip


@dataclass(frozen=True)
class SupportVerdict:
    """Whether the passages support a sentence, why, and how confident (0-1)."""

    supported: bool
    reason: str
    score: float


def _align(ev: Evidence) -> Alignment:
    """Align the sentence with the passage sentence closest to it."""
    return align(ev.sentence, ev.passage_sentences, ev.passage_terms)


class SupportChecker:
    """Decides whether passages support a sentence: hard rules, then the learned check (or,
    without its coefficients, the word-level rules and MiniLM similarity)."""

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        min_cosine: float = MIN_COSINE,
        min_recall: float = MIN_RECALL,
        max_swap_similarity: float = MAX_SWAP_SIMILARITY,
        model_path: Path | None = SUPPORT_MODEL_PATH,
    ) -> None:
        self.embeddings = embeddings
        self.vectors = SupportVectors(embeddings)
        self.min_cosine = min_cosine
        self.min_recall = min_recall
        self.max_swap_similarity = max_swap_similarity
        self.model = _load_model(model_path) if model_path is not None else None

    @property
    def max_new_terms(self) -> int | None:
        """Content words a generated sentence may add to its passages (None: no limit).

        The learned check weighs new words itself; the rules alone need the SmolLM2-era limit.
        """
        return None if self.model is not None else RULES_ONLY_MAX_NEW_TERMS

    def check(self, sentence: str, passages: Sequence[str]) -> SupportVerdict:
        """Whether ``passages`` together support ``sentence``."""
        return self.check_many([(sentence, passages)])[0]

    def check_many(self, pairs: Iterable[tuple[str, Sequence[str]]]) -> list[SupportVerdict]:
        """Verdicts for many (sentence, passages) pairs, with one batch of embedding calls."""
        return [self.decide(found) for found in self.assess_many(pairs)]

    def signals_many(
        self, pairs: Iterable[tuple[str, Sequence[str]]]
    ) -> list[dict[str, float] | None]:
        """The learned check's input per pair; None where a quote or a hard rule decides."""
        return [found.signals for found in self.assess_many(pairs)]

    def assess_many(self, pairs: Iterable[tuple[str, Sequence[str]]]) -> list[Assessment]:
        """What the rules find for each pair (no learned verdict yet): one embedding batch."""
        evidence = [prepare(sentence, passages) for sentence, passages in pairs]
        quoted = [is_quoted(ev) for ev in evidence]
        pending = [(ev, _align(ev)) for ev, q in zip(evidence, quoted, strict=True) if not q]
        # Hard rules read words only: a pair one rejects needs no word windows embedded.
        hard = [_hard_rule(ev, alignment) for ev, alignment in pending]
        texts = {
            text
            for (ev, alignment), broken in zip(pending, hard, strict=True)
            for text in _texts_to_embed(ev, alignment, whole_only=broken is not None)
        }
        vectors = self.vectors.of(sorted(texts))
        assessed = iter(
            [
                self._assess(ev, alignment, vectors, broken)
                for (ev, alignment), broken in zip(pending, hard, strict=True)
            ]
        )
        return [_QUOTED if q else next(assessed) for q in quoted]

    def decide(self, found: Assessment) -> SupportVerdict:
        """The verdict on an assessed pair: a hard rule's, else the learned check's (or, without
        its coefficients, the soft rules')."""
        if found.verdict is not None:
            return found.verdict
        if self.model is None or found.signals is None:
            return SupportVerdict(found.why is None, found.why or "supported", found.score)
        p = self.model.probability(found.signals)
        if p >= self.model.threshold:
            return SupportVerdict(True, "supported", p)
        said = f"the learned support check gives {p:.2f}, under {self.model.threshold:.2f}"
        why = found.why or (f"new words: {', '.join(found.new)}" if found.new else None)
        return SupportVerdict(False, f"{said}; {why}" if why else said, p)

    def _assess(
        self, ev: Evidence, alignment: Alignment, vectors: dict[str, np.ndarray], hard: str | None
    ) -> Assessment:
        """The hard rule the sentence breaks, if any; else the signals the learned check reads
        and the first soft rule it breaks."""
        sentence = vectors[ev.sentence]
        if hard:
            # Only ranks removal reasons ("closest candidate"): whole passages and sentences.
            whole = max(float(vectors[text] @ sentence) for text in _whole_texts(ev))
            score = min(max(whole, 0.0), 1.0)
            return Assessment(SupportVerdict(False, hard, score), None, None, score, ())
        cosine = max(float(vectors[window] @ sentence) for window in ev.windows)
        score = min(max(cosine, 0.0), 1.0)
        recall = passage_recall(ev)
        soft = {
            "addition": _addition(alignment),
            "swap": self._swap(alignment, vectors),
            "low_recall": f"low word overlap {recall:.2f}" if recall < self.min_recall else None,
            "low_cosine": f"low similarity {cosine:.2f}" if cosine < self.min_cosine else None,
        }
        signals = {
            "cosine": cosine,
            "sentence_cosine": max(float(vectors[p] @ sentence) for p in ev.passage_sentences),
            "recall": recall,
            "novel_terms": float(len(novel_terms(ev))),
            **lexical_signals(ev.sentence, ev.passage_sentences, ev.passage_words, alignment),
            **{name: float(reason is not None) for name, reason in soft.items()},
        }
        why = next((reason for reason in soft.values() if reason), None)
        new = tuple(new_terms(ev.sentence, ev.passages))
        return Assessment(None, signals, why, score, new)

    def _swap(self, alignment: Alignment, vectors: dict[str, np.ndarray]) -> str | None:
        """A copy that changes one word for a new one that is not a close synonym."""
        edit = _single_substitution(alignment)
        if edit is None:
            return None
        new, old = " ".join(edit.new), " ".join(edit.old)
        if float(vectors[new] @ vectors[old]) < self.max_swap_similarity:
            return f"'{new}' in place of '{old}'"
        return None


@dataclass(frozen=True)
class Assessment:
    """What the rules found for one pair, before the learned check reads ``signals``."""

    verdict: SupportVerdict | None  # set when a quote or a hard rule decides
    signals: dict[str, float] | None
    why: str | None  # the first soft rule broken, if any
    score: float  # MiniLM similarity, 0-1
    new: tuple[str, ...]  # content words no passage has


_QUOTED = Assessment(SupportVerdict(True, "supported", 1.0), None, None, 1.0, ())


@functools.cache  # one warning per process, and the file is read once
def _load_model(path: Path) -> SupportModel | None:
    """The learned check's coefficients, or None (said once in the log): the rules decide."""
    try:
        model = load_support_model(path)
    except SupportModelUnavailable as exc:
        log.warning("%s", exc)
        return None
    unknown = sorted(set(model.features) - set(SIGNALS))
    if unknown:
        log.warning(
            "The support model %s reads signals this checker does not compute (%s); the "
            "support checker uses its word-level rules instead.",
            path,
            ", ".join(unknown),
        )
        return None
    return model


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


def _hard_rule(ev: Evidence, alignment: Alignment) -> str | None:
    """The first hard rule the sentence breaks: numbers and dates, names, negation, number
    swaps, opposites."""
    return (
        missing_number(ev)
        or missing_name(ev.sentence, ev.passages, ev.passage_words)
        or negation_conflict(ev.sentence, ev.passage_sentences, NEGATION_COVER)
        or number_swap(alignment)
        or polarity_flip(ev.sentence, ev.passage_sentences, alignment, MIN_COPY_RATIO)
    )


def _whole_texts(ev: Evidence) -> tuple[str, ...]:
    return (*ev.passages, *ev.passage_sentences)


def _texts_to_embed(ev: Evidence, alignment: Alignment, whole_only: bool) -> list[str]:
    if whole_only:
        return [ev.sentence, *_whole_texts(ev)]
    edit = _single_substitution(alignment)
    swapped = [" ".join(edit.new), " ".join(edit.old)] if edit else []
    return [ev.sentence, *ev.windows, *swapped]
