"""Score a real model's hand-labelled answers under today's guard (no model is run).

``python -m evals.real_model_score evals/data/replay/real-smollm2.jsonl`` replays each stored
raw reply through the guard (``evals.real_model.regrade``) and prints, per label, the sentences
kept or removed and the answers that fell back to a quote, then the figures; ``--store`` writes
them into the file's first line (the figures the README quotes, and the tests check).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import ValidationError

from evals.real_model import (
    LABELS,
    Graded,
    Judged,
    RealAnswer,
    RealSentence,
    default_checker,
    load,
    regrade,
    save,
)

TIMINGS = ("verify_ms_per_sentence", "verify_cpu_ms_per_sentence")  # vary from run to run
COUNTS = ("answers", "sentences", "unreached", "faithful", "unfaithful", "no_claim", "re_pointed")


def labelled(answer: RealAnswer, graded: Graded) -> list[tuple[Judged, RealSentence]]:
    """Each judged sentence with its hand label (matched by text)."""
    by_text = {s.text: s for s in answer.sentences}
    missing = [j.text for j in graded.sentences if j.text not in by_text]
    if missing:
        raise ValueError(f"{answer.id}: sentence not in the file: {missing[0]!r}")
    unlabelled = [j.text for j in graded.sentences if by_text[j.text].label is None]
    if unlabelled:
        raise ValueError(f"{answer.id}: sentence not labelled: {unlabelled[0]!r}")
    return [(j, by_text[j.text]) for j in graded.sentences]


def distinct(pairs: list[tuple[Judged, RealSentence]]) -> list[tuple[Judged, RealSentence]]:
    """One entry per sentence text, as its most favourable fate: a sentence the model repeats
    counts once, shown if any copy was ("repeats itself" removes the later copies)."""
    rank = {"kept": 0, "re-pointed": 0, "removed": 1, "unreached": 2}
    best: dict[str, tuple[Judged, RealSentence]] = {}
    for judged, label in pairs:
        seen = best.get(judged.text)
        if seen is None or rank[judged.fate] < rank[seen[0].fate]:
            best[judged.text] = (judged, label)
    return list(best.values())


def _shown(judged: Judged) -> bool:
    return judged.fate in ("kept", "re-pointed")


def _frac(hits: int, total: int) -> float:
    return hits / total if total else 0.0


def _removed(judged: list[Judged]) -> float:
    return _frac(sum(not _shown(j) for j in judged), len(judged))


def figures(answers: Sequence[RealAnswer], graded: Sequence[Graded]) -> dict[str, float]:
    """Counts and shares: labelled sentences kept or removed, answers whole / partly / quoted."""
    pairs = [distinct(labelled(a, g)) for a, g in zip(answers, graded, strict=True)]
    read = [(j, s) for p in pairs for j, s in p if j.fate != "unreached"]
    of = {label: [j for j, s in read if s.label == label] for label in LABELS}
    moved = [(j, s) for j, s in read if j.fate == "re-pointed"]
    right = [j for j, s in moved if s.label == "faithful" and set(j.cited) <= set(s.support)]
    faithful = [g for p, g in zip(pairs, graded, strict=True) if _all_faithful(p)]
    removed = [any(j.fate == "removed" for j, _ in p) for p in pairs]
    whole = sum(not g.fallback and not r for g, r in zip(graded, removed, strict=True))
    n, checked = len(graded), sum(j.fate != "unreached" for g in graded for j in g.sentences)
    return {
        "answers": n,
        "sentences": sum(len(p) for p in pairs),
        "unreached": sum(j.fate == "unreached" for p in pairs for j, _ in p),
        "faithful": len(of["faithful"]),
        "faithful_kept": _frac(sum(map(_shown, of["faithful"])), len(of["faithful"])),
        "unfaithful": len(of["unfaithful"]),
        "unfaithful_removed": _removed(of["unfaithful"]),
        "no_claim": len(of["no_claim"]),
        "no_claim_removed": _removed(of["no_claim"]),
        "re_pointed": len(moved),
        "re_pointed_to_support": _frac(len(right), len(moved)),
        "answers_whole": _frac(whole, n),
        "answers_partly": _frac(n - whole - sum(g.fallback for g in graded), n),
        "answers_fallback": _frac(sum(g.fallback for g in graded), n),
        "answers_all_faithful": _frac(len(faithful), n),
        "all_faithful_fallback": _frac(sum(g.fallback for g in faithful), len(faithful)),
        # Per sentence the guard read, repeats included: each copy is checked.
        "verify_ms_per_sentence": sum(g.verify_ms for g in graded) / max(1, checked),
        "verify_cpu_ms_per_sentence": sum(g.cpu_ms for g in graded) / max(1, checked),
    }


def _all_faithful(pairs: list[tuple[Judged, RealSentence]]) -> bool:
    return bool(pairs) and all(s.label == "faithful" for _, s in pairs)


def _share(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.1f}%)" if total else "–"


def table(answers: Sequence[RealAnswer], graded: Sequence[Graded]) -> str:
    """A markdown table in the replay table's columns, one row per label."""
    rows = ["| model sentences | sentences | kept / removed | answers falling back to a quote |",
            "|---|---|---|---|"]  # fmt: skip
    pairs = [distinct(labelled(a, g)) for a, g in zip(answers, graded, strict=True)]
    for label, verb in (("faithful", "kept"), ("unfaithful", "removed"), ("no_claim", "removed")):
        read = [j for p in pairs for j, s in p if s.label == label and j.fate != "unreached"]
        hits = sum(_shown(j) == (verb == "kept") for j in read)
        # Faithful: answers the model got wholly right; otherwise: answers holding such a one.
        holding = [
            g
            for p, g in zip(pairs, graded, strict=True)
            if (_all_faithful(p) if label == "faithful" else any(s.label == label for _, s in p))
        ]
        fell = _share(sum(g.fallback for g in holding), len(holding))
        rows.append(f"| {label} | {len(read)} | {verb} {_share(hits, len(read))} | {fell} |")
    return "\n".join(rows)


def main(argv: Iterable[str] | None = None) -> int:
    """Re-score a labelled file; print the table and the figures (``--store``: keep them)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--store", action="store_true", help="write the figures into the file")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        run, answers = load(args.path)
        checker = default_checker()
        graded = [regrade(a, checker) for a in answers]
        found = figures(answers, graded)
        rows = table(answers, graded)
    except (OSError, ValueError, ValidationError) as exc:
        print(f"error: {' '.join(str(exc).split())[:300]}", file=sys.stderr)
        return 2
    print(f"{run.model} (sha256 {run.sha256[:12]}…), llama-cpp-python {run.llama_cpp}")
    print(rows)
    print("\n".join(f"{k}: {v:.0f}" if k in COUNTS else f"{k}: {v:.3f}" for k, v in found.items()))
    if args.store:
        save(args.path, run.model_copy(update={"figures": found}), answers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
