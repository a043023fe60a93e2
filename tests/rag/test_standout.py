import numpy as np
import pytest

import rag.chroma_client
from ingest.index import ingest_files
from rag.pipeline import Answerer
from rag.settings import PROJECT_ROOT
from rag.standout import PERCENTILE, TopicBaseline
from rag.store import open_store
from tests.conftest import ARTICLE, make_settings

# Every test here ingests the 300-page Ninja manual (about 40 s on 2 cores).
pytestmark = pytest.mark.slow

TOOLS = ["scheduler", "cache", "linker", "parser", "planner", "watcher", "logger", "fetcher"]
VERBS = ["reads", "writes", "checks", "sorts", "merges", "skips", "locks", "counts"]
OBJECTS = ["build files", "targets", "rules", "paths", "variables", "edges", "outputs", "pools"]


def long_manual() -> str:
    """A 200-sentence manual about one tool, in which every sentence is on topic."""
    lines = [
        f"The Quarry {tool} {verb} {obj} before step {n}."
        for n, (tool, verb, obj) in enumerate(
            (t, v, o) for t in TOOLS for v in VERBS for o in OBJECTS[:3]
        )
    ]
    lines.insert(77, "Quarry keeps its download cache in a folder named .quarry_cache at home.")
    return "\n\n".join(" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4)) + "\n"


@pytest.fixture(scope="module")
def manual_store(tmp_path_factory, embeddings):
    root = tmp_path_factory.mktemp("manual")
    (root / "quarry.txt").write_text(long_manual(), encoding="utf-8")
    # The standout check alone is under test: the answerability model adds refusals of its own.
    settings = make_settings(root / "gw", answerability=False)
    store = open_store(settings, embeddings)
    ingest_files([root / "quarry.txt"], store, settings)
    return settings, store


def test_level_is_the_percentile_of_all_sentence_similarities(manual_store, embeddings):
    _, store = manual_store
    vector = embeddings.embed_query("Which step does the Quarry linker lock?")
    (doc_id,) = store.document_ids()
    level = TopicBaseline(store, min_sentences=10).level(vector, doc_id)
    everything = np.asarray(store.sentences.get(include=["embeddings"])["embeddings"])
    assert level == pytest.approx(float(np.percentile(everything @ np.asarray(vector), PERCENTILE)))


def test_the_baseline_reads_every_sentence_in_pages(manual_store, embeddings, monkeypatch):
    _, store = manual_store
    vector = embeddings.embed_query("Which step does the Quarry linker lock?")
    (doc_id,) = store.document_ids()
    whole = TopicBaseline(store, min_sentences=10).level(vector, doc_id)
    monkeypatch.setattr(
        rag.chroma_client, "PAGE_ROWS", 7
    )  # far fewer rows than the manual's sentences
    paged = TopicBaseline(store, min_sentences=10).level(vector, doc_id)
    assert paged == pytest.approx(whole)


def test_short_documents_have_no_baseline(manual_store, embeddings):
    _, store = manual_store
    vector = embeddings.embed_query("Where is the cache?")
    (doc_id,) = store.document_ids()
    assert TopicBaseline(store, min_sentences=10_000).level(vector, doc_id) is None
    assert TopicBaseline(store, min_sentences=1).level(vector, "not-an-ingested-id") is None


UNANSWERED = "What does the Quarry scheduler do with deployment keys?"


def test_an_on_topic_question_the_manual_does_not_answer_is_refused(manual_store):
    settings, store = manual_store
    answer = Answerer(settings, store).ask(UNANSWERED)
    assert answer.refused and not answer.citations


def test_a_standout_sentence_is_still_quoted(manual_store):
    settings, store = manual_store
    answer = Answerer(settings, store).ask("Where does Quarry keep its download cache?")
    assert not answer.refused
    assert ".quarry_cache" in answer.answer


def test_without_the_standout_check_the_on_topic_question_is_answered(manual_store):
    settings, store = manual_store
    lenient = settings.model_copy(update={"standout_margin": 0.0})
    assert not Answerer(lenient, store).ask(UNANSWERED).refused


# --- a short document beside a long one: each is judged against its own sentences ----------

NINJA_MANUAL = PROJECT_ROOT / "data" / "eval" / "ninja-manual.html"


@pytest.fixture(scope="module")
def article_and_manual(tmp_path_factory, embeddings):
    settings = make_settings(tmp_path_factory.mktemp("two-docs") / "gw", answerability=False)
    store = open_store(settings, embeddings)
    report = ingest_files([ARTICLE, NINJA_MANUAL], store, settings)
    assert sorted(report.added) == sorted([ARTICLE.name, NINJA_MANUAL.name]), report.skipped
    return settings, store


def test_a_short_documents_question_is_answered_beside_a_long_document(article_and_manual):
    settings, store = article_and_manual
    answer = Answerer(settings, store).ask("Who is Sabrina Singh?")
    assert not answer.refused, answer.answer
    assert "Sabrina Singh" in answer.answer
    assert {c.source for c in answer.citations} == {ARTICLE.name}


def test_the_short_document_is_not_held_to_the_long_documents_percentile(
    article_and_manual, embeddings
):
    settings, store = article_and_manual
    sources = {doc["source"]: doc["doc_id"] for doc in store.list_documents()}
    baseline = TopicBaseline(store, settings.standout_min_sentences)
    vector = embeddings.embed_query("Who is Sabrina Singh?")
    assert baseline.level(vector, sources[ARTICLE.name]) is None  # ~20 sentences: no check
    assert baseline.level(vector, sources[NINJA_MANUAL.name]) is not None


MANUAL_UNANSWERED = [
    "What programming language is Ninja itself implemented in?",
    "Under what licence is Ninja distributed?",
]


@pytest.mark.parametrize("question", MANUAL_UNANSWERED)
def test_the_long_documents_unanswerable_questions_are_still_refused(article_and_manual, question):
    settings, store = article_and_manual
    answer = Answerer(settings, store).ask(question)
    assert answer.refused and not answer.citations, answer.answer
    # ... by the standout check, judged over the manual's own sentences.
    lenient = settings.model_copy(update={"standout_margin": 0.0})
    assert not Answerer(lenient, store).ask(question).refused
