"""The answer pipeline: check the question, retrieve, gate on relevance, answer with citations."""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Sequence

from langchain_core.documents import Document

from rag.answer import Answer, Citation, Passage, refusal_text
from rag.errors import BadQuestion, EmptyIndex
from rag.extractive import ScoredSentence, candidate_sentences, select_sentences
from rag.retrieval import ChunkRetriever, retrieval_metadata
from rag.settings import Settings
from rag.store import Store

Turn = dict[str, str]


def clean_question(question: str, max_chars: int) -> str:
    """A question fit to answer, or ``BadQuestion`` saying what is wrong with it."""
    if not isinstance(question, str):
        raise BadQuestion("The question must be text.")
    text = question.encode("utf-8", "ignore").decode("utf-8")
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise BadQuestion("Please type a question; this one is empty.")
    if len(text) > max_chars:
        raise BadQuestion(f"The question is {len(text)} characters long; the limit is {max_chars}.")
    if not any(ch.isalnum() for ch in text):
        raise BadQuestion("The question has no words in it; please ask in words.")
    return text


class Answerer:
    """Answers questions over one store; built once per process and shared by all requests."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store
        self.retriever = ChunkRetriever(store=store, k=settings.top_k, mode=settings.retrieval)

    def ask(self, question: str, history: Sequence[Turn] = (), k: int | None = None) -> Answer:
        """Answer one question from the documents, or refuse when they do not say."""
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        question = clean_question(question, self.settings.max_question_chars)
        del history  # follow-up rewriting arrives with the generative chain
        if not self.store.document_ids():
            raise EmptyIndex("No documents are ingested yet; run `groundwork ingest` first.")
        timings["validate"] = _ms(clock)

        clock = time.perf_counter()
        retriever = self.retriever if k is None else self.retriever.model_copy(update={"k": k})
        chunks = retriever.invoke(question)
        timings["retrieve"] = _ms(clock)

        clock = time.perf_counter()
        query_vector = self.store.embeddings.embed_query(question)
        ranked = candidate_sentences(question, query_vector, chunks, self.store)
        timings["rank"] = _ms(clock)

        passages = [_passage(doc) for doc in chunks]
        if not ranked or ranked[0].score < self.settings.refusal_threshold:
            return Answer(question=question, answer=refusal_text(question), refused=True,
                          backend="extractive", passages=passages, timings_ms=timings)  # fmt: skip
        chosen = select_sentences(ranked, self.settings.max_answer_sentences)
        text, citations = quote_answer(chosen)
        timings["total"] = round(sum(timings.values()), 2)
        return Answer(question=question, answer=text, refused=False, backend="extractive",
                      citations=citations, passages=passages, timings_ms=timings)  # fmt: skip


def quote_answer(sentences: list[ScoredSentence]) -> tuple[str, list[Citation]]:
    """Verbatim sentences, each followed by its marker, and the citations behind the markers."""
    citations = [
        Citation(n=i, source=s.source, doc_id=s.doc_id, chunk_id=s.chunk_id,
                 start=s.start, end=s.end, quote=s.text)
        for i, s in enumerate(sentences, start=1)
    ]  # fmt: skip
    text = " ".join(f"{s.text} [{c.n}]" for s, c in zip(sentences, citations, strict=True))
    return text, citations


def _passage(doc: Document) -> Passage:
    return Passage(text=doc.page_content, **retrieval_metadata(doc))


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
