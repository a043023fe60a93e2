import pytest

from rag.retrieval import ChunkRetriever

PARAPHRASES = [
    ("Who speaks for the Pentagon?", "Sabrina Singh"),
    ("How many American soldiers stayed on after the coalition operations ended?", "2,500"),
    ("Until when will the forces stay in the Syrian oil regions?", "September 2026"),
    ("What did the Iraqi premier tell Bloomberg?", "no longer needs US troops"),
    ("Why did America invade in 2003?", "weapons of mass destruction"),
]


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
@pytest.mark.parametrize(("question", "needle"), PARAPHRASES)
def test_paraphrased_question_finds_the_right_chunk(article_store, mode, question, needle):
    retriever = ChunkRetriever(store=article_store, k=3, mode=mode)
    docs = retriever.invoke(question)
    assert any(needle in doc.page_content for doc in docs), [d.page_content[:60] for d in docs]
    for doc in docs:
        assert -1.0 <= doc.metadata["score"] <= 1.0
        assert doc.id and doc.metadata["doc_id"]


def test_scores_are_cosine_relevance_best_first(article_store):
    docs = ChunkRetriever(store=article_store, k=4, mode="dense").invoke("Sabrina Singh Pentagon")
    scores = [doc.metadata["score"] for doc in docs]
    assert scores == sorted(scores, reverse=True)


def test_empty_store_returns_nothing(store):
    assert ChunkRetriever(store=store, k=3).invoke("anything") == []
