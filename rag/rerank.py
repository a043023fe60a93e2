"""The answerability stage: the trained model reads today's best candidates with the question;
its probability joins today's score in the order and alone decides refusal: on the dev
documents it separates answerable from unanswerable questions far better than similarity
(AUC 0.81 vs 0.52) but ranks worse on its own (docs/answerability-model.md)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from rag.answer_types import ScoredSentence
from rag.answerability import (
    AnswerabilityUnavailable,
    candidate_text,
    load_answerability,
)

log = logging.getLogger(__name__)


class Scorer(Protocol):
    """Anything that gives P(answers) for (question, candidate) pairs: the model, or a fake."""

    def score(self, question: str, candidates: Sequence[str]) -> list[float]: ...


@dataclass(frozen=True)
class Reranker:
    """Re-orders, gates and trims ranked sentences with the answerability model."""

    model: Scorer
    candidates: int  # how many of the similarity ranking's best the model reads
    threshold: float  # when no candidate reaches this probability, nothing answers: refuse
    weight: float  # the model's share of the order; today's score has the rest

    def rerank(
        self, question: str, ranked: list[ScoredSentence], nearest: Collection[tuple[str, int]] = ()
    ) -> list[ScoredSentence]:
        """The first ``candidates`` of ``ranked`` and the ``nearest`` (doc_id, start) sentences,
        ordered by the model's probability, best first; then the rest of ``ranked``, unread.

        The rest stays, in today's order, so that a quoted sentence still finds the sentence
        its pronoun points back to and a model backend still gets its candidates when the
        model reads only a few (its time is linear in what it reads).
        """
        read = {
            i for i, s in enumerate(ranked) if i < self.candidates or (s.doc_id, s.start) in nearest
        }
        head = [s for i, s in enumerate(ranked) if i in read]
        texts = [candidate_text(s.text, s.context) for s in head]
        probabilities = self.model.score(question, texts)
        scored = [replace(s, answers=round(p, 4)) for s, p in zip(head, probabilities, strict=True)]
        rest = [s for i, s in enumerate(ranked) if i not in read]
        return sorted(scored, key=lambda s: (-self.fused(s), s.doc_id, s.start)) + rest

    def fused(self, sentence: ScoredSentence) -> float:
        """The order's key: the model's probability mixed with today's evidence score."""
        return self.weight * (sentence.answers or 0.0) + (1 - self.weight) * sentence.score

    def refuses(self, ranked: list[ScoredSentence]) -> bool:
        """Whether no sentence answers: every probability is under the threshold."""
        return max((s.answers or 0.0 for s in ranked), default=0.0) < self.threshold


class RerankerSource:
    """Loads the model once on first use; when it cannot, says so once and yields None."""

    def __init__(
        self,
        path: Path,
        candidates: int,
        threshold: float,
        weight: float,
        loader: Callable[[Path], Scorer] = load_answerability,
    ) -> None:
        self.path = path
        self.loader = loader
        self.settings = (candidates, threshold, weight)
        self._lock = threading.Lock()
        self._loaded: Reranker | None = None
        self._failed = False

    def get(self) -> Reranker | None:
        """The reranker, or None (logged once) when the model is missing or broken."""
        with self._lock:
            if self._loaded is None and not self._failed:
                try:
                    self._loaded = Reranker(self.loader(self.path), *self.settings)
                except AnswerabilityUnavailable as exc:
                    log.warning("%s", exc)
                    self._failed = True
            return self._loaded
