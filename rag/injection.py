"""Text addressed to the assistant rather than the reader: instructions, role turns, live markup.

Such sentences are never quoted from documents nor offered to a model, generated sentences
like them are never shown, and questions made only of them are refused.
"""

from __future__ import annotations

import re
import unicodedata

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules?|prompt|above|"
    r"previous|article|document|context|question|user)\b|\bsystem prompt\b|"
    r"\bnew (?:rules?|instructions?)\b|"
    r"\b(?:start|begin|end|append to|finish) (?:your|the) (?:reply|answer|response)\b|"
    r"\bto the end of (?:your|the) (?:reply|answer|response)\b|\byou are now\b",
    re.IGNORECASE,
)
# The same orders in French, German, Spanish, Italian and Portuguese (imperatives only, so
# reported speech such as "the council ignored the rules" stays quotable).
_FOREIGN_INSTRUCTION = re.compile(
    r"\b(?:ignorez|ignore|ignorer|oubliez|oublie|ignoriere|ignorieren|vergiss|vergessen|ignora|"
    r"olvida|olvide|dimentica|esqueça|esqueca)\b.{0,60}\b(?:instructions|consignes|règles|"
    r"anweisungen|regeln|befehle|instrucciones|reglas|istruzioni|regole|instruções|instrucoes|"
    r"regras)\b",
    re.IGNORECASE,
)
# Text that speaks to an AI reading it ("any assistant reading this must ...").
_ADDRESSED = re.compile(
    r"\b(?:assistants?|chatbots?|AIs?|language models?|LLMs?)\b(?: \w+){0,2} reading this\b|"
    r"\bif you are an? (?:AI|assistant|chatbot|language model|LLM)\b|"
    r"\bnote to (?:the |any )?(?:AI|assistant|chatbot|language model|LLM)s?\b",
    re.IGNORECASE,
)
# A fake conversation turn or chat-template token ("SYSTEM: ...", "Assistant: ...", "[INST]").
_ROLE_TURN = re.compile(
    r"^\W{0,3}(?:system|assistant|user|human)\s*:|<\|[a-z_]{2,20}\|>|\[/?INST\]|<</?SYS>>|"
    r"^#{1,6}\s*(?:system|instructions?|response)\b",
    re.IGNORECASE | re.MULTILINE,
)
# Markup that would be live if some client rendered the answer as HTML or Markdown, and the
# prompt's own delimiters. Plain tags such as "<major>" in a manual stay quotable.
_MARKUP = re.compile(
    r"<\s*/?\s*(?:script|img|iframe|object|embed|svg|style|link|meta|form|input|button|audio|"
    r"video|source|base|frame|body|html)(?=[\s/>])|<\s*a\s[^>]*\bhref|"
    r"\b(?:javascript|vbscript)\s*:|\bdata\s*:\s*text/html|!\[[^\]]*\]\([^)]*\)|"
    r"</?\s*(?:candidates|question)\s*>",
    re.IGNORECASE,
)
# In a question, also an order to assert something ("announce that ...", "say: ..."). Not used
# on documents: manuals are full of imperatives ("Write a build file ...").
_COMMAND = re.compile(
    r"^(?:as \w+, )?(?:please )?(?:(?:announce|state|declare|claim|proclaim)(?: that\b|\s*:)|"
    r"(?:say|print|output|repeat|reply|respond|write|tell (?:me|us|everyone))\b"
    r"(?! (?:me )?(?:what|who|when|where|why|how|which|whether|if)\b))|"
    r"\bpretend (?:to be|you are)\b|\bact as\b",
    re.IGNORECASE,
)
_PATTERNS = (_INSTRUCTION, _FOREIGN_INSTRUCTION, _ADDRESSED, _ROLE_TURN, _MARKUP)


def visible_text(text: str) -> str:
    """``text`` as a reader sees it: compatibility forms folded, invisible characters dropped."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


def looks_like_instruction(text: str) -> bool:
    """Whether ``text`` addresses the assistant ("ignore previous instructions", "SYSTEM:", ...)."""
    visible = visible_text(text)
    return any(pattern.search(visible) for pattern in _PATTERNS)


def commands_the_assistant(question_sentence: str) -> bool:
    """Whether a sentence of a question is an order to the assistant rather than a question."""
    return looks_like_instruction(question_sentence) or bool(
        _COMMAND.search(visible_text(question_sentence))
    )
