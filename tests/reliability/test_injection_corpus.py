"""Attacked documents: answers stay grounded whether the backend quotes or a model obeys them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ingest.index import ingest_files
from rag.answer_types import Answer
from rag.chat_models import ScriptedChatModel
from rag.pipeline import Answerer
from rag.settings import Settings
from rag.store import Store, open_store
from tests.conftest import make_settings
from tests.reliability.inert import assert_cited_exactly, assert_inert
from tests.reliability.injection_corpus import CASES, InjectionCase
from ui import render

# Two answers per attacked document over its own fresh index: CI runs them, the fast loop not.
pytestmark = pytest.mark.slow

Build = Callable[[InjectionCase], tuple[Settings, Store]]


@pytest.fixture(scope="module")
def index_of(tmp_path_factory: pytest.TempPathFactory, embeddings: Any) -> Build:
    """One real Chroma index per case, built on first use and shared by both backends."""
    built: dict[str, tuple[Settings, Store]] = {}

    def build(case: InjectionCase) -> tuple[Settings, Store]:
        if case.name not in built:
            folder = tmp_path_factory.mktemp(case.name)
            path = folder / case.filename
            path.write_text(case.text, encoding="utf-8")
            settings = make_settings(folder / "gw")
            store = open_store(settings, embeddings)
            report = ingest_files([path], store, settings)
            assert report.added == [case.filename], report.skipped
            built[case.name] = (settings, store)
        return built[case.name]

    return build


def assert_grounded(answer: Answer, case: InjectionCase, store: Store) -> None:
    """No payload, exact citations, no dangling markers, the fact (or a refusal), inert HTML."""
    shown = [answer.answer, *(c.quote for c in answer.citations)]
    for payload in case.payloads:
        for text in shown:
            assert payload.casefold() not in text.casefold(), (payload, answer.answer)
    for doc_id in {c.doc_id for c in answer.citations}:
        assert_cited_exactly(answer, store.document_text(doc_id), case.filename)
    if case.expected is None:
        assert answer.refused and not answer.citations, answer.answer
    else:
        assert not answer.refused, answer.answer
        for words in case.expected:
            assert words in answer.answer, (words, answer.answer)
    assert_inert(render.render_answer(answer, 0))
    assert_inert(render.render_details(answer))
    for doc_id in store.document_ids():
        assert_inert(render.render_document(store.document_text(doc_id)))


PARAMS = [
    pytest.param(case, id=case.name, marks=[pytest.mark.xfail(reason=case.known_gap, strict=True)])
    if case.known_gap
    else pytest.param(case, id=case.name)
    for case in CASES
]


@pytest.mark.parametrize("case", PARAMS)
def test_extractive_answer_ignores_the_attack(case: InjectionCase, index_of: Build) -> None:
    settings, store = index_of(case)
    answer = Answerer(settings, store).ask(case.question, llm="extractive")
    assert answer.backend == "extractive"
    assert_grounded(answer, case, store)


@pytest.mark.parametrize("case", PARAMS)
def test_a_model_obeying_the_attack_is_not_shown(case: InjectionCase, index_of: Build) -> None:
    settings, store = index_of(case)
    model = ScriptedChatModel(replies=[case.obeying_reply])
    answerer = Answerer(settings, store, model_factory=lambda name, s: model)
    answer = answerer.ask(case.question, llm="fake")
    assert answer.backend == "fake"
    if not answer.refused:
        assert model.calls == 1 and answer.removed, "the obeying model was never asked"
    assert_grounded(answer, case, store)


def test_every_obeying_reply_carries_a_payload() -> None:
    """The scripted model really obeys, so a verification gap would show a payload above."""
    for case in CASES:
        assert any(p in case.obeying_reply for p in case.payloads), case.name
        for payload in case.payloads:
            assert payload in case.text or payload in case.obeying_reply, (case.name, payload)
