"""Correctness: the key facts are there, no betraying string is, and token F1 to the gold answer."""

from __future__ import annotations

import re
from collections import Counter

from evals.metrics.base import Score
from rag.answer_types import Answer
from rag.markers import without_shown_markers
from rag.text import NUMBER_WORDS, words


def normalise(text: str) -> str:
    """Lower-case, numbers as digits ('twelve' -> '12', '2,500' -> '2500'), quotes unified."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"[–—-]", " ", text)
    return re.sub(
        r"\b[a-z]+\b",
        lambda m: NUMBER_WORDS.get(m.group(0), m.group(0)) if m.group(0) != "one" else "one",
        text,
    )


def _contains(haystack: str, needle: str) -> bool:
    pattern = r"(?<![a-z0-9])" + re.escape(normalise(needle).strip()) + r"(?![a-z0-9])"
    return re.search(pattern, normalise(haystack)) is not None


def key_facts(answer: Answer, must_include: list[str], must_not_include: list[str]) -> Score:
    """1 when every required fact is present and no forbidden string appears, else 0."""
    text = answer.answer
    missing = [fact for fact in must_include if not _contains(text, fact)]
    betrayed = [bad for bad in must_not_include if _contains(text, bad)]
    if missing or betrayed:
        reasons = [f"missing {m!r}" for m in missing] + [f"contains {b!r}" for b in betrayed]
        return Score(0.0, "; ".join(reasons))
    return Score(1.0)


def _answer_body(text: str) -> str:
    return without_shown_markers(text)


def token_f1(answer: Answer, gold: str) -> Score:
    """Harmonic mean of token precision and recall against the gold answer."""
    predicted = Counter(words(normalise(_answer_body(answer.answer))))
    reference = Counter(words(normalise(gold)))
    common = sum((predicted & reference).values())
    if not predicted or not reference or not common:
        return Score(0.0)
    precision = common / sum(predicted.values())
    recall = common / sum(reference.values())
    return Score(2 * precision * recall / (precision + recall))
