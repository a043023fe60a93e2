import numpy as np
import pytest

import rag.store
from ingest.index import ingest_files
from rag.answering import Answerer
from rag.store import open_store
from rag.topicality import PERCENTILE, TopicBaseline
from tests.conftest import make_settings

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
    settings = make_settings(root / "gw")
    store = open_store(settings, embeddings)
    ingest_files([root / "quarry.txt"], store, settings)
    return settings, store


def test_level_is_the_percentile_of_all_sentence_similarities(manual_store, embeddings):
    _, store = manual_store
    vector = embeddings.embed_query("Which step does the Quarry linker lock?")
    level = TopicBaseline(store, min_sentences=10).level(vector, store.document_ids())
    everything = np.asarray(store.sentences.get(include=["embeddings"])["embeddings"])
    assert level == pytest.approx(float(np.percentile(everything @ np.asarray(vector), PERCENTILE)))


def test_the_baseline_reads_every_sentence_in_pages(manual_store, embeddings, monkeypatch):
    _, store = manual_store
    vector = embeddings.embed_query("Which step does the Quarry linker lock?")
    whole = TopicBaseline(store, min_sentences=10).level(vector, store.document_ids())
    monkeypatch.setattr(rag.store, "PAGE_ROWS", 7)  # far fewer rows than the manual's sentences
    paged = TopicBaseline(store, min_sentences=10).level(vector, store.document_ids())
    assert paged == pytest.approx(whole)


def test_short_documents_have_no_baseline(manual_store, embeddings):
    _, store = manual_store
    vector = embeddings.embed_query("Where is the cache?")
    assert TopicBaseline(store, min_sentences=10_000).level(vector, store.document_ids()) is None
    assert TopicBaseline(store, min_sentences=1).level(vector, set()) is None


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
