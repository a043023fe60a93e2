"""Follow-up questions made standalone before retrieval: a deterministic rewrite, or the model's."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from rag.text import content_terms, proper_names, words

_POINTING_WORDS = {"it", "its", "they", "them", "their", "theirs", "that", "those", "this",
                   "these", "there", "then", "he", "him", "his", "she", "her", "hers"}  # fmt: skip
_SUCH = re.compile(r"\bsuch\b(?!\s+as\b)", re.IGNORECASE)  # "such a task", not "such as"
# "And if I don't name any target?", "What about Syria?": a question that carries on the last.
_CARRIES_ON = re.compile(r"^\s*(and|but|also|so|what about|how about|what if)(?=\s)", re.IGNORECASE)
# Words that say nothing about the topic and only dilute the carried-over context.
_GENERIC_WORDS = {"going", "happen", "happens", "happening", "article", "document", "text",
                  "know", "think", "mean", "means"}  # fmt: skip
_PERSON_WORDS = {"he", "him", "his", "she", "her", "hers", "they", "them", "their"}
_SHORT_QUESTION_TERMS = 1
_MAX_CARRIED_TERMS = 8

_REWRITE_SYSTEM = (
    "Rewrite the user's last question so it can be understood without the conversation. "
    "Keep its meaning; replace pronouns with what they refer to. "
    "Reply with the rewritten question only."
)
_REWRITE_PROMPT = ChatPromptTemplate.from_messages(
    [
        ("system", _REWRITE_SYSTEM),
        ("human", "Conversation:\n{conversation}\n\nLast question: {question}\n\nRewritten:"),
    ]
)


def needs_context(question: str) -> bool:
    """Whether the question points back (pronouns, 'there', 'And if...') or is too short."""
    tokens = set(words(question))
    if tokens & _POINTING_WORDS or _CARRIES_ON.match(question) or _SUCH.search(question):
        return True
    return len(content_terms(question)) <= _SHORT_QUESTION_TERMS


def deterministic_rewrite(question: str, history: Sequence[Mapping[str, str]]) -> str:
    """``question`` plus the words of the earlier turns it points back to (no model involved)."""
    standalone = ""
    last_answer = ""
    for turn in history:
        content = str(turn.get("content", ""))
        if turn.get("role") == "user":
            standalone = _with_context(content, standalone, last_answer) if standalone else content
        else:
            last_answer = content
    if not standalone:
        return question
    return _with_context(question, standalone, last_answer)


def _with_context(question: str, previous_question: str, previous_answer: str) -> str:
    """Append the previous question's content words (and answer's names for 'he'/'she')."""
    if not needs_context(question):
        return question
    have = set(content_terms(question))
    carried: list[str] = []
    for word in _context_words(question, previous_question, previous_answer):
        term = content_terms(word)
        if term and term[0] not in have and word not in carried:
            carried.append(word)
            have.add(term[0])
    if not carried:
        return question
    return f"{question} ({' '.join(carried[:_MAX_CARRIED_TERMS])})"


def _context_words(question: str, previous_question: str, previous_answer: str) -> list[str]:
    """Names first, then the other content words of the previous question, in order."""
    names = proper_names(previous_question)
    ordered = sorted(_tokens(previous_question), key=lambda w: w.lower() not in names)
    found = [w for w in ordered if content_terms(w) and w.lower() not in _GENERIC_WORDS]
    if set(words(question)) & _PERSON_WORDS:
        answer_names = proper_names(previous_answer)
        found = [w for w in _tokens(previous_answer) if w.lower() in answer_names] + found
    return found


def _tokens(text: str) -> list[str]:
    """Words with a possessive 's removed ("What's" -> "What", "Iraq's" -> "Iraq")."""
    return [re.sub(r"['’]s$", "", w) for w in re.findall(r"[\w’'-]+", text)]


def model_rewrite(
    model: BaseChatModel, question: str, history: Sequence[Mapping[str, str]], fallback: str
) -> str:
    """The model's standalone question when it keeps the question's and context's key terms."""
    conversation = "\n".join(
        f"{turn.get('role', 'user')}: {str(turn.get('content', ''))[:400]}" for turn in history[-4:]
    )
    chain = _REWRITE_PROMPT | model | StrOutputParser()
    rewritten = chain.invoke({"conversation": conversation, "question": question}).strip()
    rewritten = rewritten.splitlines()[0].strip() if rewritten else ""
    return rewritten if _keeps_key_terms(rewritten, question, fallback) else fallback


def _keeps_key_terms(rewritten: str, question: str, fallback: str) -> bool:
    """A rewrite is trusted only if it kept the question's terms and one carried-over term."""
    if not rewritten or len(rewritten) > 300 or not rewritten.endswith("?"):
        return False
    terms = set(content_terms(rewritten))
    own = set(content_terms(question))
    carried = set(content_terms(fallback)) - own
    return own <= terms and (not carried or bool(carried & terms))
