"""The answer pipeline: check the question, make it standalone, retrieve, gate, answer, verify."""

from __future__ import annotations

import re
import threading
import time
import unicodedata
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel

from rag.answer import Answer, Citation, Passage, refusal_text
from rag.backends import get_backend, get_chat_model
from rag.citations import without_footnotes
from rag.errors import BadQuestion, EmptyIndex
from rag.extractive import ScoredSentence, candidate_sentences, select_sentences
from rag.followup import deterministic_rewrite, model_rewrite, needs_context
from rag.generation import (
    CANDIDATE_COUNT,
    GroundedDraft,
    SupportCheck,
    as_data,
    commands_the_assistant,
    looks_like_instruction,
    write_grounded,
)
from rag.overview import MODEL_OVERVIEW_NOTICE, model_candidates, overview_notice, plan_overview
from rag.retrieval import ChunkRetriever, retrieval_metadata
from rag.sentences import split_sentences
from rag.settings import Settings
from rag.store import Store
from rag.topicality import TopicBaseline

Turn = Mapping[str, str]
ModelFactory = Callable[[str, Settings], BaseChatModel]


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


def only_instructions(question: str) -> bool:
    """Whether every sentence of the question addresses the assistant instead of the documents."""
    spans = split_sentences(as_data(question))
    text = as_data(question)
    return bool(spans) and all(commands_the_assistant(text[s.start : s.end]) for s in spans)


def without_instructions(question: str) -> str:
    """The question minus sentences addressed to the assistant, if any other sentence is left."""
    question = as_data(question)
    spans = split_sentences(question)
    kept = [question[s.start : s.end] for s in spans]
    kept = [text for text in kept if not commands_the_assistant(text)]
    return " ".join(kept) if kept and len(kept) < len(spans) else question


@dataclass
class _Evidence:
    """What retrieval and ranking found for one (standalone) question."""

    question: str
    standalone: str
    passages: list[Passage]
    ranked: list[ScoredSentence]
    query_vector: list[float] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)


class Answerer:
    """Answers questions over one store; built once per process and shared by all requests."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        model_factory: ModelFactory = get_chat_model,
        checker: SupportCheck | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.retriever = ChunkRetriever(store=store, k=settings.top_k, mode=settings.retrieval,
            fusion=settings.fusion, dense_weight=settings.dense_weight)  # fmt: skip
        self._model_factory = model_factory
        self._models: dict[str, BaseChatModel] = {}
        self._checker = checker
        self._lock = threading.Lock()
        self.baseline = TopicBaseline(store, settings.standout_min_sentences)

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        k: int | None = None,
        llm: str | None = None,
    ) -> Answer:
        """Answer one question from the documents, or refuse when they do not say."""
        *_, final = self.stream(question, history, k, llm)
        assert isinstance(final, Answer)
        return final

    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        k: int | None = None,
        llm: str | None = None,
    ) -> Iterator[str | Answer]:
        """Text deltas of the verified answer as it is written, then the final ``Answer``.

        Only sentences that passed verification are ever yielded; their concatenation is
        ``Answer.answer``.
        """
        name = llm or self.settings.llm
        model = self.chat_model(name) if get_backend(name).uses_model else None
        overview = yield from self._overview(question, name, model)
        if overview is not None:
            yield overview
            return
        evidence = self._gather(question, history, k, model)
        if self._weak(evidence) or only_instructions(evidence.question):
            answer = self._answer(evidence, name, refusal_text(evidence.question), refused=True)
        elif model is None:
            answer = self._extractive(evidence, name)
        else:
            answer, streamed = yield from self._generate(evidence, name, model)
            if streamed:
                yield answer
                return
        yield answer.answer
        yield answer

    def _weak(self, evidence: _Evidence) -> bool:
        """Whether the best sentence is too poor, or too ordinary for these documents, to answer."""
        ranked = evidence.ranked
        if not ranked or ranked[0].score < self.settings.refusal_threshold:
            return True
        baseline = self.baseline.level(evidence.query_vector, self.store.document_ids())
        return baseline is not None and ranked[0].dense - baseline < self.settings.standout_margin

    def prepare(self, name: str) -> None:
        """Fail early (``BackendUnavailable``) when backend ``name`` cannot be used."""
        if get_backend(name).uses_model:
            self.chat_model(name)

    def chat_model(self, name: str) -> BaseChatModel:
        """The chat model of backend ``name``, made once per answerer."""
        with self._lock:
            if name not in self._models:
                self._models[name] = self._model_factory(name, self.settings)
            return self._models[name]

    def checker(self) -> SupportCheck:
        """The support checker, built on first use (it shares the store's embeddings)."""
        with self._lock:
            if self._checker is None:
                from rag.verification import SupportChecker

                self._checker = SupportChecker(self.store.embeddings)
            return self._checker

    def _gather(
        self, question: str, history: Sequence[Turn], k: int | None, model: BaseChatModel | None
    ) -> _Evidence:
        """Validate, make the question standalone, retrieve chunks and rank their sentences."""
        timings: dict[str, float] = {}
        started = clock = time.perf_counter()
        question = clean_question(question, self.settings.max_question_chars)
        if not self.store.document_ids():
            raise EmptyIndex("No documents are ingested yet; run `groundwork ingest` first.")
        timings["validate"] = _ms(clock)

        clock = time.perf_counter()
        standalone = standalone_question(without_instructions(question), history, model)
        timings["rewrite"] = _ms(clock)

        clock = time.perf_counter()
        retriever = self.retriever if k is None else self.retriever.model_copy(update={"k": k})
        chunks = retriever.invoke(standalone)
        timings["retrieve"] = _ms(clock)

        clock = time.perf_counter()
        query_vector = self.store.embeddings.embed_query(standalone)
        ranked = candidate_sentences(standalone, query_vector, chunks, self.store)
        # Sentences that address the assistant are never quoted nor offered to the model.
        ranked = [s for s in ranked if not looks_like_instruction(s.text)]
        timings["rank"] = _ms(clock)
        passages = [_passage(doc) for doc in chunks]
        return _Evidence(question, standalone, passages, ranked, query_vector, timings, started)

    def _extractive(self, evidence: _Evidence, backend: str, notice: str | None = None) -> Answer:
        """The best sentences quoted verbatim."""
        chosen = select_sentences(evidence.ranked, self.settings.max_answer_sentences)
        text, citations = quote_answer(chosen)
        return self._answer(evidence, backend, text, citations=citations, notice=notice,
                            fallback=notice is not None)  # fmt: skip

    def _generate(
        self, evidence: _Evidence, backend: str, model: BaseChatModel
    ) -> Generator[str, None, tuple[Answer, bool]]:
        """Stream verified sentences; fall back to the extractive answer when none survive.

        Returns the answer and whether its text has already been streamed.
        """
        threshold = self.settings.refusal_threshold
        candidates = [s for s in evidence.ranked[:CANDIDATE_COUNT] if s.score >= threshold]
        draft: GroundedDraft = yield from write_grounded(
            model, evidence.standalone, candidates, self.checker(), self.settings.llm_timeout_s
        )
        evidence.timings.update(draft.timings_ms)
        if draft.shown:
            notice = f"The model stopped early ({draft.error})." if draft.error else None
            answer = self._answer(evidence, backend, " ".join(draft.shown),
                                  citations=draft.citations, notice=notice)  # fmt: skip
        else:
            answer = self._extractive(evidence, backend, _fallback_notice(backend, draft))
        answer.removed = draft.removed
        return answer, bool(draft.shown)

    # --- whole-document questions ("summarise the article"; see rag/overview.py) ---------------

    def _overview(
        self, question: str, backend: str, model: BaseChatModel | None
    ) -> Generator[str, None, Answer | None]:
        """Stream an answer from whole documents when the question asks for one, else None."""
        started = time.perf_counter()
        question = clean_question(question, self.settings.max_question_chars)
        asked = without_instructions(question)
        plan = plan_overview(self.store, asked)
        if plan is None:
            return None  # not a whole-document question (an empty index raises in _gather)
        timings = {"plan": _ms(started)}
        evidence = _Evidence(question, question, [], plan.leads, [], timings, started)
        draft = GroundedDraft()
        if model is not None:  # no relevance gate: a summary has no single best passage
            candidates = model_candidates(plan.documents, asked, self.settings)
            draft = yield from write_grounded(
                model, asked, candidates, self.checker(), self.settings.llm_timeout_s
            )
            evidence.timings.update(draft.timings_ms)
        if draft.shown:
            stopped = f" The model stopped early ({draft.error})." if draft.error else ""
            notice = MODEL_OVERVIEW_NOTICE + stopped
            answer = self._answer(evidence, backend, " ".join(draft.shown),
                                  citations=draft.citations, notice=notice)  # fmt: skip
        else:
            text, citations = quote_answer(plan.leads)
            why = _fallback_notice(backend, draft) + " " if model is not None else ""
            notice = why + overview_notice(plan.documents, plan.leads)
            answer = self._answer(evidence, backend, text, citations=citations, notice=notice,
                                  fallback=model is not None)  # fmt: skip
            yield text
        answer.removed = draft.removed
        return answer

    def _answer(
        self, evidence: _Evidence, backend: str, text: str, refused: bool = False,
        citations: list[Citation] | None = None, notice: str | None = None, fallback: bool = False,
    ) -> Answer:  # fmt: skip
        timings = dict(evidence.timings)
        timings["total"] = _ms(evidence.started)
        standalone = evidence.standalone if evidence.standalone != evidence.question else None
        return Answer(question=evidence.question, answer=text, refused=refused, backend=backend,
                      citations=citations or [], passages=evidence.passages, timings_ms=timings,
                      notice=notice, fallback=fallback, standalone_question=standalone)  # fmt: skip


def standalone_question(
    question: str, history: Sequence[Turn], model: BaseChatModel | None = None
) -> str:
    """The question made understandable without the conversation (unchanged when it already is)."""
    if not history or not needs_context(question):
        return question
    rewritten = deterministic_rewrite(question, history)
    if model is None:
        return rewritten
    try:
        return model_rewrite(model, question, history, fallback=rewritten)
    except Exception:  # the deterministic rewrite is the safety net for any model failure
        return rewritten


def quote_answer(sentences: list[ScoredSentence]) -> tuple[str, list[Citation]]:
    """Verbatim sentences, each followed by its marker, and the citations behind the markers."""
    citations = [
        Citation(n=i, source=s.source, doc_id=s.doc_id, chunk_id=s.chunk_id,
                 start=s.start, end=s.end, quote=s.text)
        for i, s in enumerate(sentences, start=1)
    ]  # fmt: skip
    pairs = zip(sentences, citations, strict=True)
    text = " ".join(f"{without_footnotes(s.text)} [{c.n}]" for s, c in pairs)
    return text, citations


def _fallback_notice(backend: str, draft: GroundedDraft) -> str:
    if draft.error:
        why = f"the {backend} model failed ({draft.error})"
    else:
        why = f"none of the {backend} model's sentences was supported by the documents"
    return f"Showing quoted sentences instead: {why}."


def _passage(doc: Document) -> Passage:
    return Passage(text=doc.page_content, **retrieval_metadata(doc))


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
