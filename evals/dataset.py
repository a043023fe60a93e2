"""Eval question sets: JSONL, one question per line, validated field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rag.errors import GroundworkError

Category = Literal[
    "factual", "multi_hop", "paraphrase_hard", "unanswerable", "false_premise", "follow_up",
    "injection",
]  # fmt: skip
DATA_DIR = Path(__file__).resolve().parent / "data"


class Turn(BaseModel):
    """One earlier message of the conversation."""

    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str


class EvalItem(BaseModel):
    """One question with its gold answer, evidence and the strings that decide correctness."""

    model_config = ConfigDict(extra="forbid")
    id: str
    category: Category
    question: str
    answer: str
    evidence: list[str]
    answerable: bool
    history: list[Turn] = Field(default_factory=list)
    must_include: list[str]
    must_not_include: list[str]


def load_dataset(path: Path) -> list[EvalItem]:
    """Read and validate a JSONL question set; errors name the file and line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GroundworkError(f"Cannot read dataset {path}: {exc.strerror or exc}") from exc
    items: list[EvalItem] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(EvalItem.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()[0:3]
            raise GroundworkError(f"{path}:{number}: invalid question ({' '.join(first)})") from exc
    ids = [item.id for item in items]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise GroundworkError(f"{path}: duplicate ids {', '.join(duplicates)}")
    if not items:
        raise GroundworkError(f"{path}: no questions")
    return items


def missing_evidence(items: list[EvalItem], document_text: str) -> list[str]:
    """Evidence strings that are not exact substrings of the document, as 'id: text' lines."""
    return [
        f"{item.id}: {evidence[:60]!r}"
        for item in items
        for evidence in item.evidence
        if evidence not in document_text
    ]


def default_datasets() -> list[Path]:
    """The question sets shipped for the default article: dev first, then held-out test."""
    return [DATA_DIR / "article.dev.jsonl", DATA_DIR / "article.test.jsonl"]
