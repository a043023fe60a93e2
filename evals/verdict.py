"""Pass or fail for one question, judged by the metrics (and bounds) its backend is gated on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from evals.metrics.base import Score, unscored
from evals.runner import SampleResult

Status = Literal["pass", "fail", "unscored"]
# A backend gated on nothing (the naive baseline) is judged by correctness alone.
UNGATED = {"correct_min": 1.0}


@dataclass(frozen=True)
class Verdict:
    """The question's status and, per gated metric that failed, why."""

    status: Status
    failed: list[str] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)


def limits_for(backend: str, thresholds: dict[str, dict[str, float]]) -> dict[str, float]:
    """The gate's bounds for ``backend``, as ``gate`` picks them (its section, else default)."""
    return thresholds.get(backend, thresholds.get("default", {})) or UNGATED


def sample_score(result: SampleResult, metric: str) -> Score:
    """One question's own value of a metric the summary pools differently."""
    if metric == "hallucination_rate":
        shown = result.sentences_shown
        if not shown:
            return unscored("no sentence shown")
        return Score(result.sentences_unsupported / shown, f"{result.sentences_unsupported} of "
                     f"{shown} shown sentences unsupported")  # fmt: skip
    if metric == "answerable_correct":
        if not result.answerable:
            return unscored("unanswerable question")
        return result.scores.get("correct", unscored("not computed"))
    if metric == "sentences_per_answer":
        return Score(float(result.sentences_shown))
    return result.scores.get(metric, unscored("not computed"))


def judge(result: SampleResult, limits: dict[str, float]) -> Verdict:
    """Fail if any gated metric scored on this question misses its bound; unscored if none was.

    A question cannot meet a share by itself, so a bound is met the way the gate reads it:
    ``correct_min = 0.72`` needs this question correct (1.0 ≥ 0.72), ``groundedness_min = 1.0``
    needs every sentence supported.
    """
    failed, missing, scored = [], [], 0
    for key, limit in limits.items():
        metric, _, bound = key.rpartition("_")
        score = sample_score(result, metric)
        if score.value is None:
            missing.append(f"{metric}: {score.reason or 'unscored'}")
            continue
        scored += 1
        if (bound == "min" and score.value < limit) or (bound == "max" and score.value > limit):
            why = f" ({score.reason})" if score.reason else ""
            failed.append(f"{metric} = {score.value:.2f} misses the {bound} of {limit}{why}")
    if failed:
        return Verdict("fail", failed, missing)
    return Verdict("pass" if scored else "unscored", [], missing)
