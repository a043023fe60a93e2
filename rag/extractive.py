"""The extractive answerer: quote the best sentences of the retrieved chunks verbatim, or refuse."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from langchain_core.documents import Document

from rag.store import Store
from rag.text import MONTHS, WEEKDAYS, content_terms, numbers_in, proper_names, words

_DENSE_WEIGHT = 0.7
_TYPE_FLOOR = 0.5  # score kept by a sentence that lacks the kind of fact the question asks for
_DURATIONS = {"year", "years", "month", "months", "week", "weeks", "day", "days", "decade",
              "decades", "hours", "minutes"}  # fmt: skip
_TIME_WORDS = set(WEEKDAYS) | _DURATIONS | {"today", "yesterday", "tomorrow", "ago", "recent"}


@dataclass(frozen=True)
class ScoredSentence:
    """A candidate sentence with where it sits and how well it matches the question."""

    doc_id: str
    source: str
    chunk_id: str
    start: int
    end: int
    text: str
    dense: float
    lexical: float
    score: float
    type_fit: float | None = None


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
    question_terms = _weighted_terms(question, [set(content_terms(t or "")) for t in texts])
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
        lexical, dense_score = _contextual_match(question_terms, text, cosine, context)
        type_fit = answer_type_strength(text, question, expected) if expected else None
        scored.append(
            ScoredSentence(
                doc_id=str(meta["doc_id"]),
                source=str(meta.get("source", "")),
                chunk_id=_containing_chunk(chunks, meta),
                start=int(str(meta["start"])),
                end=int(str(meta["end"])),
                text=text,
                dense=round(dense_score, 4),
                lexical=round(lexical, 4),
                type_fit=type_fit,
                score=round(combine_score(dense_score, lexical, type_fit), 4),
            )
        )
        previous = (meta, text, cosine)
    return sorted(scored, key=lambda s: (-s.score, s.doc_id, s.start))


def select_sentences(ranked: list[ScoredSentence], limit: int) -> list[ScoredSentence]:
    """The best sentence plus close runners-up, in document order."""
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    for candidate in ranked[1:]:
        if len(chosen) >= limit:
            break
        if candidate.score >= 0.85 * best.score and candidate.text != best.text:
            chosen.append(candidate)
    return sorted(chosen, key=lambda s: (s.doc_id, s.start))


def expected_answer_type(question: str) -> str | None:
    """What kind of fact the question asks for: 'time', 'number', 'name', or None."""
    q = question.lower()
    if re.search(r"\b(when|by when|what year|which year|what date|how long|until when)\b", q):
        return "time"
    if re.search(r"\b(how many|how much|what number|what percentage|how large)\b", q):
        return "number"
    if re.search(r"\b(who|whom|whose|which (person|official|country|group))\b", q):
        return "name"
    return None


def answer_type_strength(sentence: str, question: str, expected: str) -> float:
    """How clearly ``sentence`` holds a fact of the expected kind that the question lacks (0-1)."""
    if expected == "time":
        years = r"\b(?:1[89]|20)\d\d\b"
        if set(re.findall(years, sentence)) - set(re.findall(years, question)):
            return 1.0
        new_words = set(words(sentence)) - set(words(question))
        if new_words & set(MONTHS):
            return 1.0
        if new_words & _DURATIONS and numbers_in(sentence) - numbers_in(question):
            return 0.9
        return 0.4 if new_words & _TIME_WORDS else 0.0
    if expected == "number":
        return 1.0 if numbers_in(sentence) - numbers_in(question) else 0.0
    return 1.0 if proper_names(sentence) - proper_names(question) else 0.0


_ANAPHOR = re.compile(
    r"^[“\"‘']?(this|these|that|those|it|its|he|she|they|his|her|their|such|the (statement|"
    r"move|plan|decision|report|agency|company|group|official))\b",
    re.IGNORECASE,
)


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
    own_terms = set(content_terms(text))
    own = _term_recall(weights, own_terms)
    if context is None:
        return own, cosine
    share = 0.6 if _ANAPHOR.match(text) else 0.25
    with_context = _term_recall(weights, own_terms | set(content_terms(context[1])))
    lexical = own + share * (with_context - own)
    dense = cosine + share * max(0.0, context[2] - cosine)
    return lexical, dense


def _weighted_terms(question: str, sentence_terms: list[set[str]]) -> dict[str, float]:
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


def _term_recall(weights: dict[str, float], sentence_terms: set[str]) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    return sum(w for term, w in weights.items() if term in sentence_terms) / total


def _containing_chunk(chunks: list[Document], meta: object) -> str:
    m = dict(meta)  # type: ignore[call-overload]
    for doc in chunks:
        same_doc = doc.metadata["doc_id"] == m["doc_id"]
        if same_doc and doc.metadata["start"] <= m["start"] and m["end"] <= doc.metadata["end"]:
            return str(doc.id)
    return str(chunks[0].id)
