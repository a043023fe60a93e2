"""The rank stage: the sentences inside the retrieved chunks, scored against the question.

A sentence's score mixes MiniLM cosine, shared rare words, the sentence before when it opens
by pointing back, and whether it holds the kind of fact asked for (``rag/answer_type.py``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from langchain_core.documents import Document

from rag.answer_type import answer_type_strength, expected_answer_type
from rag.answer_types import Evidence, Passage, ScoredSentence, overlaps_any
from rag.injection import unquotable
from rag.rerank import Reranker
from rag.retrieval import ChunkRetriever, retrieval_metadata
from rag.store import Store
from rag.text import content_terms, numbers_in, points_back, proper_names, term_set

T = TypeVar("T")
_DENSE_WEIGHT = 0.7
_TYPE_FLOOR = 0.5  # score kept by a sentence that lacks the kind of fact the question asks for


@dataclass(frozen=True, eq=False)
class SentenceRanker:
    """Orders the sentences of retrieved chunks for one question, best first."""

    store: Store
    retriever: ChunkRetriever  # finds the chunks holding a sentence, for the model's wider read
    nearest: int  # how many sentences most like the question anywhere the model reads too

    def rank(
        self, question: str, query_vector: list[float], chunks: list[Document]
    ) -> list[ScoredSentence]:
        """The sentences of ``chunks`` by today's score, leaving out unquotable ones."""
        ranked = candidate_sentences(question, query_vector, chunks, self.store)
        # Sentences that address the assistant or carry a link are never quoted nor offered to
        # the model, so an order a model might restate as a plain claim has nothing to cite.
        return [s for s in ranked if not unquotable(s.text)]

    def rerank(
        self, reranker: Reranker, question: str, query_vector: list[float], found: list[Document]
    ) -> list[ScoredSentence]:
        """The answerability model's order over ``found`` and the sentences most like the
        question anywhere: with the top chunks alone, it never sees the answer for about a
        quarter of questions."""
        nearest = self.store.nearest_sentences(query_vector, self.nearest)
        found = interleave([found, self.retriever.chunks_holding(nearest)], lambda d: str(d.id))
        pool = self.rank(question, query_vector, found)
        return reranker.rerank(question, pool, {(d, start) for d, start, _ in nearest})


@dataclass(frozen=True)
class PartEvidence:
    """What one part of the question found: its top chunks and, unless refused, its sentences."""

    question: str
    chunks: list[Document]
    ranked: list[ScoredSentence]  # empty when the gate refused the part


def gather(question: str, standalone: str, found: list[PartEvidence]) -> Evidence:
    """One body of evidence from the parts': the answered parts' chunks and sentences first."""
    answered = [part for part in found if part.ranked]
    unanswered = [part for part in found if not part.ranked]
    # The chunks the answer draws on first, taking the best of each part in turn.
    chunks = interleave([part.chunks for part in answered + unanswered], key=lambda d: str(d.id))
    passages = [Passage(text=doc.page_content, **retrieval_metadata(doc)) for doc in chunks]
    parts = [part.ranked for part in answered]
    return Evidence(question, standalone, passages, merge_parts(parts), parts,
                    [part.question for part in unanswered])  # fmt: skip


def combine_score(dense: float, lexical: float, type_fit: float | None) -> float:
    """One evidence score from meaning (cosine), shared rare words, and the asked-for fact type."""
    score = _DENSE_WEIGHT * dense + (1 - _DENSE_WEIGHT) * lexical
    if type_fit is not None:
        score *= _TYPE_FLOOR + (1 - _TYPE_FLOOR) * type_fit
    return score


def candidate_sentences(
    question: str, query_vector: list[float], chunks: list[Document], store: Store
) -> list[ScoredSentence]:
    """Every sentence inside the retrieved chunks, scored against the question, best first."""
    if not chunks:
        return []
    texts, metas, vectors = store.sentences_within(chunks)
    if not texts:
        return []
    dense = np.asarray(vectors, dtype=np.float32) @ np.asarray(query_vector, dtype=np.float32)
    question_terms = _weighted_terms(question, [term_set(t or "") for t in texts])
    expected = expected_answer_type(question)
    rows = sorted(
        (
            (dict(meta), text, float(cosine))
            for text, meta, cosine in zip(texts, metas, dense, strict=True)
            if text is not None and meta is not None
        ),
        key=lambda row: (str(row[0]["doc_id"]), int(str(row[0]["start"]))),
    )
    scored = []
    previous: tuple[dict, str, float] | None = None
    for meta, text, cosine in rows:
        context = previous if _follows(previous, meta, text) else None
        own = (meta, text, cosine)
        before = context[1] if context is not None else None
        if context is not None and _is_term_of(context[1], text):
            meta, text = _under_term(context[0], meta, chunks) or (meta, text)
            before = None if text.startswith(context[1]) else before
        lexical, dense_score = _contextual_match(question_terms, text, cosine, context)
        type_fit = answer_type_strength(text, question, expected) if expected else None
        scored.append(
            ScoredSentence(
                doc_id=str(meta["doc_id"]),
                source=str(meta.get("source", "")),
                chunk_id=str((_chunk_holding(chunks, meta) or chunks[0]).id),
                start=int(str(meta["start"])),
                end=int(str(meta["end"])),
                text=text,
                dense=round(dense_score, 4),
                lexical=round(lexical, 4),
                type_fit=type_fit,
                score=round(combine_score(dense_score, lexical, type_fit), 4),
                context=before,
            )
        )
        previous = own
    # A sentence without the kind of fact asked for ("when" -> no date) cannot be the answer.
    quotable = [s for s in scored if is_statement(s.text) and s.type_fit != 0.0]
    return sorted(quotable, key=lambda s: (-s.score, s.doc_id, s.start))


_CLOSES = re.compile(r"[.!?…][\"'”’)\]]*$")


def is_statement(text: str) -> bool:
    """Whether ``text`` can stand as an answer: a finished sentence, not a heading or code line."""
    text = text.strip()
    if _CLOSES.search(text):
        return True
    return len(text.split()) >= 8 and not text.endswith(":")


def _is_term_of(line: str, text: str) -> bool:
    """Whether ``line`` is the term a definition ``text`` (which opens in lower case) explains."""
    term = len(line.split()) <= 4 and not is_statement(line) and not line.rstrip().endswith(":")
    return text[:1].islower() and term


def _under_term(term: dict, meta: dict, chunks: list[Document]) -> tuple[dict, str] | None:
    """The definition with its term ("compdb\n\ngiven a list of rules..."), cut from its chunk."""
    merged = {**meta, "start": term["start"]}
    doc = _chunk_holding(chunks, merged)
    if doc is None:
        return None
    offset = int(doc.metadata["start"])
    return merged, doc.page_content[int(term["start"]) - offset : int(meta["end"]) - offset]


def _follows(previous: tuple[dict, str, float] | None, meta: dict, text: str) -> bool:
    """Whether ``previous`` is the sentence right before this one in the same document."""
    if previous is None or previous[0]["doc_id"] != meta["doc_id"]:
        return False
    gap = int(str(meta["start"])) - int(str(previous[0]["end"]))
    return 0 <= gap <= 3


def _contextual_match(
    weights: dict[str, float], text: str, cosine: float, context: tuple[dict, str, float] | None
) -> tuple[float, float]:
    """Lexical and dense match, borrowing from the previous sentence a pronoun points back to."""
    own_terms = term_set(text)
    own = _term_recall(weights, own_terms)
    if context is None:
        return own, cosine
    share = 0.6 if points_back(text) else 0.25
    with_context = _term_recall(weights, own_terms | term_set(context[1]))
    lexical = own + share * (with_context - own)
    dense = cosine + share * max(0.0, context[2] - cosine)
    return lexical, dense


def _weighted_terms(question: str, sentence_terms: list[frozenset[str]]) -> dict[str, float]:
    """Question terms weighted by rarity among the candidates; names and numbers count double."""
    names = {t for name in proper_names(question) for t in content_terms(name)}
    numbers = numbers_in(question)
    total = len(sentence_terms)
    weights: dict[str, float] = {}
    for term in content_terms(question):
        frequency = sum(1 for terms in sentence_terms if term in terms)
        rarity = math.log((total + 1) / (frequency + 0.5))
        weights[term] = max(rarity, 0.1) * (2.0 if term in names or term in numbers else 1.0)
    return weights


def _term_recall(weights: dict[str, float], sentence_terms: frozenset[str]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    return sum(w for term, w in weights.items() if term in sentence_terms) / total


def _chunk_holding(chunks: list[Document], meta: dict) -> Document | None:
    """The first of ``chunks`` that holds the span ``meta`` describes whole, if any."""
    for doc in chunks:
        same_doc = doc.metadata["doc_id"] == meta["doc_id"]
        inside = doc.metadata["start"] <= meta["start"] and meta["end"] <= doc.metadata["end"]
        if same_doc and inside:
            return doc
    return None


def interleave(rankings: Sequence[Sequence[T]], key: Callable[[T], Hashable]) -> list[T]:
    """The rankings' heads first, in turn, then their seconds, and so on; each item once."""
    merged: list[T] = []
    seen: set[Hashable] = set()
    for rank in range(max((len(r) for r in rankings), default=0)):
        for ranking in rankings:
            if rank < len(ranking) and key(ranking[rank]) not in seen:
                seen.add(key(ranking[rank]))
                merged.append(ranking[rank])
    return merged


def merge_parts(parts: list[list[ScoredSentence]]) -> list[ScoredSentence]:
    """One ranking from the rankings of a compound question's parts: their heads first, in turn."""
    merged: list[ScoredSentence] = []
    for sentence in interleave(parts, key=lambda s: (s.doc_id, s.start)):
        if not overlaps_any(sentence, merged):
            merged.append(sentence)
    return merged
