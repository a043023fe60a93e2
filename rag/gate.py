"""The gate stage: whether a part's best evidence is good enough to answer from, or refuse.

Three checks, in order. The best sentence's score must reach ``GROUNDWORK_REFUSAL_THRESHOLD``;
in a long document it must stand out from the document's ordinary sentences by
``GROUNDWORK_STANDOUT_MARGIN`` (``rag/standout.py``); then, when the answerability model is on,
some sentence it reads must be likely to answer (``rag/rerank.py``). The model only adds
refusals: alone, it refused fewer on both evaluation documents (docs/answerability-model.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.answer_types import ScoredSentence
from rag.rerank import Reranker
from rag.standout import TopicBaseline


@dataclass(frozen=True, eq=False)
class RelevanceGate:
    """Refuses evidence that is too poor, or too ordinary for its document, to answer from."""

    threshold: float  # the least score the best sentence may have
    margin: float  # how far its cosine must exceed its document's 90th percentile
    baseline: TopicBaseline

    def admits(self, ranked: list[ScoredSentence], query_vector: list[float]) -> bool:
        """Whether the best of ``ranked`` clears the threshold and stands out from its document."""
        if not ranked or ranked[0].score < self.threshold:
            return False
        level = self.baseline.level(query_vector, ranked[0].doc_id)
        # Short documents have no level: with ~30 sentences it would be the third-best one.
        return level is None or ranked[0].dense - level >= self.margin

    def model_admits(self, reranker: Reranker, ranked: list[ScoredSentence]) -> bool:
        """Whether the answerability model believes some sentence of ``ranked`` answers."""
        return not reranker.refuses(ranked)
