"""The answerability model: a cross-encoder that reads a question and a sentence together and
gives the probability that the sentence answers the question (trained on corpus/, see
evals/train_answerability.py). Loaded once per process from a local folder; never downloads."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from rag.errors import GroundworkError
from rag.settings import ANSWERABILITY_DIR

_LOCK = threading.Lock()


class AnswerabilityUnavailable(GroundworkError):
    """The model's folder is missing or unreadable; callers fall back to the old ranking."""


def candidate_text(sentence: str, previous: str | None) -> str:
    """What the model reads for a candidate: the sentence, then the one before it as context."""
    return f"{sentence} [context] {previous}" if previous else sentence


class AnswerabilityModel:
    """Scores (question, candidate) pairs: P(the candidate answers the question)."""

    def __init__(self, path: Path) -> None:
        if not (path / "config.json").is_file() or not (path / "model.safetensors").is_file():
            raise AnswerabilityUnavailable(
                f"The answerability model is missing from {path} (config.json, "
                "model.safetensors); answers fall back to similarity ranking."
            )
        import torch
        from sentence_transformers import CrossEncoder

        try:
            # Stored as fp16 to halve the file; read as fp32, which CPUs multiply much faster.
            self.model = CrossEncoder(str(path), num_labels=1, local_files_only=True,
                                      model_kwargs={"dtype": torch.float32})  # fmt: skip
        except (OSError, ValueError, RuntimeError) as exc:
            raise AnswerabilityUnavailable(
                f"The answerability model in {path} cannot be loaded ({type(exc).__name__}); "
                "answers fall back to similarity ranking."
            ) from exc

    def score(self, question: str, candidates: Sequence[str]) -> list[float]:
        """One probability per candidate, in order."""
        if not candidates:
            return []
        with _LOCK:  # torch inference from several Gradio workers at once only thrashes 2 cores
            scores = self.model.predict(
                [(question, c) for c in candidates], batch_size=32, show_progress_bar=False
            )
        return [float(s) for s in scores]


@cache
def load_answerability(path: Path = ANSWERABILITY_DIR) -> AnswerabilityModel:
    """The model at ``path``, loaded once per process (raises ``AnswerabilityUnavailable``)."""
    return AnswerabilityModel(path)
