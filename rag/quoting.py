"""The quote stage: the best sentences, verbatim, with the sentence any of them points back to.

A compound question gets the best sentences of each part it asks; a part the documents do not
answer is named in the notice instead of being guessed.
"""

from __future__ import annotations

import re

from rag.answer_types import Evidence, Reply, ScoredSentence, overlaps_any
from rag.citations import quote_answer
from rag.question import without_carried_context
from rag.text import points_back


def quote(evidence: Evidence, limit: int, notice: str | None = None) -> Reply:
    """The best sentences verbatim, each with its citation; the best of each part if compound.

    Given a ``notice`` (why a model's answer is not shown), the reply is a fallback.
    """
    fallback = notice is not None
    if len(evidence.parts) + len(evidence.unanswered) > 1:
        chosen = best_of_each(evidence.parts, limit)
        notice = unanswered_notice(evidence.unanswered, notice)
    else:
        chosen = select_sentences(evidence.ranked, limit)
    text, citations = quote_answer(with_antecedents(chosen, evidence.ranked))
    return Reply(text, citations, notice=notice, fallback=fallback)


def unanswered_notice(unanswered: list[str], notice: str | None) -> str | None:
    """``notice`` plus a sentence naming the parts of the question the documents do not answer."""
    if not unanswered:
        return notice
    listed = "; ".join(f"“{without_carried_context(part)}”" for part in unanswered)
    return " ".join(filter(None, [notice, f"The documents do not answer {listed}"]))


def select_sentences(ranked: list[ScoredSentence], limit: int) -> list[ScoredSentence]:
    """The best sentence plus close runners-up, in document order."""
    if not ranked:
        return []
    best = ranked[0]
    chosen = [best]
    # Only the very next one can join: after a re-ordering, a later sentence with a close score
    # was judged less likely to answer than one that did not qualify.
    for candidate in ranked[1:limit]:
        if candidate.score >= 0.85 * best.score and candidate.text != best.text:
            chosen.append(candidate)
    return sorted(chosen, key=lambda s: (s.doc_id, s.start))


def best_of_each(parts: list[list[ScoredSentence]], limit: int) -> list[ScoredSentence]:
    """The best sentences of each part, in document order.

    A part whose best sentence an earlier part already quotes adds nothing: its runners-up were
    never good enough on their own.
    """
    chosen: list[ScoredSentence] = []
    for ranked in parts:
        if not ranked or overlaps_any(ranked[0], chosen):
            continue
        fresh = [s for s in ranked if not overlaps_any(s, chosen)]
        chosen.extend(select_sentences(fresh, limit))
    return sorted(chosen, key=lambda s: (s.doc_id, s.start))


# "“No,” she added." names its speaker only in the sentence before.
_PRONOUN_SPEAKER = re.compile(r"[”\"’']\s*,?\s*(he|she|they)\s+[a-z]+\b")


def needs_antecedent(text: str) -> bool:
    """Whether a sentence opens by pointing back (It, This, “...,” she added) and cannot stand."""
    return points_back(text) or bool(_PRONOUN_SPEAKER.search(text))


def with_antecedents(
    chosen: list[ScoredSentence], ranked: list[ScoredSentence]
) -> list[ScoredSentence]:
    """``chosen`` plus, before any sentence that points back, the sentence it points back to."""
    result: list[ScoredSentence] = []
    for sentence in chosen:
        before = [
            s for s in ranked if s.doc_id == sentence.doc_id and 0 <= sentence.start - s.end <= 3
        ]
        if needs_antecedent(sentence.text) and before and not overlaps_any(before[0], result):
            result.append(before[0])
        if not overlaps_any(sentence, result):
            result.append(sentence)
    return sorted(result, key=lambda s: (s.doc_id, s.start))
