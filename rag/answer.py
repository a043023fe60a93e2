"""The shape of an answer: text with ``[n]`` markers, the quotes behind them, how it was made."""

from __future__ import annotations

from pydantic import BaseModel, Field

REFUSAL_PREFIX = "The document does not say"


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


def refusal_text(question: str) -> str:
    """The sentence shown when the documents do not support an answer."""
    del question  # the wording stays fixed so the UI and evals can recognise it
    return f"{REFUSAL_PREFIX} anything that answers this question."
