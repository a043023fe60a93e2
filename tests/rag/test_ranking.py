import uuid
from collections import Counter

import numpy as np
import pytest
from langchain_core.documents import Document

from rag import injection, ranking, text
from rag.answer_types import ScoredSentence
from rag.ranking import SentenceRanker, is_statement, merge_parts


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("Only 4 links will run concurrently.", True),
        ("“No, the US is not withdrawing from Iraq,” she added.", True),
        ("# No more than 4 links at a time.", True),
        ("Using Ninja for your project", False),
        ("The current tools are:", False),
        ("depth = 4", False),
        ("build foo: phony some/file/in/a/faraway/subdir/foo", False),
        ("a long line of prose that wraps without any final punctuation mark at all", True),
    ],
)
def test_headings_and_code_lines_are_not_statements(text, statement):
    assert is_statement(text) is statement


def sentence(start: int, score: float, text: str = "A statement.") -> ScoredSentence:
    return ScoredSentence("d", "s.txt", "c", start, start + len(text), text, score, 0.0, score)


def test_parts_are_merged_head_first_without_repeats():
    a, b, c, d = sentence(0, 0.9), sentence(20, 0.5), sentence(40, 0.8), sentence(60, 0.4)
    assert merge_parts([[a, b], [c, a, d]]) == [a, c, b, d]
    assert merge_parts([[b, a]]) == [b, a]


def test_a_definition_and_the_same_definition_with_its_term_are_merged_once():
    with_term = sentence(0, 0.5, "compdb\n\ngiven a list of rules.")
    bare = sentence(8, 0.7, "given a list of rules.")
    assert merge_parts([[with_term], [bare]]) == [with_term]


class SentenceStore:
    """The one read ranking makes of a store: the sentences inside some chunks."""

    def __init__(self, sentences: list[str]) -> None:
        self.rows = []
        start = 0
        for sentence_text in sentences:
            end = start + len(sentence_text)
            self.rows.append(
                (sentence_text, {"doc_id": "d", "source": "s", "start": start, "end": end})
            )
            start = end + 1

    def sentences_within(self, chunks):
        spans = [(c.metadata["start"], c.metadata["end"]) for c in chunks]
        inside = [
            (t, m) for t, m in self.rows if any(a <= m["start"] < m["end"] <= b for a, b in spans)
        ]
        vectors = np.ones((len(inside), 2), dtype=np.float32) / np.sqrt(2)
        return [t for t, _ in inside], [dict(m) for _, m in inside], vectors


def test_each_sentence_is_read_once_however_often_it_is_ranked(monkeypatch):
    # Both rank passes of a question (top chunks, then the model's wider read) and later
    # questions see the same sentences: their terms and quotability are worked out once.
    nonce = uuid.uuid4().hex[:8]  # texts no earlier test has ranked (the results are kept)
    sentences = [f"The mission {nonce} ends in {year}." for year in (2025, 2026, 2027, 2028)]
    store = SentenceStore(sentences)
    half, whole = store.rows[1][1]["end"], store.rows[-1][1]["end"]
    first = Document(id="c0", page_content="", metadata={"doc_id": "d", "start": 0, "end": half})
    wide = Document(id="c1", page_content="", metadata={"doc_id": "d", "start": 0, "end": whole})
    terms, checks = Counter(), Counter()
    content_terms, looks_like_instruction = text.content_terms, injection.looks_like_instruction

    def counting_terms(sentence_text):
        terms[sentence_text] += 1
        return content_terms(sentence_text)

    def counting_checks(sentence_text):
        checks[sentence_text] += 1
        return looks_like_instruction(sentence_text)

    monkeypatch.setattr(text, "content_terms", counting_terms)
    monkeypatch.setattr(ranking, "content_terms", counting_terms)
    monkeypatch.setattr(injection, "looks_like_instruction", counting_checks)
    ranker = SentenceRanker(store, retriever=None, nearest=0)
    vector = [float(np.sqrt(0.5))] * 2
    for question in ("When does the mission end?", "Which year does the mission end?"):
        narrow = ranker.rank(question, vector, [first])
        ranked = ranker.rank(question, vector, [first, wide])
    assert [s.text for s in narrow] and len(ranked) == len(sentences)
    assert {t: terms[t] for t in sentences} == dict.fromkeys(sentences, 1)
    assert {t: checks[t] for t in sentences} == dict.fromkeys(sentences, 1)
