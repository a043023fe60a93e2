"""(question, candidate sentence, answers?) pairs from the question corpus for the cross-encoder."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from evals.corpus import (
    CORPUS_DIR,
    CorpusQuestion,
    document_text,
    load_questions,
    question_file,
    split_documents,
)
from rag.answerability import candidate_text
from rag.embeddings import get_embeddings
from rag.sentences import split_sentences


@dataclass(frozen=True)
class Pair:
    """One candidate sentence for one question, labelled 1.0 when it answers the question."""

    question_id: str
    question: str
    candidate: str
    label: float
    rank: int  # the candidate's rank by MiniLM cosine among the document's sentences


def asked(q: CorpusQuestion) -> str:
    """The text a model reads as the question: follow-ups carry their earlier user turn."""
    earlier = [t["content"] for t in q.history if t.get("role") == "user"]
    return f"{earlier[-1]} [then] {q.question}" if earlier else q.question


def document_pairs(
    questions: list[CorpusQuestion], text: str, candidates: int, keep_gold: bool = True
) -> list[Pair]:
    """Each question's top ``candidates`` sentences by cosine, plus (when asked) its gold ones."""
    if not questions:
        return []
    spans = split_sentences(text)
    sentences = [text[s.start : s.end] for s in spans]
    embeddings = get_embeddings()
    matrix = np.asarray(embeddings.embed_documents(sentences), dtype=np.float32)
    queries = np.asarray(embeddings.embed_documents([asked(q) for q in questions]), np.float32)
    order = np.argsort(-(queries @ matrix.T), axis=1)
    pairs = []
    for q, ranking in zip(questions, order, strict=True):
        rank_of = {int(index): rank for rank, index in enumerate(ranking)}
        chosen = [int(i) for i in ranking[:candidates]]
        if keep_gold:
            chosen += [i for i in q.answer_sentences if i not in chosen]
        gold = set(q.answer_sentences)
        for i in chosen:
            text = candidate_text(sentences[i], sentences[i - 1] if i else None)
            pairs.append(Pair(q.id, asked(q), text, float(i in gold), rank_of[i]))
    return pairs


def split_pairs(split: str, candidates: int, keep_gold: bool = True) -> list[Pair]:
    """Pairs for every question of every document of ``split``."""
    pairs: list[Pair] = []
    for doc in split_documents(split):
        questions = load_questions(question_file(doc.doc_id))
        text = document_text(CORPUS_DIR / "docs" / doc.file)
        pairs += document_pairs(questions, text, candidates, keep_gold)
    return pairs
