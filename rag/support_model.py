"""The learned support check: a logistic regression over the support checker's own signals.

Trained by ``evals/train_support.py`` on the replay set's tune part (and the article's support
pairs); stored as a small JSON file of coefficients (``rag/models/support/``, with its model
card), never a pickle. Without it the checker falls back to its word-level rules.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from rag.errors import GroundworkError

SUPPORT_MODEL_PATH = Path(__file__).resolve().parent / "models" / "support" / "support-model.json"


class SupportModelUnavailable(GroundworkError):
    """The coefficients file is missing or unreadable; the checker keeps its word-level rules."""


class SupportModel(BaseModel):
    """Coefficients of P(supported | signals): standardised signals, then a logistic."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    features: tuple[str, ...]
    mean: tuple[float, ...]  # standardisation, as fitted
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float  # supported from this probability on

    @model_validator(mode="after")
    def _same_lengths(self) -> SupportModel:
        sizes = {len(self.features), len(self.mean), len(self.scale), len(self.coef)}
        if len(sizes) != 1:
            raise ValueError("features, mean, scale and coef must have the same length")
        if any(s <= 0 for s in self.scale):
            raise ValueError("every scale must be positive")
        return self

    def probability(self, signals: Mapping[str, float]) -> float:
        """P(the cited passages support the sentence), from its signals."""
        z = self.intercept + sum(
            c * (signals[name] - m) / s
            for name, m, s, c in zip(self.features, self.mean, self.scale, self.coef, strict=True)
        )
        return 1 / (1 + math.exp(-max(min(z, 50.0), -50.0)))


def load_support_model(path: Path = SUPPORT_MODEL_PATH) -> SupportModel:
    """The model stored at ``path`` (raises ``SupportModelUnavailable`` in one line)."""
    fallback = "the support checker uses its word-level rules instead"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SupportModelUnavailable(
            f"The support model {path} cannot be read ({type(exc).__name__}); {fallback}."
        ) from None
    try:
        return SupportModel.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError) as exc:
        problem = type(exc).__name__
        raise SupportModelUnavailable(
            f"The support model {path} is not valid ({problem}); {fallback}."
        ) from None
