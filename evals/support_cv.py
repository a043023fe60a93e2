"""The learned support check judged the way the chain uses it: replies replayed through the
real generation step, each tune document scored by coefficients fitted without it.

``python -m evals.train_support --cv`` prints, per tune document held out, what
``evals.replay_run`` prints for a whole run (faithful kept, unfaithful removed per error type,
wrong citations re-pointed, faithful answers falling back) with the coefficients fitted on the
other tune documents plus the always-trained support pairs. What the rules find for a pair
does not depend on the coefficients, so it is assessed once (``CachedChecker``) and each fold
only re-decides; the generation step itself (``rag.generation.write_grounded``: citation
parsing, re-citing, removal) runs for every reply, as in the chain.
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterable, Sequence

from evals.replay import Case, ReplayChatModel
from evals.replay_run import Outcome, judge
from rag.answer_types import Answer, ScoredSentence
from rag.generation import GroundedDraft, write_grounded
from rag.verification import Assessment, SupportChecker, SupportVerdict

Key = tuple[str, tuple[str, ...]]  # sentence, passages


class CachedChecker:
    """A support check that assesses each (sentence, passages) pair once with ``base`` and
    decides with ``decider`` (whose coefficients may change between folds)."""

    def __init__(self, base: SupportChecker, decider: SupportChecker) -> None:
        self.base = base
        self.decider = decider
        self.cache: dict[Key, Assessment] = {}
        self.cpu_s = 0.0  # process time spent assessing (embedding and rules)

    @property
    def max_new_terms(self) -> int | None:
        """As the deciding checker: None once it has coefficients."""
        return self.decider.max_new_terms

    def warm(self, pairs: Iterable[tuple[str, Sequence[str]]]) -> None:
        """Assess every new pair in one batch."""
        keys = [(s, tuple(p)) for s, p in pairs]
        missing = [key for key in dict.fromkeys(keys) if key not in self.cache]
        if missing:
            started = time.process_time()
            self.cache.update(zip(missing, self.base.assess_many(missing), strict=True))
            self.cpu_s += time.process_time() - started

    def assessment(self, sentence: str, passages: Sequence[str]) -> Assessment:
        """What the rules found for one pair (assessed now if new)."""
        self.warm([(sentence, passages)])
        return self.cache[(sentence, tuple(passages))]

    def check(self, sentence: str, passages: Sequence[str]) -> SupportVerdict:
        """The deciding checker's verdict on one pair."""
        return self.check_many([(sentence, passages)])[0]

    def check_many(self, pairs: Iterable[tuple[str, Sequence[str]]]) -> list[SupportVerdict]:
        """The deciding checker's verdicts, assessing new pairs in one batch."""
        pairs = list(pairs)
        self.warm(pairs)
        return [self.decider.decide(self.cache[(s, tuple(p))]) for s, p in pairs]


def chain_pairs(selected: Sequence[Case]) -> list[tuple[str, list[str]]]:
    """Every pair the generation step may check: each sentence against its own citation and
    against each candidate alone (re-citing)."""
    pairs = []
    for case in selected:
        candidates = case.question.candidates
        for sentence in case.sentences:
            cited = [n for n in sentence.cited if 1 <= n <= len(candidates)]
            if cited:
                pairs.append((sentence.text, [candidates[n - 1] for n in cited]))
            pairs += [(sentence.text, [text]) for text in candidates]
    return pairs


def replay_generation(selected: Sequence[Case], checker: CachedChecker) -> list[Outcome]:
    """Each reply through ``write_grounded`` with ``checker``, judged as ``replay_run`` does."""
    outcomes = []
    for case in selected:
        question = case.question
        model = ReplayChatModel(by_question={question.prompt_question: case.reply})
        shown = [_scored(question.doc_id, n, text) for n, text in enumerate(question.candidates)]
        draft = _result(write_grounded(model, question.prompt_question, shown, checker, 600.0))
        answer = Answer(
            question=question.question,
            answer=" ".join(draft.shown),
            refused=False,
            backend="replay",
            citations=draft.citations,
            removed=draft.removed,
            fallback=not draft.shown,
            timings_ms=draft.timings_ms,
        )
        outcomes.append(judge(case, answer))
    return outcomes


def _scored(doc_id: str, n: int, text: str) -> ScoredSentence:
    return ScoredSentence(doc_id=doc_id, source=doc_id, chunk_id=f"{doc_id}:{n}", start=n,
                          end=n + 1, text=text, dense=0.5, lexical=0.5, score=0.5)  # fmt: skip


def _result(stream: Generator[str, None, GroundedDraft]) -> GroundedDraft:
    while True:
        try:
            next(stream)
        except StopIteration as stop:
            return stop.value
