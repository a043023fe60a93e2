"""Build corpus/questions/ from writers' drafts and second readers' verdicts.

python corpus/tools/assemble.py DRAFTS_DIR REVIEWS_DIR

A question is kept only when its second reader said "keep" and it passes every automatic
check (evals.corpus_checks); everything dropped is listed in corpus/drops.jsonl with why.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from evals.corpus import (
    CORPUS_DIR,
    CorpusQuestion,
    answer_sentence_ids,
    document_text,
    load_manifest,
    question_file,
)
from evals.corpus_checks import (
    Problems,
    check_document,
    check_unanswerable_review,
)


def read_jsonl(path: Path) -> list[dict]:
    """Lines of a JSONL file as dicts (none if the file is missing)."""
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def reviewed(doc_id: str, drafts: Path, reviews: Path, drops: list[dict]) -> list[CorpusQuestion]:
    """The draft questions of one document that their second reader kept."""
    verdicts = {v["id"]: v for v in read_jsonl(reviews / f"{doc_id}.jsonl")}
    file = next(d.file for d in load_manifest() if d.doc_id == doc_id)
    text = document_text(CORPUS_DIR / "docs" / file)
    kept = []
    for raw in read_jsonl(drafts / f"{doc_id}.jsonl"):
        raw.setdefault("doc_id", doc_id)
        verdict = verdicts.get(raw["id"])
        if verdict is None or verdict.get("verdict") != "keep":
            reason = "no second reading" if verdict is None else f"reader: {verdict.get('note')}"
            drops.append({"id": raw["id"], "reason": reason})
            continue
        q = CorpusQuestion.model_validate(raw)
        q.checked_by = verdict.get("reviewer") or "second reader"
        q.check_note = verdict.get("note") or None
        q.answer_sentences = answer_sentence_ids(text, q.evidence) if q.answerable else []
        kept.append(q)
    return drop_failing(doc_id, kept, text, drops)


def drop_failing(
    doc_id: str, questions: list[CorpusQuestion], text: str, drops: list[dict]
) -> list[CorpusQuestion]:
    """Remove questions that fail an automatic check, until none does."""
    while True:
        problems = Problems()
        check_document(doc_id, questions, text, problems)
        for q in questions:
            check_unanswerable_review(q, text, problems)
        bad = {line.split(":", 1)[0] for line in problems.lines}
        if not bad & {q.id for q in questions}:
            return questions
        for q in questions:
            if q.id in bad:
                mine = [p.split(": ", 1)[1] for p in problems.lines if p.startswith(q.id)]
                why = "; ".join(mine)
                drops.append({"id": q.id, "reason": f"check: {why}"})
        questions = [q for q in questions if q.id not in bad]


def main() -> None:
    """Write every document's kept questions and the drop log."""
    drafts, reviews = Path(sys.argv[1]), Path(sys.argv[2])
    drops: list[dict] = []
    (CORPUS_DIR / "questions").mkdir(exist_ok=True)
    for doc in load_manifest():
        questions = reviewed(doc.doc_id, drafts, reviews, drops)
        lines = [q.model_dump_json(exclude_none=False) for q in questions]
        question_file(doc.doc_id).write_text("".join(line + "\n" for line in lines))
        print(f"{doc.doc_id}: {len(questions)} kept")
    (CORPUS_DIR / "drops.jsonl").write_text("".join(json.dumps(d) + "\n" for d in drops))
    print(f"{len(drops)} dropped")


if __name__ == "__main__":
    main()
