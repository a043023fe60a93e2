"""Train the learned support check on the replay set's tune part; write its coefficients.

``python -m evals.train_support --out rag/models/support/support-model.json`` builds, for every
sentence of every replayed tune reply, the (sentence, passages) pairs the answer chain checks —
its own citation and each candidate alone (re-citing) — labelled supported only for a faithful
sentence against exactly the candidates it was written from. Pairs a quote or a hard rule
decides never reach the model and are left out, and so are re-citing pairs the sentence is
plainly unrelated to (cosine under 0.5). A standardised logistic regression (scikit-learn) is
fitted and stored as JSON. ``--cv`` prints its pair-level AUC with each tune document held out.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from evals.replay import Case, cases, load_candidates, load_written
from rag.support_model import SUPPORT_MODEL_PATH, SupportModel
from rag.verification import SIGNALS, SupportChecker

Pair = tuple[str, str, tuple[int, ...]]  # question id, sentence, cited candidates (1-based)
MIN_RECITE_COSINE = 0.5  # re-citing pairs below this are easy negatives that swamp the rest


def labelled_pairs(selected: Sequence[Case]) -> dict[Pair, int]:
    """Every pair the chain may check for the replies, 1 where the sentence is supported."""
    labels: dict[Pair, int] = {}
    for case in selected:
        count = len(case.question.candidates)
        for sentence in case.sentences:
            faithful = sentence.error is None
            for n in range(1, count + 1):
                labels[(case.question.id, sentence.text, (n,))] = int(
                    faithful and sentence.support == (n,)
                )
            cited = tuple(n for n in sentence.cited if 1 <= n <= count)
            if cited:
                labels[(case.question.id, sentence.text, cited)] = int(
                    faithful and set(cited) == set(sentence.support)
                )
    return labels


def pair_signals(
    selected: Sequence[Case], checker: SupportChecker
) -> list[tuple[Pair, dict[str, float], int, str]]:
    """(pair, signals, label, document) for the pairs the learned check would decide."""
    labels = labelled_pairs(selected)
    candidates = {case.question.id: case.question for case in selected}
    cited = {(c.question.id, s.text, s.cited) for c in selected for s in c.sentences}
    keys = list(labels)
    texts = [(s, [candidates[q].candidates[n - 1] for n in ns]) for q, s, ns in keys]
    rows = []
    for key, signals in zip(keys, checker.signals_many(texts), strict=True):
        if signals is None or (key not in cited and signals["cosine"] < MIN_RECITE_COSINE):
            continue
        rows.append((key, signals, labels[key], candidates[key[0]].doc_id))
    return rows


def fit(rows: Sequence[tuple[Pair, dict[str, float], int, str]], threshold: float) -> SupportModel:
    """A standardised logistic regression over every signal."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([[signals[name] for name in SIGNALS] for _, signals, _, _ in rows])
    y = np.array([label for _, _, label, _ in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0  # a signal constant in training carries no weight anyway
    model = LogisticRegression(C=1.0, max_iter=2000).fit((x - mean) / scale, y)
    return SupportModel(features=SIGNALS, mean=tuple(mean), scale=tuple(scale),
                        coef=tuple(model.coef_[0]), intercept=float(model.intercept_[0]),
                        threshold=threshold)  # fmt: skip


def cross_validate(rows: Sequence[tuple[Pair, dict[str, float], int, str]]) -> dict[str, float]:
    """Pair-level AUC on each tune document, fitted on the others."""
    from sklearn.metrics import roc_auc_score

    aucs = {}
    for held in sorted({doc for *_, doc in rows}):
        model = fit([r for r in rows if r[3] != held], 0.5)
        test = [r for r in rows if r[3] == held]
        scores = [model.probability(signals) for _, signals, _, _ in test]
        aucs[held] = float(roc_auc_score([label for _, _, label, _ in test], scores))
    return aucs


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry: python -m evals.train_support --out FILE [--threshold T] [--cv]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SUPPORT_MODEL_PATH)
    parser.add_argument("--threshold", type=float, default=0.75)
    parser.add_argument("--cv", action="store_true", help="print leave-one-document-out AUC")
    parser.add_argument("--dump", type=Path, help="also write the pairs' signals here (JSON)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    from rag.embeddings import get_embeddings

    selected = cases(load_written(), load_candidates(), "tune")
    rows = pair_signals(selected, SupportChecker(get_embeddings(), model_path=None))
    print(f"{len(rows)} pairs, {sum(r[2] for r in rows)} supported")
    if args.dump:
        dump = [{"key": list(k), "signals": s, "label": y, "doc": d} for k, s, y, d in rows]
        args.dump.write_text(json.dumps(dump), encoding="utf-8")
    if args.cv:
        for doc, auc in cross_validate(rows).items():
            print(f"held out {doc}: AUC {auc:.3f}")
    model = fit(rows, args.threshold)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(model.model_dump_json(indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
