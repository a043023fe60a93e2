"""Quality checks of the question corpus: schema, exact evidence, labels, balance, duplicates."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from evals.corpus import (
    CORPUS_DIR,
    UNANSWERABLE_KINDS,
    CorpusQuestion,
    answer_sentence_ids,
    document_text,
    load_manifest,
    load_questions,
    load_splits,
    question_file,
)
from rag.sentences import split_sentences
from rag.text import content_terms

MIN_DOCUMENTS = 40
MIN_GENRES = 6
FORMATS = {"txt", "md", "html", "pdf"}
MIN_QUESTIONS = 4000
MIN_UNANSWERABLE_SHARE = 0.30
MAX_CORPUS_BYTES = 60_000_000
REQUIRED_CATEGORIES = (
    "factual", "paraphrase_hard", "procedural", "multi_hop", "false_premise", "follow_up",
    "unanswerable",
)  # fmt: skip


@dataclass
class Problems:
    """Everything the validator found, as readable lines."""

    lines: list[str] = field(default_factory=list)

    def add(self, where: str, what: str) -> None:
        """Record one problem."""
        self.lines.append(f"{where}: {what}")


def _stems(text: str) -> set[str]:
    return set(content_terms(text))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip()


def check_question(q: CorpusQuestion, text: str, problems: Problems) -> None:
    """Schema-level rules that hold for every question of one document."""
    where = q.id
    if q.answerable != (q.category != "unanswerable"):
        problems.add(where, "answerable must be false exactly for the unanswerable category")
    if q.answerable:
        if not q.evidence:
            problems.add(where, "an answerable question needs evidence")
        for quote in q.evidence:
            if quote not in text:
                problems.add(where, f"evidence is not in the document: {quote[:60]!r}")
        joined = _norm(" ".join(q.evidence))
        for fact in q.must_include:
            if _norm(fact) not in joined:
                problems.add(where, f"must_include {fact!r} does not appear in the evidence")
        if not q.must_include:
            problems.add(where, "an answerable question needs must_include")
    else:
        if q.evidence or q.must_include:
            problems.add(where, "an unanswerable question has no evidence and no must_include")
        if q.unanswerable_kind not in UNANSWERABLE_KINDS:
            problems.add(where, f"unanswerable_kind must be one of {UNANSWERABLE_KINDS}")
        if q.near_miss_of is not None and q.near_miss_of not in text:
            problems.add(where, "near_miss_of is not an exact substring of the document")
    if q.category == "multi_hop" and len(q.evidence) < 2:
        problems.add(where, "multi_hop needs at least two evidence strings")
    if q.category == "follow_up" and not q.history:
        problems.add(where, "follow_up needs a history")
    if q.category == "paraphrase_hard":
        shared = _stems(q.question) & _stems(" ".join(q.evidence))
        if shared:
            problems.add(where, f"paraphrase_hard shares words with its evidence: {sorted(shared)}")


def near_duplicates(questions: list[CorpusQuestion]) -> list[tuple[str, str]]:
    """Pairs of questions whose content words are (almost) the same."""
    keyed = [(q.id, frozenset(_stems(q.question)), q.category) for q in questions]
    pairs = []
    for i, (a, sa, _ca) in enumerate(keyed):
        for b, sb, _cb in keyed[i + 1 :]:
            if sa and sb and len(sa & sb) / len(sa | sb) >= 0.9:
                pairs.append((a, b))
    return pairs


def check_document(
    doc_id: str, questions: list[CorpusQuestion], text: str, problems: Problems
) -> None:
    """Per-document rules: ids, duplicates, labels, and each question's own rules."""
    ids = Counter(q.id for q in questions)
    for qid, count in ids.items():
        if count > 1:
            problems.add(qid, f"id used {count} times")
    for q in questions:
        if q.doc_id != doc_id:
            problems.add(q.id, f"doc_id {q.doc_id!r} in the file of {doc_id!r}")
        check_question(q, text, problems)
        if q.answerable and q.answer_sentences != answer_sentence_ids(text, q.evidence):
            problems.add(q.id, "answer_sentences do not match the evidence (run label)")
    for a, b in near_duplicates(questions):
        problems.add(a, f"near-duplicate of {b}")
    texts = Counter(_norm(q.question) for q in questions)
    for question, count in texts.items():
        if count > 1:
            problems.add(doc_id, f"question asked {count} times: {question[:60]!r}")


def answering_candidates(q: CorpusQuestion, text: str) -> list[str]:
    """Sentences holding every rare key term of an unanswerable question (a grep for answers).

    Terms found in more than 2% of the document's sentences are the document's own topic words
    and say nothing; a sentence with all the remaining ones (at least two) may answer it.
    """
    sentences, stems, frequency = _sentence_terms(text)
    limit = max(2, len(sentences) // 50)
    key = {t for t in content_terms(q.question) if frequency[t] <= limit}
    if len(key) < 2:
        return []
    return [s for s, terms in zip(sentences, stems, strict=True) if key <= terms]


@lru_cache(maxsize=4)
def _sentence_terms(text: str) -> tuple[list[str], list[frozenset[str]], Counter[str]]:
    """A document's sentences, their content terms, and in how many sentences each term is."""
    sentences = [text[s.start : s.end] for s in split_sentences(text)]
    stems = [frozenset(content_terms(s)) for s in sentences]
    return sentences, stems, Counter(term for terms in stems for term in terms)


def check_unanswerable_review(q: CorpusQuestion, text: str, problems: Problems) -> None:
    """An unanswerable question was read again, by someone else, against the whole document."""
    if q.answerable:
        return
    if not q.checked_by or q.checked_by == q.written_by:
        problems.add(q.id, "unanswerable question without a second, independent reader")
    hits = answering_candidates(q, text)
    if hits and not q.check_note:
        problems.add(
            q.id, f"a sentence holds all its key terms and no check note: {hits[0][:80]!r}"
        )


def check_manifest(corpus_dir: Path, problems: Problems) -> None:
    """Documents exist with the recorded sha256; size, genre and format coverage."""
    manifest = load_manifest(corpus_dir)
    total = 0
    for doc in manifest:
        path = corpus_dir / "docs" / doc.file
        if not path.is_file():
            problems.add(doc.doc_id, f"missing file {doc.file}")
            continue
        data = path.read_bytes()
        total += len(data)
        if hashlib.sha256(data).hexdigest() != doc.sha256:
            problems.add(doc.doc_id, "sha256 differs from the manifest")
        for key in ("registry", "package", "version", "path"):
            if not doc.source.get(key):
                problems.add(doc.doc_id, f"source has no {key}")
        if not doc.licence:
            problems.add(doc.doc_id, "no licence recorded")
    if len(manifest) < MIN_DOCUMENTS:
        problems.add("manifest", f"{len(manifest)} documents, fewer than {MIN_DOCUMENTS}")
    if len({d.genre for d in manifest}) < MIN_GENRES:
        problems.add("manifest", f"fewer than {MIN_GENRES} genres")
    if missing := FORMATS - {d.format for d in manifest}:
        problems.add("manifest", f"no document in format(s) {sorted(missing)}")
    if total > MAX_CORPUS_BYTES:
        problems.add("manifest", f"documents take {total} bytes, over {MAX_CORPUS_BYTES}")
    splits = load_splits(corpus_dir)
    assigned = Counter(doc_id for ids in splits.values() for doc_id in ids)
    for doc in manifest:
        if assigned[doc.doc_id] != 1:
            problems.add(doc.doc_id, f"in {assigned[doc.doc_id]} splits, not exactly one")
    if unknown := set(assigned) - {d.doc_id for d in manifest}:
        problems.add("splits", f"unknown documents {sorted(unknown)}")


def validate_corpus(corpus_dir: Path = CORPUS_DIR) -> tuple[Problems, Counter[str]]:
    """Every check over the whole corpus; returns the problems and the category counts."""
    problems = Problems()
    check_manifest(corpus_dir, problems)
    categories: Counter[str] = Counter()
    for doc in load_manifest(corpus_dir):
        path = question_file(doc.doc_id, corpus_dir)
        if not path.is_file():
            problems.add(doc.doc_id, "no question file")
            continue
        questions = load_questions(path)
        text = document_text(corpus_dir / "docs" / doc.file)
        check_document(doc.doc_id, questions, text, problems)
        for q in questions:
            check_unanswerable_review(q, text, problems)
        categories.update(q.category for q in questions)
    total = sum(categories.values())
    if total < MIN_QUESTIONS:
        problems.add("corpus", f"{total} questions, fewer than {MIN_QUESTIONS}")
    if total and categories["unanswerable"] / total < MIN_UNANSWERABLE_SHARE:
        problems.add("corpus", f"unanswerable share {categories['unanswerable'] / total:.2f}")
    for category in REQUIRED_CATEGORIES:
        if not categories[category]:
            problems.add("corpus", f"no {category} question")
    return problems, categories
