"""The labelled question corpus (corpus/): documents, questions, sentence labels, splits, checks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from evals.dataset import EvalItem
from ingest.load import load_document
from rag.sentences import Span, split_sentences

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
Split = Literal["train", "dev", "test"]
UNANSWERABLE_KINDS = ("other_entity", "missing_slot", "missing_agent_or_cause", "finer_detail")


class CorpusQuestion(BaseModel):
    """One corpus question: the eval schema plus its document, labels and provenance."""

    model_config = ConfigDict(extra="forbid")
    id: str
    doc_id: str
    category: Literal[
        "factual", "paraphrase_hard", "procedural", "multi_hop", "false_premise", "follow_up",
        "unanswerable",
    ]  # fmt: skip
    question: str
    answer: str
    evidence: list[str]
    answerable: bool
    history: list[dict[str, str]] = Field(default_factory=list)
    must_include: list[str]
    must_not_include: list[str]
    unanswerable_kind: str | None = None
    near_miss_of: str | None = None
    answer_sentences: list[int] = Field(default_factory=list)
    written_by: str
    checked_by: str | None = None
    check_note: str | None = None

    def as_eval_item(self) -> EvalItem:
        """The question in the eval runner's schema (procedural counts as factual there)."""
        category = "factual" if self.category == "procedural" else self.category
        return EvalItem.model_validate(
            {
                "id": self.id,
                "category": category,
                "question": self.question,
                "answer": self.answer,
                "evidence": self.evidence,
                "answerable": self.answerable,
                "history": self.history,
                "must_include": self.must_include,
                "must_not_include": self.must_not_include,
            }
        )


@dataclass(frozen=True)
class CorpusDocument:
    """One document of the corpus as recorded in its manifest."""

    doc_id: str
    file: str
    genre: str
    format: str
    licence: str
    sha256: str
    source: dict[str, str]
    language: str = "en"
    note: str = ""


def load_manifest(corpus_dir: Path = CORPUS_DIR) -> list[CorpusDocument]:
    """The documents listed in corpus/manifest.jsonl."""
    lines = (corpus_dir / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    return [CorpusDocument(**json.loads(line)) for line in lines if line.strip()]


def load_splits(corpus_dir: Path = CORPUS_DIR) -> dict[str, list[str]]:
    """Document ids per split (train / dev / test), drawn at random before writing questions."""
    data = json.loads((corpus_dir / "splits.json").read_text(encoding="utf-8"))
    return {name: list(data[name]) for name in ("train", "dev", "test")}


def load_questions(path: Path) -> list[CorpusQuestion]:
    """Read one document's question file (JSONL)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [CorpusQuestion.model_validate(json.loads(line)) for line in lines if line.strip()]


@cache
def document_text(path: Path) -> str:
    """The text ``ingest`` extracts from a corpus file (what evidence offsets refer to)."""
    return load_document(path).text


def answer_sentence_ids(text: str, evidence: list[str]) -> list[int]:
    """Ids (positions in the project's sentence split) of the sentences each evidence overlaps.

    A quote found at several places labels every one: a repeated sentence answers each time.
    """
    spans = _spans(text)
    ids: set[int] = set()
    for quote in evidence:
        start = text.find(quote)
        while quote and start >= 0:
            end = start + len(quote)
            ids.update(i for i, span in enumerate(spans) if span.start < end and start < span.end)
            start = text.find(quote, start + 1)
    return sorted(ids)


def question_file(doc_id: str, corpus_dir: Path = CORPUS_DIR) -> Path:
    """Where one document's questions live."""
    return corpus_dir / "questions" / f"{doc_id}.jsonl"


def split_documents(split: str, corpus_dir: Path = CORPUS_DIR) -> list[CorpusDocument]:
    """The documents of one split ('train', 'dev', 'test' or 'all'), in manifest order."""
    manifest = load_manifest(corpus_dir)
    if split == "all":
        return manifest
    wanted = set(load_splits(corpus_dir)[split])
    return [doc for doc in manifest if doc.doc_id in wanted]


@lru_cache(maxsize=4)
def _spans(text: str) -> list[Span]:
    return split_sentences(text)
