"""The question itself: cleaned, stripped of instructions, made standalone, split into parts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence

from langchain_core.language_models import BaseChatModel

from rag.errors import BadQuestion
from rag.followup import deterministic_rewrite, model_rewrite, needs_context
from rag.injection import as_data, commands_the_assistant, fold_lookalikes
from rag.sentences import Span, split_sentences
from rag.text import content_terms

Turn = Mapping[str, str]


def clean_question(question: str, max_chars: int) -> str:
    """A question fit to answer, or ``BadQuestion`` saying what is wrong with it."""
    if not isinstance(question, str):
        raise BadQuestion("The question must be text.")
    text = question.encode("utf-8", "ignore").decode("utf-8")
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        raise BadQuestion("Please type a question; this one is empty.")
    if len(text) > max_chars:
        raise BadQuestion(f"The question is {len(text)} characters long; the limit is {max_chars}.")
    if not any(ch.isalnum() for ch in text):
        raise BadQuestion("The question has no words in it; please ask in words.")
    return text


def only_instructions(question: str) -> bool:
    """Whether every sentence of the question addresses the assistant instead of the documents."""
    text = as_data(question)
    spans = _sentences(text)
    return bool(spans) and all(commands_the_assistant(text[s.start : s.end]) for s in spans)


def without_instructions(question: str) -> str:
    """The question minus sentences addressed to the assistant, if any other sentence is left."""
    question = as_data(question)
    spans = _sentences(question)
    kept = [question[s.start : s.end] for s in spans]
    kept = [text for text in kept if not commands_the_assistant(text)]
    return " ".join(kept) if kept and len(kept) < len(spans) else question


def _sentences(question: str) -> list[Span]:
    # An order may start with a look-alike capital ("Іgnore", Cyrillic І) that the splitter
    # would not take for a sentence start; folding keeps every offset.
    return split_sentences(fold_lookalikes(question))


def standalone_question(
    question: str, history: Sequence[Turn], model: BaseChatModel | None = None
) -> str:
    """The question made understandable without the conversation (unchanged when it already is)."""
    if not history or not needs_context(question):
        return question
    rewritten = deterministic_rewrite(question, history)
    if model is None:
        return rewritten
    try:
        return model_rewrite(model, question, history, fallback=rewritten)
    except Exception:  # the deterministic rewrite is the safety net for any model failure
        return rewritten


# ", and when?", ", and which one ...": a second question joined to the first. Only after a
# comma: "When and where was it published?" and "... first but whose changes ..." are one ask.
_JOINED_QUESTION = re.compile(
    r",\s+and\s+(?=(?:what|which|who|whom|whose|when|where|why|how"
    r"|(?:in|from|at|for|to|on|by|with|since|until)\s+(?:what|which|whom))\b)",
    re.IGNORECASE,
)
MAX_PARTS = 3  # each part is searched on its own; more would only lengthen the answer
_ONE = re.compile(r"\bones?\b", re.IGNORECASE)
# The earlier turns' words a follow-up was given: "Which outlet did he talk to, and when? (...)".
_CARRIED_CONTEXT = re.compile(r"\s*(\([^()]*\))\s*$")


def question_parts(question: str) -> list[str]:
    """The questions a compound question asks ("Who said it, and when?"), each able to stand.

    A later part too short to search on its own ("when?", "which one?") carries the first part;
    words carried from earlier turns, in brackets at the end, go with every part.
    """
    context = _CARRIED_CONTEXT.search(question)
    asked = question[: context.start()] if context else question
    pieces = [p.strip(" ,;") for p in _JOINED_QUESTION.split(asked, maxsplit=MAX_PARTS - 1)]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2 or not content_terms(pieces[0]):
        return [question]
    first = pieces[0].rstrip(" ?")
    parts = [f"{first}?"]
    for piece in pieces[1:]:
        piece = piece[0].upper() + piece[1:].rstrip(" ?")
        if len(content_terms(piece)) <= 1 or _ONE.search(piece):
            piece = f"{piece} ({first})"
        parts.append(f"{piece}?")
    return [f"{part} {context.group(1)}" if context else part for part in parts]


def without_carried_context(part: str) -> str:
    """A part as the user asked it, without the words carried from earlier turns."""
    return _CARRIED_CONTEXT.sub("", part) if part.endswith(")") else part
