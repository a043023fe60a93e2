"""The answer pipeline: the stages a question goes through, in order, in one place.

``Answerer.stream`` reads as the stage list; each stage lives in a module named for it and
passes plain values (``rag/answer_types.py``), so one can be replaced without touching the
others:

    clean once              rag/question.py     ``clean_question``
    whole-document?         rag/overview.py     ``plan_overview``, then ``answer_overview``
    standalone              rag/question.py     ``standalone_question`` (rag/followup.py)
    parts                   rag/question.py     ``question_parts``
    retrieve (each part)    rag/retrieval.py    ``ChunkRetriever.search``
    rank (each part)        rag/ranking.py      ``SentenceRanker.rank`` (and ``.rerank``, the
                                                answerability model, rag/rerank.py)
    gate (each part)        rag/gate.py         ``RelevanceGate`` (rag/standout.py)
    answer                  refuse, quote (rag/quoting.py) or generate (rag/model_answer.py)
    verify, cite            rag/generation.py + rag/verification.py, sentence by sentence as
                            a model writes; rag/citations.py for quotes
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator, Iterator, Sequence

from langchain_core.language_models import BaseChatModel

from rag.answer_types import Answer, Evidence, Reply, answer_from, refusal_text
from rag.backends import get_backend, get_chat_model
from rag.errors import EmptyIndex
from rag.gate import RelevanceGate
from rag.generation import SupportCheck
from rag.model_answer import Writer, write_answer
from rag.overview import answer_overview, plan_overview
from rag.question import (
    Turn,
    clean_question,
    only_instructions,
    question_parts,
    standalone_question,
    without_instructions,
)
from rag.quoting import quote
from rag.ranking import PartEvidence, SentenceRanker, gather
from rag.rerank import Reranker, RerankerSource
from rag.retrieval import ChunkRetriever
from rag.settings import Settings
from rag.standout import TopicBaseline
from rag.store import Store
from rag.timing import Stopwatch

ModelFactory = Callable[[str, Settings], BaseChatModel]


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
        self.ranker = SentenceRanker(store, self.retriever, settings.answerability_nearest)
        baseline = TopicBaseline(store, settings.standout_min_sentences)
        self.gate = RelevanceGate(settings.refusal_threshold, settings.standout_margin, baseline)
        self.rerankers = RerankerSource(settings.answerability_model,
            settings.answerability_candidates, settings.answerability_threshold,
            settings.answerability_weight)  # fmt: skip
        self._model_factory = model_factory
        self._models: dict[str, BaseChatModel] = {}
        self._checker = checker
        self._lock = threading.Lock()

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
        backend = llm or self.settings.llm
        writer = self.writer(backend)  # None: the backend quotes, no model writes
        watch = Stopwatch()
        asked = clean_question(question, self.settings.max_question_chars)  # clean, once
        plain = without_instructions(asked)
        plan = plan_overview(self.store, plain)
        if plan is not None:  # "summarise the article": there is no best passage to look for
            watch.mark("plan")
            evidence = Evidence(asked, asked, [], plan.leads)
            reply = yield from answer_overview(plan, plain, writer, self.settings)
        else:
            self._require_documents()
            watch.mark("validate")
            with watch.lap("rewrite"):
                standalone = standalone_question(plain, history, writer.model if writer else None)
            found = [self._find(part, k, watch) for part in question_parts(standalone)]
            evidence = gather(asked, standalone, found)
            reply = yield from self._reply(evidence, writer)  # refuse, quote, or write + verify
        if not reply.streamed:
            yield reply.text
        yield answer_from(evidence, reply, backend, watch.total(reply.timings))

    def _find(self, part: str, k: int | None, watch: Stopwatch) -> PartEvidence:
        """Retrieve, rank and gate one part of the question; no sentences when refused."""
        k = k or self.settings.top_k
        with watch.lap("retrieve"):
            reranker = self.reranker()
            # The model reads more than the top k chunks (docs/answerability-model.md).
            wide = max(k, self.settings.answerability_chunks) if reranker else k
            found = self.retriever.search(part, wide)
        with watch.lap("rank"):
            query_vector = self.store.embeddings.embed_query(part)
            ranked = self.ranker.rank(part, query_vector, found[:k])
            admitted = self.gate.admits(ranked, query_vector)
            if reranker is not None and admitted:
                ranked = self.ranker.rerank(reranker, part, query_vector, found)
                admitted = self.gate.model_admits(reranker, ranked)
        return PartEvidence(part, found[:k], ranked if admitted else [])

    def _reply(self, evidence: Evidence, writer: Writer | None) -> Generator[str, None, Reply]:
        """Refuse, quote, or have the model write (streaming what passes verification)."""
        if not evidence.ranked or only_instructions(evidence.question):
            return Reply(refusal_text(evidence.question), refused=True)
        if writer is None:
            return quote(evidence, self.settings.max_answer_sentences)
        return (yield from write_answer(evidence, writer, self.settings))

    def _require_documents(self) -> None:
        if not self.store.document_ids():
            raise EmptyIndex("No documents are ingested yet; run `groundwork ingest` first.")

    # --- what the stages need, built once and shared by all requests ---------------------------

    def writer(self, backend: str) -> Writer | None:
        """Who writes answers for ``backend``: its model and the checker; None if it quotes."""
        if not get_backend(backend).uses_model:
            return None
        return Writer(backend, self.chat_model(backend), self.checker(),
                      self.settings.llm_timeout_s)  # fmt: skip

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
