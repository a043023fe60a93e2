"""Dump the numbered candidate sentences the answer chain would show a model, per question.

Runs the real chain (retrieval, gates, candidate selection) with a recording model over each
document's own index: ``python -m evals.replay_candidates``. Questions the chain refuses
before calling a model, follow-ups (their rewrite also calls the model) and unanswerable
questions are left out: a replayed answer could never reach the verifier for them.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from evals.corpus import CORPUS_DIR, load_manifest, load_questions, question_file
from evals.dataset import EvalItem, load_dataset
from evals.replay import (
    REPLAY_DIR,
    Candidates,
    ReplayChatModel,
    load_candidates,
    numbered_candidates,
    write_jsonl,
)
from evals.replay import prompt_question as question_of
from evals.runner import build_eval_store
from rag.pipeline import Answerer
from rag.settings import DEFAULT_CORPUS, Settings

# Held out by document: answers are tuned on "tune" only; "test" is scored, never tuned on.
# Every corpus dev document is used, so the tune part also takes one train document (a legal
# text, a genre tune lacked) to reach 300 answered questions; corpus test documents are never used.
TUNE_DOCUMENTS = (
    "article", "httpx-changelog", "debian-handbook-foreword", "nut-user-manual",
    "mozilla-public-license-2",
)  # fmt: skip
TEST_DOCUMENTS = (
    "postgresql-create-index", "requests-faq", "debian-social-contract", "png-compression",
    "debian-dedication-9",
)  # fmt: skip
ARTICLE_DEV = Path(__file__).resolve().parent / "data" / "article.dev.jsonl"


def document_questions(doc_id: str) -> tuple[Path, list[EvalItem]]:
    """A document's file and its answerable, standalone questions (corpus or article dev)."""
    if doc_id == "article":
        items = load_dataset(ARTICLE_DEV)
        return DEFAULT_CORPUS, [i for i in items if i.answerable and not i.history]
    questions = load_questions(question_file(doc_id))
    path = CORPUS_DIR / "docs" / next(d.file for d in load_manifest() if d.doc_id == doc_id)
    return path, [q.as_eval_item() for q in questions if q.answerable and not q.history]


def record(doc_id: str, part: str, settings: Settings) -> list[Candidates]:
    """Ask each question once over an index of the document alone, keeping the model's prompt."""
    path, items = document_questions(doc_id)
    rows: list[Candidates] = []
    with tempfile.TemporaryDirectory(prefix="groundwork-replay-") as workdir:
        store = build_eval_store([path], settings, Path(workdir))
        model = ReplayChatModel()
        answerer = Answerer(settings, store, model_factory=lambda name, s: model)
        for item in items:
            before = len(model.prompts)
            answerer.ask(item.question, llm="replay")
            prompts = [p for p in model.prompts[before:] if numbered_candidates(p)]
            if prompts:
                rows.append(Candidates(id=item.id, doc_id=doc_id, part=part,
                                       question=item.question,
                                       prompt_question=question_of(prompts[0]) or item.question,
                                       candidates=numbered_candidates(prompts[0])))  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> None:
    """Write evals/data/replay/candidates.jsonl (or --out)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPLAY_DIR / "candidates.jsonl")
    parser.add_argument("--doc", action="append", help="only these documents (others kept)")
    args = parser.parse_args(argv)
    # Recorded without the answerability model: the replay measures verification on fixed
    # candidates (evals/replay_run.py replays them the same way).
    settings = Settings(answerability=False)
    kept = load_candidates(args.out) if args.doc and args.out.is_file() else {}
    rows = [row for row in kept.values() if row.doc_id not in args.doc] if args.doc else []
    for part, documents in (("tune", TUNE_DOCUMENTS), ("test", TEST_DOCUMENTS)):
        for doc_id in documents:
            if args.doc and doc_id not in args.doc:
                continue
            found = record(doc_id, part, settings)
            print(f"{doc_id}: {len(found)} questions reach the model")
            rows += found
    write_jsonl(args.out, list(rows))


if __name__ == "__main__":
    main()
