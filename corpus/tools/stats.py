"""Print the corpus's per-document and per-category tables (Markdown) for corpus/README.md."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from evals.corpus import load_manifest, load_questions, load_splits, question_file

CATEGORIES = (
    "factual", "paraphrase_hard", "procedural", "multi_hop", "false_premise", "follow_up",
    "unanswerable",
)  # fmt: skip


def main() -> None:
    """Per-document counts, then totals per split and per category."""
    split_of = {d: s for s, ids in load_splits().items() for d in ids}
    totals: Counter[str] = Counter()
    per_split: Counter[str] = Counter()
    print("| document | split | genre | format | source package | licence | questions |")
    print("|---|---|---|---|---|---|---|")
    for doc in load_manifest():
        questions = load_questions(question_file(doc.doc_id))
        totals.update(q.category for q in questions)
        per_split[split_of[doc.doc_id]] += len(questions)
        package = f"{doc.source['package']} {doc.source['version']}"
        print(
            f"| {doc.doc_id} | {split_of[doc.doc_id]} | {doc.genre} | {doc.format} | "
            f"{package} | {doc.licence} | {len(questions)} |"
        )
    total = sum(totals.values())
    print()
    print("| " + " | ".join(CATEGORIES) + " | total |")
    print("|---" * (len(CATEGORIES) + 1) + "|")
    cells = [f"{totals[c]} ({totals[c] / total:.0%})" for c in CATEGORIES]
    print("| " + " | ".join(cells) + f" | {total} |")
    print()
    print(", ".join(f"{s}: {n} questions" for s, n in sorted(per_split.items())))


if __name__ == "__main__":
    main()
