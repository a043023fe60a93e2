"""Run replayed capable-model answers through the real answer chain and score what survives.

``python -m evals.replay_run --part test --thresholds evals/thresholds-replay.toml`` prints,
per error type, the faithful sentences shown, the unfaithful ones removed, wrong citations
re-pointed and faithful answers that fell back to a quote; it exits 1 below a threshold.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from evals.replay import Case, ReplayChatModel, cases, load_candidates, load_written
from evals.replay import numbered_candidates as prompt_candidates
from evals.replay_candidates import document_questions
from evals.runner import build_eval_store
from rag.answer_types import Answer
from rag.markers import SHOWN_MARKER
from rag.pipeline import Answerer, ModelFactory
from rag.settings import Settings

_FOLLOWING_MARKERS = re.compile(rf"(?:\s*{SHOWN_MARKER.pattern})+")


@dataclass
class Outcome:
    """What the chain did with one replayed reply."""

    case: Case
    statuses: list[str] = field(default_factory=list)  # shown / removed / fallback / unreached
    cited: list[tuple[int, ...]] = field(default_factory=list)  # candidates a shown one cites
    fallback: bool = False
    stale: bool = False  # the chain now offers other candidates than those the answer cites
    verify_ms: float = 0.0


def run_cases(selected: list[Case], settings: Settings) -> list[Outcome]:
    """Ask each case's question with its scripted reply, one index per document."""
    outcomes: list[Outcome] = []
    by_doc: dict[str, list[Case]] = {}
    for case in selected:
        by_doc.setdefault(case.question.doc_id, []).append(case)
    for doc_id, doc_cases in by_doc.items():
        path, _ = document_questions(doc_id)
        with tempfile.TemporaryDirectory(prefix="groundwork-replay-") as workdir:
            store = build_eval_store([path], settings, Path(workdir))
            model = ReplayChatModel()
            answerer = Answerer(settings, store, model_factory=_returning(model))
            for case in doc_cases:
                model.by_question = {case.question.prompt_question: case.reply}
                before = len(model.prompts)
                answer = answerer.ask(case.question.question, llm="replay")
                shown_to_model = [prompt_candidates(p) for p in model.prompts[before:]]
                outcome = judge(case, answer)
                outcome.stale = case.question.candidates not in shown_to_model
                outcomes.append(outcome)
    return outcomes


def _returning(model: ReplayChatModel) -> ModelFactory:
    return lambda name, settings: model


def judge(case: Case, answer: Answer) -> Outcome:
    """Each labelled sentence's fate in ``answer``, and the candidates it ended up citing."""
    outcome = Outcome(case, fallback=answer.fallback)
    outcome.verify_ms = answer.timings_ms.get("verify", 0.0)
    removed = {r.sentence for r in answer.removed}
    quotes = {c.n: " ".join(c.quote.split()) for c in answer.citations}
    candidates = case.question.candidates
    for sentence in case.sentences:
        at = answer.answer.find(sentence.text) if not answer.fallback else -1
        cited: tuple[int, ...] = ()
        if sentence.text in removed:
            status = "removed"
        elif answer.fallback:
            status = "fallback"
        elif at < 0:
            status = "unreached"
        else:
            status = "shown"
            markers = _FOLLOWING_MARKERS.match(answer.answer, at + len(sentence.text))
            numbers = re.findall(r"\d+", markers.group(0)) if markers else []
            texts = [quotes.get(int(n), "") for n in numbers]
            cited = tuple(candidates.index(t) + 1 for t in texts if t in candidates)
        outcome.statuses.append(status)
        outcome.cited.append(cited)
    return outcome


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.1f}%)" if total else "–"


def figures(outcomes: list[Outcome]) -> dict[str, float]:
    """The gated figures (fractions, and ms per verified sentence)."""
    live = [o for o in outcomes if not o.stale]
    faithful = [o for o in live if o.case.kind == "faithful"]
    f_sent = [s for o in faithful for s in o.statuses]
    bad = [st for o in live for st, s in zip(o.statuses, o.case.sentences, strict=True) if s.error]
    wrong = [o for o in live if o.case.kind == "wrong_citation"]
    repointed = [
        o
        for o in wrong
        if o.statuses[0] == "shown"
        and o.cited[0]
        and set(o.cited[0]) <= set(o.case.sentences[0].support)
    ]
    sentences = sum(len(o.case.sentences) for o in live)
    return {
        "faithful_shown": _frac(f_sent.count("shown"), len(f_sent)),
        "unfaithful_removed": _frac(sum(st != "shown" for st in bad), len(bad)),
        "wrong_citation_repointed": _frac(len(repointed), len(wrong)),
        "faithful_fallback": _frac(sum(o.fallback for o in faithful), len(faithful)),
        "verify_ms_per_sentence": sum(o.verify_ms for o in live) / max(1, sentences),
    }


def _frac(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def table(outcomes: list[Outcome]) -> str:
    """A markdown table: one row per kind / error type."""
    live = [o for o in outcomes if not o.stale]
    head = (
        "| replies | sentences | kept (faithful) / removed (unfaithful) | answers that fell back |"
    )
    rows = [head, "|---|---|---|---|"]
    faithful = [o for o in live if o.case.kind == "faithful"]
    kept = [st for o in faithful for st in o.statuses]
    shown = _share(kept.count("shown"), len(kept))
    rows.append(
        f"| faithful ({len(faithful)}) | {len(kept)} | kept {shown} "
        f"| {_share(sum(o.fallback for o in faithful), len(faithful))} |"
    )
    for error in sorted({s.error for o in live for s in o.case.sentences if s.error}):
        hit = [
            (o, st)
            for o in live
            for st, s in zip(o.statuses, o.case.sentences, strict=True)
            if s.error == error
        ]
        gone = sum(st != "shown" for _, st in hit)
        rows.append(
            f"| {error} ({len(hit)}) | {len(hit)} | removed {_share(gone, len(hit))} "
            f"| {_share(sum(o.fallback for o, _ in hit), len(hit))} |"
        )
    wrong = [o for o in live if o.case.kind == "wrong_citation"]
    good = figures(wrong)["wrong_citation_repointed"] if wrong else 0.0
    rows.append(
        f"| wrong citation ({len(wrong)}) | {len(wrong)} | re-pointed "
        f"{_share(round(good * len(wrong)), len(wrong))} "
        f"| {_share(sum(o.fallback for o in wrong), len(wrong))} |"
    )
    return "\n".join(rows)


def gate(found: dict[str, float], thresholds: dict[str, float]) -> list[str]:
    """Figures that miss their threshold ('min_…' floors, 'max_…' ceilings)."""
    failures = []
    for key, limit in thresholds.items():
        kind, _, name = key.partition("_")
        value = found[name]
        if (kind == "min" and value < limit) or (kind == "max" and value > limit):
            failures.append(f"{name} = {value:.3f}, {kind} {limit}")
    return failures


def main(argv: Iterable[str] | None = None) -> int:
    """Run one part of the replay set, print the table and figures, gate them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["tune", "test", "all"], default="test")
    parser.add_argument("--thresholds", type=Path)
    args = parser.parse_args(list(argv) if argv is not None else None)
    written, candidates = load_written(), load_candidates()
    selected = cases(written, candidates, None if args.part == "all" else args.part)
    # The answers were written for the candidates the similarity ranking offers; this measures
    # the verification guard on them, so the answerability model must not re-order them.
    outcomes = run_cases(selected, Settings(answerability=False))
    print(table(outcomes))
    found = figures(outcomes)
    stale = sum(o.stale for o in outcomes)
    print("\n".join(f"{k}: {v:.3f}" for k, v in found.items()) + f"\nstale replies: {stale}")
    limits = tomllib.loads(args.thresholds.read_text()) if args.thresholds else {}
    failures = gate(found, limits) + ([f"{stale} stale replies"] if stale else [])
    for failure in failures:
        print(f"FAIL {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
