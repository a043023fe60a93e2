"""The bench's inputs: seeded synthetic corpora of a given chunk count, and their questions."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from rag.settings import DEFAULT_CORPUS, PROJECT_ROOT, Settings

QUESTION = "By when must the US mission's transition in Iraq be finished?"
QUESTION_FILES = [PROJECT_ROOT / "evals" / "data" / f"article.{p}.jsonl" for p in ("dev", "test")]
CHUNKS_PER_FILE = 100


def _vocabulary() -> list[str]:
    words = re.findall(r"[A-Za-z]{3,}", DEFAULT_CORPUS.read_text(encoding="utf-8"))
    return sorted({word.lower() for word in words})


def synthetic_files(folder: Path, chunks: int, settings: Settings, seed: int = 7) -> list[Path]:
    """About ``chunks`` chunks of seeded random sentences, ``CHUNKS_PER_FILE`` chunks a file."""
    rng = random.Random(seed)
    vocab = _vocabulary()
    step = max(1, settings.chunk_size - settings.chunk_overlap)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for number in range(max(1, round(chunks / CHUNKS_PER_FILE))):
        budget = step * min(CHUNKS_PER_FILE, chunks) - settings.chunk_overlap // 2
        sentences: list[str] = []
        while sum(len(s) + 1 for s in sentences) < budget:
            words = [rng.choice(vocab) for _ in range(rng.randint(6, 24))]
            if rng.random() < 0.3:
                words.insert(rng.randrange(len(words)), str(rng.randint(2, 2099)))
            sentences.append(" ".join(words).capitalize() + ".")
        path = folder / f"synthetic-{number:04d}.txt"
        path.write_text(" ".join(sentences) + "\n", encoding="utf-8")
        files.append(path)
    return files


def synthetic_questions(count: int, seed: int) -> list[str]:
    """Distinct questions in the synthetic corpus's vocabulary (the query cache never hits)."""
    rng = random.Random(seed)
    vocab = _vocabulary()
    return [
        f"What does the text say about {rng.choice(vocab)} and {rng.choice(vocab)}?"
        for _ in range(count)
    ]


def article_questions(count: int) -> list[str]:
    """The single-turn questions of the article's eval sets."""
    rows = [json.loads(line) for path in QUESTION_FILES for line in path.open(encoding="utf-8")]
    found = [row["question"] for row in rows if row.get("question") and not row.get("history")]
    return list(dict.fromkeys(found))[:count] or [QUESTION]
