import pytest
from langchain_core.documents import Document

from rag.retrieval import ChunkRetriever, score_fusion

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


def _doc(chunk_id: str, **meta: float) -> Document:
    return Document(id=chunk_id, page_content=chunk_id, metadata=dict(meta))


def test_score_fusion_mixes_scaled_scores_by_weight():
    dense = [_doc("a", score=0.8), _doc("b", score=0.6), _doc("c", score=0.4)]
    sparse = [_doc("c", bm25=9.0), _doc("d", bm25=5.0), _doc("a", bm25=1.0)]
    fused = score_fusion(dense, sparse, 0.75)
    # a: .75*1 + .25*0 = .75; b: .75*.5 = .375; c: 0 + .25*1 = .25; d: .25*.5 = .125
    assert [doc.id for doc in fused] == ["a", "b", "c", "d"]
    assert [doc.metadata["rank_score"] for doc in fused] == [0.75, 0.375, 0.25, 0.125]
    assert fused[0].metadata["bm25"] == 1.0 and "score" not in fused[3].metadata
    assert score_fusion(dense, sparse, 0.25)[0].id == "c"


def test_score_fusion_with_one_side_empty_keeps_the_other_order():
    dense = [_doc("a", score=0.5), _doc("b", score=0.5)]
    assert [doc.id for doc in score_fusion(dense, [], 0.75)] == ["a", "b"]
    sparse = [_doc("x", bm25=3.0), _doc("y", bm25=1.0)]
    assert [doc.id for doc in score_fusion([], sparse, 0.75)] == ["x", "y"]


def test_weak_dense_candidates_do_not_bury_an_exact_word_match():
    # "Who is Sabrina Singh?" beside a long manual: every manual chunk is about as unrelated
    # (cosine ~0.15) as the article's, but min-max scaling made the best of them score 1.0.
    dense = [_doc("manual-1", score=0.164), _doc("manual-2", score=0.13), _doc("art", score=0.0)]
    sparse = [_doc("art", bm25=9.6)]
    assert score_fusion(dense, sparse, 0.75)[0].id == "art"
    confident = [_doc("manual-1", score=0.6), _doc("manual-2", score=0.4), _doc("art", score=0.3)]
    assert score_fusion(confident, sparse, 0.75)[0].id == "manual-1"


@pytest.mark.parametrize("fusion", ["score", "rrf"])
def test_both_fusions_rank_and_score_every_hit(article_store, fusion):
    retriever = ChunkRetriever(store=article_store, k=4, mode="hybrid", fusion=fusion)
    docs = retriever.invoke("Who speaks for the Pentagon?")
    assert "Sabrina Singh" in docs[0].page_content
    ranks = [doc.metadata["rank_score"] for doc in docs]
    assert ranks == sorted(ranks, reverse=True)
    assert all(-1.0 <= doc.metadata["score"] <= 1.0 for doc in docs)
