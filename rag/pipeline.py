"""The answer pipeline: check the question, make it standalone, retrieve, gate, answer, verify."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field

from langchain_core.documents import Document
from langchain_core.language_models import BaseChatModel

from rag.answer_types import Answer, Citation, Passage, ScoredSentence, refusal_text
from rag.backends import get_backend, get_chat_model
from rag.citations import quote_answer
from rag.errors import EmptyIndex
from rag.generation import (
    CANDIDATE_COUNT,
    GroundedDraft,
    SupportCheck,
    write_grounded,
)
from rag.injection import unquotable
from rag.overview import MODEL_OVERVIEW_NOTICE, model_candidates, overview_notice, plan_overview
from rag.question import (
    Turn,
    clean_question,
    only_instructions,
    question_parts,
    standalone_question,
    without_carried_context,
    without_instructions,
)
from rag.quoting import best_of_each, select_sentences, with_antecedents
from rag.ranking import candidate_sentences, interleave, merge_parts
from rag.rerank import Reranker, RerankerSource
from rag.retrieval import ChunkRetriever, retrieval_metadata
from rag.settings import Settings
from rag.standout import TopicBaseline
from rag.store import Store
from rag.timing import ms_since

ModelFactory = Callable[[str, Settings], BaseChatModel]


@dataclass
class _Evidence:
    """What retrieval and ranking found for one (standalone) question.

    ``parts`` holds the ranked sentences of each part of the question the documents answer (one
    part unless it is compound); ``ranked`` merges them, best of each part first; ``unanswered``
    lists the parts that did not pass the relevance gate.
    """

    question: str
    standalone: str
    passages: list[Passage]
    ranked: list[ScoredSentence]
    parts: list[list[ScoredSentence]] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
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
        self.rerankers = RerankerSource(settings.answerability_model,
            settings.answerability_candidates, settings.answerability_threshold,
            settings.answerability_weight)  # fmt: skip

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
        if not evidence.ranked or only_instructions(evidence.question):
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

    def _weak(self, ranked: list[ScoredSentence], query_vector: list[float]) -> bool:
        """Whether the best sentence is too poor, or too ordinary for its document, to answer."""
        if not ranked or ranked[0].score < self.settings.refusal_threshold:
            return True
        baseline = self.baseline.level(query_vector, ranked[0].doc_id)
        return baseline is not None and ranked[0].dense - baseline < self.settings.standout_margin

    def reranker(self) -> Reranker | None:
        """The answerability model's stage, or None when it is off or cannot be loaded."""
        return self.rerankers.get() if self.settings.answerability else None

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
        timings["validate"] = ms_since(clock)

        clock = time.perf_counter()
        standalone = standalone_question(without_instructions(question), history, model)
        timings["rewrite"] = ms_since(clock)

        evidence = _Evidence(question, standalone, [], [], timings=timings, started=started)
        answered: list[list[Document]] = []
        unanswered: list[list[Document]] = []
        for part in question_parts(standalone):
            chunks, ranked = self._search(part, k, timings)
            if ranked:
                evidence.parts.append(ranked)
                answered.append(chunks)
            else:
                evidence.unanswered.append(part)
                unanswered.append(chunks)
        # The chunks the answer draws on first, taking the best of each part in turn.
        chunks = interleave(answered + unanswered, key=lambda doc: str(doc.id))
        evidence.passages = [_passage(doc) for doc in chunks]
        evidence.ranked = merge_parts(evidence.parts)
        return evidence

    def _search(
        self, question: str, k: int | None, timings: dict[str, float]
    ) -> tuple[list[Document], list[ScoredSentence]]:
        """Retrieve chunks for one question and rank their sentences; none when the gate fails."""
        clock = time.perf_counter()
        k = k or self.settings.top_k
        reranker = self.reranker()
        # The model reads more than the top k chunks (docs/answerability-model.md).
        wide = max(k, self.settings.answerability_chunks) if reranker else k
        found = self.retriever.model_copy(update={"k": wide}).invoke(question)
        chunks = found[:k]
        timings["retrieve"] = timings.get("retrieve", 0.0) + ms_since(clock)

        clock = time.perf_counter()
        query_vector = self.store.embeddings.embed_query(question)
        ranked = self._quotable(question, query_vector, chunks)
        # Today's gate keeps its refusals; the model adds the ones similarity cannot see (a
        # near-miss that shares the question's words). Alone, it refused fewer on both
        # evaluation documents (docs/answerability-model.md).
        weak = self._weak(ranked, query_vector)
        if reranker is not None and not weak:
            # It also reads the sentences most like the question anywhere: with the top chunks
            # alone, the answer is never seen for about a quarter of questions.
            many = self.settings.answerability_nearest
            nearest = self.store.nearest_sentences(query_vector, many)
            found = interleave([found, self.retriever.chunks_holding(nearest)], lambda d: str(d.id))
            pool = self._quotable(question, query_vector, found)
            ranked = reranker.rerank(question, pool, {(d, start) for d, start, _ in nearest})
            weak = reranker.refuses(ranked)
        timings["rank"] = timings.get("rank", 0.0) + ms_since(clock)
        return chunks, [] if weak else ranked

    def _quotable(
        self, question: str, query_vector: list[float], chunks: list[Document]
    ) -> list[ScoredSentence]:
        """The sentences of ``chunks`` ranked by today's score, leaving out unquotable ones."""
        ranked = candidate_sentences(question, query_vector, chunks, self.store)
        # Sentences that address the assistant or carry a link are never quoted nor offered to
        # the model, so an order a model might restate as a plain claim has nothing to cite.
        return [s for s in ranked if not unquotable(s.text)]

    def _extractive(self, evidence: _Evidence, backend: str, notice: str | None = None) -> Answer:
        """The best sentences quoted verbatim (the best one of each part of a compound question)."""
        fallback = notice is not None
        if len(evidence.parts) + len(evidence.unanswered) > 1:
            chosen = best_of_each(evidence.parts, self.settings.max_answer_sentences)
            notice = _unanswered_notice(evidence.unanswered, notice)
        else:
            chosen = select_sentences(evidence.ranked, self.settings.max_answer_sentences)
        text, citations = quote_answer(with_antecedents(chosen, evidence.ranked))
        return self._answer(evidence, backend, text, citations=citations, notice=notice,
                            fallback=fallback)  # fmt: skip

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
            notice = _unanswered_notice(evidence.unanswered, notice)
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
        timings = {"plan": ms_since(started)}
        evidence = _Evidence(question, question, [], plan.leads, timings=timings, started=started)
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
        timings["total"] = ms_since(evidence.started)
        standalone = evidence.standalone if evidence.standalone != evidence.question else None
        return Answer(question=evidence.question, answer=text, refused=refused, backend=backend,
                      citations=citations or [], passages=evidence.passages, timings_ms=timings,
                      notice=notice, fallback=fallback, standalone_question=standalone)  # fmt: skip


def _unanswered_notice(unanswered: list[str], notice: str | None) -> str | None:
    if not unanswered:
        return notice
    listed = "; ".join(f"“{without_carried_context(part)}”" for part in unanswered)
    return " ".join(filter(None, [notice, f"The documents do not answer {listed}"]))


def _fallback_notice(backend: str, draft: GroundedDraft) -> str:
    if draft.error:
        why = f"the {backend} model failed ({draft.error})"
    else:
        why = f"none of the {backend} model's sentences was supported by the documents"
    return f"Showing quoted sentences instead: {why}."


def _passage(doc: Document) -> Passage:
    return Passage(text=doc.page_content, **retrieval_metadata(doc))
