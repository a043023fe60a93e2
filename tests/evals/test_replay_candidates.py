from evals.corpus import load_splits
from evals.replay import load_candidates
from evals.replay_candidates import TEST_DOCUMENTS, TUNE_DOCUMENTS


def test_each_recorded_question_is_in_the_part_its_document_is_listed_in():
    """A document is tune or test as a whole, so no rule is tuned on a test document's rows."""
    part_of = {doc: "tune" for doc in TUNE_DOCUMENTS} | {doc: "test" for doc in TEST_DOCUMENTS}
    assert not set(TUNE_DOCUMENTS) & set(TEST_DOCUMENTS)
    for row in load_candidates().values():
        assert part_of.get(row.doc_id) == row.part, row.id


def test_no_corpus_test_document_is_replayed():
    """The corpus's test split stays unseen: the replay draws on dev and train documents only."""
    held_out = set(load_splits()["test"])
    assert not held_out & (set(TUNE_DOCUMENTS) | set(TEST_DOCUMENTS))
    assert "mozilla-public-license-2" in TUNE_DOCUMENTS
