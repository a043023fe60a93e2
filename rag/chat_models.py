"""LangChain chat models of the backends (``rag.backends`` imports them only when one is made).

``LlamaCppChat`` runs llama.cpp in process; ``ScriptedChatModel`` replies deterministically
and is registered by tests and evals only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field, PrivateAttr

from rag.backends import load_llama

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class LlamaCppChat(BaseChatModel):
    """A chat model over llama-cpp-python, using the chat template stored in the GGUF."""

    model_path: str
    n_ctx: int = 2048
    max_tokens: int = 256
    temperature: float = 0.0

    @property
    def _llm_type(self) -> str:
        return "llamacpp"

    def completion_request(
        self, messages: list[BaseMessage], stop: list[str] | None
    ) -> dict[str, Any]:
        """The arguments of ``Llama.create_chat_completion`` for these messages."""
        return {
            "messages": [{"role": _ROLES.get(m.type, "user"), "content": m.text} for m in messages],
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stop": stop or [],
        }

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        llama, lock = load_llama(self.model_path, self.n_ctx)
        with lock:
            reply = llama.create_chat_completion(**self.completion_request(messages, stop))
        text = reply["choices"][0]["message"].get("content") or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama, lock = load_llama(self.model_path, self.n_ctx)
        with lock:
            for part in llama.create_chat_completion(
                **self.completion_request(messages, stop), stream=True
            ):
                delta = part["choices"][0]["delta"].get("content")
                if delta:
                    if run_manager:
                        run_manager.on_llm_new_token(delta)
                    yield ChatGenerationChunk(message=AIMessageChunk(content=delta))


# --- scripted: deterministic, for tests (which register it as ``fake``; production never does)

_FIRST_CANDIDATE = re.compile(r"^\[(\d+)\] (.+)$", re.MULTILINE)


class ScriptedChatModel(BaseChatModel):
    """Replies with ``replies`` in turn; without a script it quotes the first numbered line."""

    replies: list[str] = Field(default_factory=list)
    chunk_chars: int = 7
    _calls: int = PrivateAttr(default=0)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def calls(self) -> int:
        """How many times the model was asked for a reply."""
        return self._calls

    def _reply(self, messages: list[BaseMessage]) -> str:
        self._calls += 1
        if self.replies:
            return self.replies[(self._calls - 1) % len(self.replies)]
        found = _FIRST_CANDIDATE.search(messages[-1].text if messages else "")
        return f"{found.group(2)} [{found.group(1)}]" if found else "I cannot tell."

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = AIMessage(content=self._reply(messages))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        text = self._reply(messages)
        for i in range(0, len(text), self.chunk_chars):
            piece = text[i : i + self.chunk_chars]
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
