"""The test-only ``fake`` backend is not reachable through the web app's choices or API."""

from __future__ import annotations

import gradio as gr
import pytest

from rag.pipeline import Answerer
from ui.handlers import Handlers, available_backends


def test_the_ask_api_refuses_the_test_only_backend(
    article_answerer: Answerer, without_fake_backend: None
) -> None:
    handlers = Handlers(article_answerer)
    with pytest.raises(gr.Error, match="Unknown backend 'fake'; choose one of: extractive,"):
        handlers.ask_json("Who is Sabrina Singh?", 4, "fake")
    assert handlers.ask_json("Who is Sabrina Singh?", 4, "extractive")["refused"] is False


def test_the_backend_choices_never_list_the_test_only_backend(article_answerer: Answerer) -> None:
    assert "fake" not in available_backends(article_answerer.settings)  # even when registered
