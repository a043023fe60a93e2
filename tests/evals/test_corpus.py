"""The question corpus: the shipped data passes every check, and the checks catch each fault."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from evals.corpus import answer_sentence_ids, load_manifest, load_splits
from evals.corpus_checks import MIN_QUESTIONS, validate_corpus
from evals.evaluate import run_split
from evals.summary import summarise
from tests.conftest import make_settings

DOC = (
    "Backups run every night at 02:00. The retention period is 30 days.\n\n"
    "To restore a file, run the restore command with the file's path. "
    "Backups are encrypted with AES-256.\n"
)


def question(qid: str, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": qid, "doc_id": "backups", "category": "factual",
        "question": "What is the retention period of backups?", "answer": "30 days.",
        "evidence": ["The retention period is 30 days."], "answerable": True,
        "history": [], "must_include": ["30 days"], "must_not_include": [],
        "answer_sentences": [1], "written_by": "writer-a",
    }  # fmt: skip
    base.update(fields)
    return base


def unanswerable(qid: str, text: str, **fields: object) -> dict[str, object]:
    values: dict[str, object] = {
        "category": "unanswerable", "question": text, "answer": "The document does not say.",
        "evidence": [], "answerable": False, "must_include": [], "answer_sentences": [],
        "unanswerable_kind": "missing_slot", "checked_by": "reader-b", "check_note": "not stated",
    }  # fmt: skip
    values.update(fields)
    return question(qid, **values)


def write_corpus(root: Path, questions: list[dict[str, object]], sha: str | None = None) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "questions").mkdir()
    data = DOC.encode()
    (root / "docs" / "backups.txt").write_bytes(data)
    entry = {
        "doc_id": "backups", "file": "backups.txt", "genre": "manual", "format": "txt",
        "licence": "CC0", "sha256": sha or hashlib.sha256(data).hexdigest(),
        "source": {"registry": "test", "package": "t", "version": "1", "path": "/t"},
    }  # fmt: skip
    (root / "manifest.jsonl").write_text(json.dumps(entry) + "\n")
    (root / "splits.json").write_text(json.dumps({"train": [], "dev": ["backups"], "test": []}))
    lines = "".join(json.dumps(q) + "\n" for q in questions)
    (root / "questions" / "backups.jsonl").write_text(lines)
    return root


def problems_of(root: Path) -> list[str]:
    problems, _ = validate_corpus(root)
    return [line for line in problems.lines if not line.startswith(("manifest", "corpus"))]


@pytest.mark.slow  # reads and splits every shipped document
def test_the_shipped_corpus_passes_every_check() -> None:
    problems, categories = validate_corpus()
    assert problems.lines == []
    total = sum(categories.values())
    assert total >= MIN_QUESTIONS
    assert categories["unanswerable"] / total >= 0.30
    splits = load_splits()
    assert {d.doc_id for d in load_manifest()} == {i for ids in splits.values() for i in ids}


def test_a_clean_small_corpus_has_no_document_problems(tmp_path: Path) -> None:
    root = write_corpus(
        tmp_path, [question("b-1"), unanswerable("b-2", "Who wrote the backup tool?")]
    )
    assert problems_of(root) == []


@pytest.mark.parametrize(
    ("fields", "complaint"),
    [
        ({"evidence": ["kept for a month"]}, "evidence is not in the document"),
        ({"must_include": ["31 days"]}, "must_include '31 days' does not appear"),
        ({"answer_sentences": [0]}, "answer_sentences do not match"),
        ({"category": "paraphrase_hard"}, "paraphrase_hard shares words"),
        ({"category": "multi_hop"}, "multi_hop needs at least two evidence strings"),
        ({"category": "follow_up"}, "follow_up needs a history"),
        ({"answerable": False}, "answerable must be false exactly"),
    ],
)
def test_each_fault_in_a_question_is_reported(
    tmp_path: Path, fields: dict[str, object], complaint: str
) -> None:
    root = write_corpus(
        tmp_path, [question("b-1", question="What is the retention period?", **fields)]
    )
    assert any(complaint in line for line in problems_of(root)), problems_of(root)


def test_unanswerable_questions_need_an_independent_reader_and_a_note(tmp_path: Path) -> None:
    root = write_corpus(
        tmp_path,
        [
            unanswerable("b-1", "Who wrote the backup tool?", checked_by="writer-a"),
            unanswerable("b-2", "Why are backups encrypted with AES-256?", check_note=None),
        ],
    )
    found = problems_of(root)
    assert any(line.startswith("b-1") and "second, independent reader" in line for line in found)
    assert any(line.startswith("b-2") and "key terms" in line for line in found)


def test_duplicates_hashes_and_splits_are_checked(tmp_path: Path) -> None:
    root = write_corpus(tmp_path, [question("b-1"), question("b-1")], sha="0" * 64)
    problems, _ = validate_corpus(root)
    text = "\n".join(problems.lines)
    assert "b-1: id used 2 times" in text
    assert "sha256 differs" in text
    assert "fewer than" in text  # 1 document, 2 questions


def test_evidence_maps_to_the_splitters_sentence_ids() -> None:
    assert answer_sentence_ids(DOC, ["The retention period is 30 days."]) == [1]
    assert answer_sentence_ids(DOC, ["at 02:00. The retention"]) == [0, 1]
    assert answer_sentence_ids(DOC, ["not there"]) == []


def test_a_split_runs_each_document_over_its_own_index(tmp_path: Path) -> None:
    root = write_corpus(
        tmp_path / "corpus",
        [question("b-1"), unanswerable("b-2", "Who is the chief executive of the company?")],
    )
    # How a split is run is under test, not the answerability model's judgement of a toy corpus.
    settings = make_settings(tmp_path / "gw", answerability=False)
    items, results = run_split("dev", ["extractive"], settings, corpus_dir=root)
    assert [i.id for i in items] == ["b-1", "b-2"]
    assert all(r.tags == {"genre": "manual", "format": "txt"} for r in results)
    by_id = {r.id: r for r in results}
    assert by_id["b-1"].scores["correct"].value == 1.0
    summary = summarise(results)["extractive"]
    assert summary["genre:manual"]["answerable_correct"].value == 1.0
    assert summary["format:txt"]["sentences_per_answer"].value is not None
    assert run_split("test", ["extractive"], settings, corpus_dir=root) == ([], [])
