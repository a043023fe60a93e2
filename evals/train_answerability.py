"""Train the answerability cross-encoder from the corpus's train split; report dev metrics."""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from evals.answerability_data import Pair, split_pairs


def dev_metrics(pairs: list[Pair], scores: list[float]) -> dict[str, float]:
    """Ranking and refusal figures: model vs MiniLM cosine order, per question."""
    by_question: dict[str, list[tuple[Pair, float]]] = defaultdict(list)
    for pair, score in zip(pairs, scores, strict=True):
        by_question[pair.question_id].append((pair, score))
    answerable = [v for v in by_question.values() if any(p.label for p, _ in v)]
    unanswerable = [v for v in by_question.values() if not any(p.label for p, _ in v)]
    model_top1 = np.mean([max(v, key=lambda x: x[1])[0].label for v in answerable])
    cosine_top1 = np.mean([min(v, key=lambda x: x[0].rank)[0].label for v in answerable])
    best = [max(s for _, s in v) for v in answerable]
    none = [max(s for _, s in v) for v in unanswerable]
    auc = float(np.mean([[a > u for u in none] for a in best])) if best and none else float("nan")
    return {
        "questions_with_gold_in_candidates": float(len(answerable)),
        "questions_without": float(len(unanswerable)),
        "top1_model": float(model_top1),
        "top1_cosine": float(cosine_top1),
        "refusal_auc": auc,
    }


def train(args: argparse.Namespace) -> None:
    """Build pairs, fine-tune MiniLM as a cross-encoder, save it, print dev metrics."""
    import torch
    from sentence_transformers import CrossEncoder, InputExample
    from torch.utils.data import DataLoader

    from rag.embeddings import packaged_model_path

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    started = time.perf_counter()
    train_pairs = split_pairs("train", args.candidates)
    dev_pairs = split_pairs("dev", args.candidates, keep_gold=False)
    positives = sum(p.label for p in train_pairs)
    print(f"pairs: train {len(train_pairs)} ({positives:.0f} positive), dev {len(dev_pairs)}")
    model = CrossEncoder(str(packaged_model_path()), num_labels=1, max_length=args.max_length)
    examples = [InputExample(texts=[p.question, p.candidate], label=p.label) for p in train_pairs]
    # A list is a map-style dataset; DataLoader's stubs only name Dataset.
    loader = DataLoader(examples, shuffle=True, batch_size=args.batch_size)  # type: ignore[arg-type,var-annotated]
    steps = len(loader) * args.epochs
    model.old_fit(
        loader, epochs=args.epochs, warmup_steps=steps // 10, show_progress_bar=False,
        optimizer_params={"lr": args.lr},
    )  # fmt: skip
    print(f"trained in {time.perf_counter() - started:.0f} s")
    scores = model.predict([(p.question, p.candidate) for p in dev_pairs], batch_size=32)
    for name, value in dev_metrics(dev_pairs, [float(s) for s in scores]).items():
        print(f"dev {name}: {value:.3f}")
    model.save(str(args.out))


def main() -> None:
    """Command-line entry: python -m evals.train_answerability --out DIR."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--candidates", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=13)
    train(parser.parse_args())


if __name__ == "__main__":
    main()
