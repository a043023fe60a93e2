"""Time to first token and total: the llamacpp backend beside raw llama.cpp, same prompt.

Both runs start from a cleared KV cache (llama.cpp would otherwise reuse the prompt the
other run just evaluated). The chain's first token is timed where the model yields it inside
the chain; the first *shown* sentence comes later, once that sentence is complete and
verified, so it is compared with the raw stream's first complete sentence.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from evals.bench.corpus import QUESTION
from rag.settings import Settings

_SENTENCE_END = re.compile(r"[.!?](\s|$)")


def bench_llamacpp(settings: Settings, result: dict[str, Any]) -> None:
    """Add ``llamacpp.*`` figures, or a note when llama.cpp or its model is missing."""
    from rag.backends import available_backends, get_chat_model, load_llama
    from rag.chat_models import LlamaCppChat

    local = settings.model_copy(update={"llm": "llamacpp"})
    if "llamacpp" not in available_backends(local):
        result["notes"].append("llamacpp: skipped (llama_cpp or its model is not installed)")
        return
    from rag.embeddings import get_embeddings
    from rag.pipeline import Answerer
    from rag.store import open_store

    prompts: list[Any] = []
    first_token: list[float] = []
    chat = get_chat_model("llamacpp", local)
    assert isinstance(chat, LlamaCppChat)
    recording = _recording(chat, prompts, first_token)
    answerer = Answerer(local, open_store(local, get_embeddings()), lambda *_: recording)
    llama, _ = load_llama(chat.model_path, chat.n_ctx)
    figures = result["figures"]
    started = time.perf_counter()
    recording.invoke("Say OK.")  # loads the model; not part of the timed runs
    figures["llamacpp.load_s"] = round(time.perf_counter() - started, 2)
    answerer.ask(QUESTION, llm="extractive")  # retrieval warm, as in a running service

    llama.reset()
    started = time.perf_counter()
    shown, total = _first_and_total(p for p in answerer.stream(QUESTION) if isinstance(p, str))
    chain_ttft = (first_token[0] - started) if first_token else total
    messages, stop = prompts[-1]
    llama.reset()
    request = recording.completion_request(messages, stop)
    raw_ttft, raw_sentence, raw_total = _raw_stream(
        llama.create_chat_completion(**request, stream=True)
    )
    figures.update({
        "llamacpp.ttft_s": round(chain_ttft, 3), "llamacpp.raw_ttft_s": raw_ttft,
        "llamacpp.ttft_ratio": _ratio(chain_ttft, raw_ttft),
        "llamacpp.first_shown_s": shown, "llamacpp.raw_first_sentence_s": raw_sentence,
        "llamacpp.first_shown_ratio": _ratio(shown, raw_sentence),
        "llamacpp.total_s": total, "llamacpp.raw_total_s": raw_total,
        "llamacpp.total_ratio": _ratio(total, raw_total),
    })  # fmt: skip


def _recording(chat: Any, prompts: list[Any], first_token: list[float]) -> Any:
    """A copy of ``chat`` that notes each prompt and when its first token arrives."""
    from rag.chat_models import LlamaCppChat

    class Recording(LlamaCppChat):
        def _stream(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kw: Any
        ) -> Any:
            prompts.append((messages, stop))
            for chunk in super()._stream(messages, stop, run_manager, **kw):
                if not first_token:
                    first_token.append(time.perf_counter())
                yield chunk

    return Recording(model_path=chat.model_path, n_ctx=chat.n_ctx, max_tokens=chat.max_tokens)


def _ratio(ours: float, raw: float) -> float:
    return round(ours / max(raw, 1e-9), 2)


def _raw_stream(parts: Iterator[dict[str, Any]]) -> tuple[float, float, float]:
    """Seconds to the first token, to the first complete sentence, and to the end."""
    started = time.perf_counter()
    first = sentence = None
    text = ""
    for part in parts:
        delta = part["choices"][0]["delta"].get("content") or ""
        if delta and first is None:
            first = time.perf_counter() - started
        text += delta
        if sentence is None and _SENTENCE_END.search(text):
            sentence = time.perf_counter() - started
    total = time.perf_counter() - started
    return (round(first if first is not None else total, 3),
            round(sentence if sentence is not None else total, 3), round(total, 3))  # fmt: skip


def _first_and_total(parts: Iterator[str]) -> tuple[float, float]:
    started = time.perf_counter()
    first = None
    for part in parts:
        if first is None and part:
            first = time.perf_counter() - started
    total = time.perf_counter() - started
    return round(first if first is not None else total, 3), round(total, 3)
