"""results.json: write a run's samples with what identifies the run, and read it back."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evals.metrics.base import Score
from evals.runner import SampleResult
from rag.answer_types import Answer
from rag.errors import GroundworkError


def run_info(question_sets: list[str], corpus_files: list[Path]) -> dict[str, Any]:
    """What a comparison must match: question sets and corpus files (by content), and when."""
    return {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "question_sets": sorted(set(question_sets)),
        "corpus": {path.name: file_digest(path) for path in corpus_files},
    }


def file_digest(path: Path) -> str:
    """The first 12 hex digits of a file's SHA-256 (a changed document changes it)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def sample_json(r: SampleResult) -> dict[str, Any]:
    """One sample as results.json stores it."""
    return {
        "id": r.id,
        "category": r.category,
        "backend": r.backend,
        "question_set": r.question_set,
        "question": r.question,
        "answerable": r.answerable,
        "answer": r.answer.model_dump() if r.answer else None,
        "metrics": {k: asdict(v) for k, v in r.scores.items()},
        "problems": r.problems,
        "sentences_shown": r.sentences_shown,
        "sentences_unsupported": r.sentences_unsupported,
        "tags": r.tags,
    }


def sample_from_json(data: dict[str, Any]) -> SampleResult:
    """A sample back from results.json; fields older files lack get their defaults."""
    answer = Answer.model_validate(data["answer"]) if data.get("answer") else None
    return SampleResult(
        id=str(data["id"]),
        category=str(data["category"]),
        backend=str(data["backend"]),
        question=str(data["question"]),
        # Older files did not record it; an unanswerable question is the one refusing counts for.
        answerable=bool(data.get("answerable", data.get("category") != "unanswerable")),
        answer=answer,
        scores={k: Score(v.get("value"), v.get("reason")) for k, v in data["metrics"].items()},
        problems=list(data.get("problems", [])),
        sentences_shown=int(data.get("sentences_shown", 0)),
        sentences_unsupported=int(data.get("sentences_unsupported", 0)),
        tags=dict(data.get("tags", {})),
        question_set=str(data.get("question_set", "")),
    )


def results_path(path: Path) -> Path:
    """``path`` itself, or the results.json inside it when it is a folder."""
    return path / "results.json" if path.is_dir() else path


def load_run(path: Path) -> tuple[dict[str, Any], list[SampleResult]]:
    """The run description (empty for files written before it was kept) and the samples."""
    file = results_path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        return dict(data.get("run", {})), [sample_from_json(s) for s in data["samples"]]
    except OSError as exc:
        raise GroundworkError(f"Cannot read eval results {file}: {exc.strerror or exc}") from exc
    except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as exc:
        raise GroundworkError(f"{file}: not an eval results.json ({exc!s:.80})") from exc
