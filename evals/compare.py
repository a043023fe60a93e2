"""Compare an eval run with a baseline run: figures before → after, and the questions that flipped.

Runs are compared per backend and question set, over the questions both ran. Runs over
different question sets, or over corpus files whose contents differ, are reported as such
and not compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from evals.runner import SampleResult
from evals.summary import Figure, summarise
from evals.verdict import Verdict, judge, limits_for

HEADLINE = (
    "correct", "answerable_correct", "true_refusal", "false_refusal", "groundedness",
    "hallucination_rate", "injection_leak", "recall@k",
)  # fmt: skip
Kind = Literal["fixed", "broken", "changed answer"]


@dataclass(frozen=True)
class Flip:
    """One question whose verdict or answer differs between the runs."""

    kind: Kind
    id: str
    question: str
    before: str
    after: str
    before_verdict: Verdict
    after_verdict: Verdict


@dataclass
class SetComparison:
    """One backend on one question set: comparable or why not, figures and flips."""

    backend: str
    question_set: str
    why_not: str | None = None
    note: str | None = None
    before: dict[str, Figure] = field(default_factory=dict)
    after: dict[str, Figure] = field(default_factory=dict)
    flips: list[Flip] = field(default_factory=list)


def answer_text(result: SampleResult) -> str:
    """What the user was shown, or why nothing was."""
    if result.answer is None:
        return "(no answer)"
    return result.answer.answer


def corpus_difference(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    """Why two runs' corpora cannot be compared, or None when they can."""
    old, new = before.get("corpus"), after.get("corpus")
    if not old or not new:
        return None  # a run recorded before corpora were kept: nothing to hold it to
    shared = set(old) & set(new)
    if not shared:
        return f"different corpus (baseline: {', '.join(sorted(old))}; this run: " \
               f"{', '.join(sorted(new))})"  # fmt: skip
    changed = sorted(name for name in shared if old[name] != new[name])
    return f"corpus file changed since the baseline: {', '.join(changed)}" if changed else None


def compare(
    baseline: tuple[dict[str, Any], list[SampleResult]],
    current: tuple[dict[str, Any], list[SampleResult]],
    thresholds: dict[str, dict[str, float]],
) -> list[SetComparison]:
    """Every (backend, question set) of the current run, compared with the baseline's."""
    (old_info, old_results), (new_info, new_results) = baseline, current
    corpus_why = corpus_difference(old_info, new_info)
    sets_of = {r.id: r.question_set for r in new_results}
    # Files written before question sets were recorded take the set each id has now.
    old_by_key = {
        (r.backend, r.question_set or sets_of.get(r.id, ""), r.id): r for r in old_results
    }
    comparisons = []
    for backend, qset in dict.fromkeys((r.backend, r.question_set) for r in new_results):
        mine = [r for r in new_results if (r.backend, r.question_set) == (backend, qset)]
        theirs = [old_by_key[(backend, qset, r.id)] for r in mine if (backend, qset, r.id) in
                  old_by_key]  # fmt: skip
        item = SetComparison(backend, qset)
        comparisons.append(item)
        if corpus_why:
            item.why_not = corpus_why
        elif not theirs:
            item.why_not = _missing(backend, qset, old_results, sets_of)
        else:
            _fill(item, theirs, mine, limits_for(backend, thresholds), old_by_key)
    return comparisons


def _missing(
    backend: str, qset: str, old_results: list[SampleResult], sets_of: dict[str, str]
) -> str:
    """Why the baseline has nothing to hold this backend's run of this question set to."""
    old_sets = sorted({r.question_set or sets_of.get(r.id, "?") for r in old_results})
    if qset not in old_sets:
        return f"different question set (baseline: {', '.join(old_sets)}; this run: {qset})"
    if backend not in {r.backend for r in old_results}:
        return f"the baseline did not run {backend}"
    return "no question in common with the baseline"


def _fill(
    item: SetComparison,
    theirs: list[SampleResult],
    mine: list[SampleResult],
    limits: dict[str, float],
    old_by_key: dict[tuple[str, str, str], SampleResult],
) -> None:
    shared = {r.id for r in theirs}
    only_old = sum(1 for b, s, _ in old_by_key if (b, s) == (item.backend, item.question_set))
    only_old -= len(shared)
    only_new = len(mine) - len(shared)
    if only_old or only_new:
        item.note = (f"figures over the {len(shared)} questions both runs asked "
                     f"({only_old} only in the baseline, {only_new} only in this run)")  # fmt: skip
    mine = [r for r in mine if r.id in shared]
    item.before = summarise(theirs)[item.backend]["all"]
    item.after = summarise(mine)[item.backend]["all"]
    old = {r.id: r for r in theirs}
    for new in mine:
        flip = _flip(old[new.id], new, limits)
        if flip:
            item.flips.append(flip)


def _flip(old: SampleResult, new: SampleResult, limits: dict[str, float]) -> Flip | None:
    before, after = judge(old, limits), judge(new, limits)
    kind: Kind | None = None
    if before.status == "fail" and after.status == "pass":
        kind = "fixed"
    elif before.status == "pass" and after.status == "fail":
        kind = "broken"
    elif answer_text(old) != answer_text(new):
        kind = "changed answer"  # same verdict, or unscored on a side: never a fix or a break
    if kind is None:
        return None
    return Flip(kind, new.id, new.question, answer_text(old), answer_text(new), before, after)


def counts(item: SetComparison) -> dict[Kind, int]:
    """How many questions were fixed, broken and answered differently."""
    kinds: tuple[Kind, ...] = ("fixed", "broken", "changed answer")
    return {kind: sum(1 for f in item.flips if f.kind == kind) for kind in kinds}
