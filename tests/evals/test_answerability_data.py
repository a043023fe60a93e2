"""Training pairs for the answerability model, and the dev figures its training prints."""

from __future__ import annotations

from evals.answerability_data import Pair, asked, document_pairs
from evals.corpus import CorpusQuestion, answer_sentence_ids
from evals.train_answerability import dev_metrics

TEXT = (
    "Backups run every night at 02:00. The retention period is 30 days.\n\n"
    "To restore a file, run the restore command with the file's path. "
    "Backups are encrypted with AES-256.\n"
)


def make(qid: str, question: str, evidence: list[str], **extra: object) -> CorpusQuestion:
    answerable = bool(evidence)
    return CorpusQuestion.model_validate(
        {
            "id": qid,
            "doc_id": "d",
            "question": question,
            "answer": "a",
            "category": "factual" if answerable else "unanswerable",
            "evidence": evidence,
            "answerable": answerable,
            "must_include": ["30 days"] if answerable else [],
            "must_not_include": [],
            "written_by": "w",
            "answer_sentences": answer_sentence_ids(TEXT, evidence),
            **extra,
        }
    )


def test_gold_sentences_are_positive_and_every_other_candidate_negative() -> None:
    q = make("q1", "How long are backups kept?", ["The retention period is 30 days."])
    pairs = document_pairs([q], TEXT, candidates=2)
    positives = [p for p in pairs if p.label == 1.0]
    assert [p.candidate.split(" [context] ")[0] for p in positives] == [
        "The retention period is 30 days."
    ]
    assert "[context] Backups run every night at 02:00." in positives[0].candidate
    assert len(pairs) >= 2 and all(p.question_id == "q1" for p in pairs)


def test_unanswerable_questions_give_only_negatives_and_dev_pairs_can_miss_the_gold() -> None:
    none = make("q2", "Who wrote the backup tool?", [])
    assert all(p.label == 0.0 for p in document_pairs([none], TEXT, candidates=3))
    q = make("q1", "How long are backups kept?", ["Backups are encrypted with AES-256."])
    ranked = document_pairs([q], TEXT, candidates=1, keep_gold=False)
    assert len(ranked) == 1


def test_follow_ups_are_read_with_their_earlier_question() -> None:
    q = make(
        "q3", "And how long are they kept?", ["The retention period is 30 days."],
        category="follow_up",
        history=[{"role": "user", "content": "When do backups run?"},
                 {"role": "assistant", "content": "At 02:00."}],
    )  # fmt: skip
    assert asked(q) == "When do backups run? [then] And how long are they kept?"


def test_dev_metrics_compare_the_model_with_cosine_order() -> None:
    pairs = [
        Pair("a", "q", "gold", 1.0, rank=1), Pair("a", "q", "other", 0.0, rank=0),
        Pair("b", "q", "x", 0.0, rank=0), Pair("b", "q", "y", 0.0, rank=1),
    ]  # fmt: skip
    figures = dev_metrics(pairs, [0.9, 0.2, 0.3, 0.1])
    assert figures["top1_model"] == 1.0
    assert figures["top1_cosine"] == 0.0
    assert figures["refusal_auc"] == 1.0
