"""The values an answer is made of: scored sentences, and the ``Answer`` callers get back.

``Answer`` is text with ``[n]`` markers, the quotes behind them and how it was made.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

REFUSAL_PREFIX = "The document does not say"


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
    context: str | None = None  # the sentence right before, when a reader needs it
    answers: float | None = None  # the answerability model's P(this answers the question)


def overlaps_any(sentence: ScoredSentence, others: Sequence[ScoredSentence]) -> bool:
    """Whether ``sentence`` shares text with any of ``others`` (a definition and its term, say)."""
    return any(
        o.doc_id == sentence.doc_id and o.start < sentence.end and sentence.start < o.end
        for o in others
    )


class Citation(BaseModel):
    """One numbered source span; ``quote`` is exactly ``document_text[start:end]``."""

    n: int
    source: str
    doc_id: str
    chunk_id: str
    start: int
    end: int
    quote: str


class Passage(BaseModel):
    """A retrieved chunk as shown in the answer details."""

    chunk_id: str
    source: str
    doc_id: str
    start: int
    end: int
    score: float
    text: str


class RemovedSentence(BaseModel):
    """A generated sentence hidden from the user because its citations did not support it."""

    sentence: str
    reason: str


class Answer(BaseModel):
    """What every backend returns to the CLI, the UI and the evals."""

    question: str
    answer: str
    refused: bool
    backend: str
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    removed: list[RemovedSentence] = Field(default_factory=list)
    fallback: bool = False
    notice: str | None = None
    standalone_question: str | None = None


@dataclass(frozen=True)
class Evidence:
    """What the answer stages draw on for one question, once retrieved, ranked and gated.

    ``parts`` holds the ranked sentences of each part of the question the documents answer (one
    part unless it is compound); ``ranked`` merges them, best of each part first; ``unanswered``
    lists the parts the gate refused.
    """

    question: str  # as asked, cleaned
    standalone: str  # made understandable without the conversation
    passages: list[Passage]
    ranked: list[ScoredSentence]
    parts: list[list[ScoredSentence]] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Reply:
    """What one answer stage (refuse, quote, generate, overview) made of the evidence."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    notice: str | None = None
    fallback: bool = False  # quoted because the model's answer could not be shown
    removed: list[RemovedSentence] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # the stage's own (generate, verify)
    streamed: bool = False  # its text was already yielded, sentence by sentence


def answer_from(
    evidence: Evidence, reply: Reply, backend: str, timings: dict[str, float]
) -> Answer:
    """The ``Answer`` callers get: the reply with the evidence it was drawn from."""
    standalone = evidence.standalone if evidence.standalone != evidence.question else None
    return Answer(question=evidence.question, answer=reply.text, refused=reply.refused,
                  backend=backend, citations=reply.citations, passages=evidence.passages,
                  timings_ms=timings, removed=reply.removed, fallback=reply.fallback,
                  notice=reply.notice, standalone_question=standalone)  # fmt: skip


def refusal_text(question: str) -> str:
    """The sentence shown when the documents do not support an answer."""
    del question  # the wording stays fixed so the UI and evals can recognise it
    return f"{REFUSAL_PREFIX} anything that answers this question."
