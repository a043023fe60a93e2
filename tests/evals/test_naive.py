from pathlib import Path

import pytest

from evals.evaluate import evaluate
from evals.naive import CHUNK_SIZE, NaiveRAG, naive_model, says_dont_know, split_corpus
from ingest.load import load_document
from rag.chat_models import ScriptedChatModel
from rag.errors import GroundworkError
from tests.conftest import ARTICLE, make_settings
from tests.evals.conftest import write_small_set

PARAGRAPH = (
    "The Harbor Bridge opened to traffic in 1932 after eight years of work. "
    "It carries eight lanes of road and two railway tracks across the harbor. "
    "Its steel arch spans 503 metres and was painted grey by the builders. "
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "bridge.txt").write_text((PARAGRAPH * 3 + "\n\n") * 4, encoding="utf-8")
    (folder / "ferry.md").write_text("# Ferries\n\nThe ferry to Manly runs every half hour.\n")
    return folder


def naive(corpus, embeddings, *replies):
    return NaiveRAG.build([corpus], embeddings, ScriptedChatModel(replies=list(replies)))


def test_chunks_are_fixed_size_with_exact_offsets(corpus):
    chunks = split_corpus([corpus])
    texts = {p.name: load_document(p).text for p in corpus.iterdir()}
    assert len(chunks) > 3
    for chunk in chunks:
        text = texts[chunk.metadata["source"]]
        assert len(chunk.page_content) <= CHUNK_SIZE
        assert text[chunk.metadata["start"] : chunk.metadata["end"]] == chunk.page_content


def test_answer_cites_the_four_retrieved_chunks_exactly(corpus, embeddings):
    answer = naive(corpus, embeddings, "It opened in 1932. It has eight lanes.").ask(
        "When did the bridge open?"
    )
    texts = {p.name: load_document(p).text for p in corpus.iterdir()}
    assert answer.backend == "naive" and not answer.refused
    assert [c.n for c in answer.citations] == [1, 2, 3, 4]
    for citation, passage in zip(answer.citations, answer.passages, strict=True):
        assert texts[citation.source][citation.start : citation.end] == citation.quote
        assert citation.quote == passage.text and citation.chunk_id == passage.chunk_id
    # No marker written by the model: every sentence gets the markers of all four chunks.
    markers = "[1] [2] [3] [4]"
    assert answer.answer == f"It opened in 1932. {markers} It has eight lanes. {markers}"


def test_markers_the_model_writes_are_kept_as_they_are(corpus, embeddings):
    # Unscripted, the fake model quotes the first numbered context line with its marker,
    # which also shows the context reaches the model numbered [1]..[4].
    answer = naive(corpus, embeddings).ask("How often does the ferry to Manly run?")
    assert answer.answer.endswith("[1]") and answer.answer.count("[") == 1
    assert answer.answer.removesuffix(" [1]") in answer.citations[0].quote


def test_no_gate_an_off_topic_question_is_still_answered(corpus, embeddings):
    answer = naive(corpus, embeddings, "Paris is the capital of France.").ask(
        "What is the capital of France?"
    )
    assert not answer.refused
    assert answer.answer.startswith("Paris is the capital of France.")
    assert len(answer.citations) == 4


def test_saying_it_does_not_know_is_the_only_refusal(corpus, embeddings):
    answer = naive(corpus, embeddings, "I don't know.").ask("What is the capital of France?")
    assert answer.refused and answer.answer == "I don't know." and answer.citations == []
    assert len(answer.passages) == 4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I don't know.", True),
        ("I do not know the answer to that.", True),
        ("The context doesn’t know about it; I cannot answer.", True),
        ("I can't tell from the context.", True),
        ("The bridge opened in 1932.", False),
        ("As far as I know, it opened in 1932.", False),
        ("Nobody knows the builders' names, but it opened in 1932.", False),
    ],
)
def test_dont_know_regex(text, expected):
    assert says_dont_know(text) is expected


def test_naive_uses_the_configured_model_backend(tmp_path):
    model = naive_model(make_settings(tmp_path, llm="fake"))
    assert isinstance(model, ScriptedChatModel)


def test_naive_without_any_model_backend_names_the_local_extra(tmp_path, monkeypatch):
    monkeypatch.setattr("rag.backends._installed", lambda module: False)
    with pytest.raises(GroundworkError, match=r"groundwork\[local\]"):
        naive_model(make_settings(tmp_path, llm="extractive"))


@pytest.fixture(scope="module")
def small_set(tmp_path_factory) -> Path:
    return write_small_set(tmp_path_factory.mktemp("ds"), 4)


@pytest.mark.slow  # a whole eval run
def test_eval_routes_naive_to_the_baseline_and_scores_it(tmp_path, small_set):
    settings = make_settings(tmp_path / "unused", llm="fake")
    results, _, paths = evaluate(settings, ["naive"], [small_set], [ARTICLE], tmp_path / "out")
    text = ARTICLE.read_text(encoding="utf-8")
    assert len(results) == 4 and {r.backend for r in results} == {"naive"}
    for result in results:
        assert result.answer is not None and result.answer.backend == "naive"
        assert all(text[c.start : c.end] == c.quote for c in result.answer.citations)
        assert result.scores["groundedness"].value is not None
    assert "| naive |" in paths[1].read_text(encoding="utf-8")


def test_eval_with_naive_and_no_model_fails_before_running(tmp_path, small_set, monkeypatch):
    monkeypatch.setattr("rag.backends._installed", lambda module: False)
    settings = make_settings(tmp_path / "unused")
    with pytest.raises(GroundworkError, match="local"):
        evaluate(settings, ["naive"], [small_set], [ARTICLE], tmp_path / "out")
    assert not (tmp_path / "out").exists()
