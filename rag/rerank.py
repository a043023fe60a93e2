"""The answerability stage: the trained model reads today's best candidates with the question,
re-orders them by the probability that they answer it, refuses when none does, and keeps a
runner-up only when it answers too (see docs/answerability-model.md for the measured choices)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from rag.answerability import (
    AnswerabilityUnavailable,
    candidate_text,
    load_answerability,
)
from rag.extractive import ScoredSentence

log = logging.getLogger(__name__)


class Scorer(Protocol):
    """Anything that gives P(answers) for (question, candidate) pairs: the model, or a fake."""

    def score(self, question: str, candidates: Sequence[str]) -> list[float]: ...


@dataclass(frozen=True)
class Reranker:
    """Re-orders, gates and trims ranked sentences with the answerability model."""

    model: Scorer
    candidates: int  # how many of the similarity ranking's best the model reads
    threshold: float  # below this probability the best sentence does not answer: refuse
    runner_up: float  # a second sentence is quoted only at this probability or more

    def rerank(
        self, question: str, ranked: list[ScoredSentence], nearest: Collection[tuple[str, int]] = ()
    ) -> list[ScoredSentence]:
        """The first ``candidates`` of ``ranked`` and the ``nearest`` (doc_id, start) sentences,
        ordered by the model's probability, best first."""
        head = ranked[: self.candidates] + [
            s for s in ranked[self.candidates :] if (s.doc_id, s.start) in nearest
        ]
        texts = [candidate_text(s.text, s.context) for s in head]
        probabilities = self.model.score(question, texts)
        scored = [replace(s, answers=round(p, 4)) for s, p in zip(head, probabilities, strict=True)]
        return sorted(scored, key=lambda s: (-(s.answers or 0.0), -s.score, s.doc_id, s.start))

    def refuses(self, ranked: list[ScoredSentence]) -> bool:
        """Whether no sentence answers: the best probability is under the threshold."""
        return not ranked or (ranked[0].answers or 0.0) < self.threshold

    def select(self, ranked: list[ScoredSentence], limit: int) -> list[ScoredSentence]:
        """The best sentence, plus runners-up the model also believes, in document order."""
        if not ranked:
            return []
        chosen = [ranked[0]]
        for candidate in ranked[1:limit]:
            if (candidate.answers or 0.0) >= self.runner_up and candidate.text != ranked[0].text:
                chosen.append(candidate)
        return sorted(chosen, key=lambda s: (s.doc_id, s.start))


class RerankerSource:
    """Loads the model once on first use; when it cannot, says so once and yields None."""

    def __init__(
        self,
        path: Path,
        candidates: int,
        threshold: float,
        runner_up: float,
        loader: Callable[[Path], Scorer] = load_answerability,
    ) -> None:
        self.path = path
        self.loader = loader
        self.settings = (candidates, threshold, runner_up)
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
