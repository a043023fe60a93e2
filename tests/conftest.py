"""Shared fixtures: the real packaged MiniLM (loaded once) and real Chroma stores in temp dirs."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from ingest.index import ingest_files
from rag.backends import Backend, register, unregister
from rag.chat_models import ScriptedChatModel
from rag.embeddings import get_embeddings
from rag.pipeline import Answerer
from rag.settings import DEFAULT_CORPUS, Settings
from rag.store import Store, open_store

ARTICLE = DEFAULT_CORPUS


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings isolated from the developer's environment and .env file."""
    return Settings(_env_file=None, data_dir=data_dir, **overrides)  # type: ignore[call-arg]


FAKE = Backend(
    "fake", "deterministic scripted model for tests", lambda settings: ScriptedChatModel(),
    lambda settings: True, for_tests=True,
)  # fmt: skip


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what collection imported (gradio, torch…): every later collection skips it."""
    # pytest collects garbage repeatedly at exit; without this each pass rescans millions of
    # long-lived objects (about 8 s of the fast loop's wall time).
    gc.freeze()


@pytest.fixture(scope="session", autouse=True)
def fake_backend() -> Iterator[str]:
    """The scripted ``fake`` backend, registered for tests only (production never registers it)."""
    register(FAKE)
    yield FAKE.name
    unregister(FAKE.name)


@pytest.fixture
def without_fake_backend(fake_backend: str) -> Iterator[None]:
    """The registry as production has it, for one test."""
    unregister(fake_backend)
    yield
    register(FAKE)


@pytest.fixture(scope="session")
def embeddings():  # type: ignore[no-untyped-def]
    model = get_embeddings()
    gc.freeze()  # the model and what its import built live until the end, as above
    return model


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "gw")


@pytest.fixture
def store(settings: Settings, embeddings) -> Store:  # type: ignore[no-untyped-def]
    return open_store(settings, embeddings)


@pytest.fixture(scope="session")
def article_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("article") / "gw")


@pytest.fixture(scope="session")
def article_store(article_settings: Settings, embeddings) -> Store:  # type: ignore[no-untyped-def]
    store = open_store(article_settings, embeddings)
    report = ingest_files([ARTICLE], store, article_settings)
    assert report.added == [ARTICLE.name]
    return store


@pytest.fixture(scope="session")
def article_answerer(article_settings: Settings, article_store: Store) -> Answerer:
    return Answerer(article_settings, article_store)
