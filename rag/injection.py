"""Text addressed to the assistant rather than the reader: instructions, role turns, live markup.

Such sentences, and sentences carrying a link, are never quoted from documents nor offered to a
model, generated sentences like them are never shown, and questions made only of orders are
refused. Every check reads the text as a reader sees it, look-alike letters made Latin.
"""

from __future__ import annotations

import functools
import re

from rag.text import visible_text

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
# Who an order in a document is addressed to: an AI by name ("chatbots", "AI assistants",
# "language models") or, with an order to say something, any reader or assistant.
_AI = (
    r"(?:(?-i:AIs?)|A\.I\.|artificial intelligence|chat ?bots?|(?:AI|virtual|digital) assistants?|"
    r"(?:AI|language|large language) models?|(?-i:LLMs?)|(?-i:GPTs?)|(?:AI|automated) "
    r"(?:systems?|agents?|tools?))"
)
_ANYONE = r"(?:readers?|assistants?|models?|bots?|anyone|anybody|everyone|whoever)"
_MODAL = (
    r"(?:must|should|shall|needs? to|ha(?:ve|s) to|(?:are|is) to|ought to|will (?:always|now)|"
    r"(?:may|can) only|(?:are|is) (?:required|instructed|expected|asked|told|supposed) to)"
)
_SPEAK = (
    r"(?:say|reply|respond|answer|tell|state|claim|write|mention|report|repeat|announce|declare|"
    r"print|output|include|add|append|link|ignore|disregard)"
)
_UP_TO_12_WORDS = r"(?:[\s,]+[\w'’-]+){0,12}?[\s,]+"
# Text that speaks to an AI reading it ("any assistant reading this must ...", "chatbots
# answering questions about X must say ...", "if you are an AI ...", "AI assistants should ...").
_ADDRESSED = re.compile(
    rf"\b(?:{_AI}|assistants?)\b(?: \w+){{0,2}} reading this\b|"
    r"\bif you are an? (?:AI|assistant|chatbot|language model|LLM)\b|"
    r"\bnote to (?:the |any )?(?:AI|assistant|chatbot|language model|LLM)s?\b|"
    rf"\b{_AI}\b{_UP_TO_12_WORDS}{_MODAL}\b|"
    rf"\b{_ANYONE}\b{_UP_TO_12_WORDS}{_MODAL}(?:[\s,]+\w+){{0,2}}?[\s,]+{_SPEAK}\b|"
    rf"\b(?:when|if|whenever|while) you(?:'re| are)? (?:asked|answer|respond|reply|summari[sz]e|"
    rf"write)\w*\b.{{0,80}}?\b{_SPEAK}\b",
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
    r"^(?:(?:and |but )?(?:then|also|now|next|finally|lastly|afterwards|after that)\b,?\s+)?"
    r"(?:as \w+, )?(?:please )?(?:(?:announce|state|declare|claim|proclaim)(?: that\b|\s*:)|"
    r"(?:say|print|output|repeat|reply|respond|write|include|add|append|insert|paste|"
    r"tell (?:me|us|everyone))\b"
    r"(?! (?:me )?(?:what|who|when|where|why|how|which|whether|if)\b))|"
    r"\bpretend (?:to be|you are)\b|\bact as\b",
    re.IGNORECASE,
)
# A link: where an attacker sends the reader (or the question) to.
_LINK = re.compile(r"\b(?:https?|ftp|file)://|\bwww\.[\w-]+\.\w|\bmailto:", re.IGNORECASE)
_PATTERNS = (_INSTRUCTION, _FOREIGN_INSTRUCTION, _ADDRESSED, _ROLE_TURN, _MARKUP)

# Cyrillic and Greek letters drawn like Latin ones ("Іgnore" with a Cyrillic І): NFKC keeps
# them, so an order spelled with them would pass every pattern. No confusables table ships
# with the installed packages; these are the common look-alikes of Unicode's confusables.txt.
_CYRILLIC = ("АВЕЅІЈКМНОРСТХУԁԛԝһӏӀаеіјорсухѕүɡ", "ABESIJKMHOPCTXYdqwhlIaeijopcyxsyg")  # ɡ: IPA g
_GREEK = ("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαιονρυχϲκ", "ABEZHIKMNOPTYXaiovpuxck")
_LOOKALIKES = str.maketrans(_CYRILLIC[0] + _GREEK[0], _CYRILLIC[1] + _GREEK[1])


def fold_lookalikes(text: str) -> str:
    """``text`` with Cyrillic and Greek look-alikes of Latin letters made Latin (same length)."""
    return text.translate(_LOOKALIKES)


def instruction_view(text: str) -> str:
    """``text`` as the instruction checks read it: visible, look-alike letters made Latin."""
    return fold_lookalikes(visible_text(text))


def looks_like_instruction(text: str) -> bool:
    """Whether ``text`` addresses the assistant ("ignore previous instructions", "SYSTEM:", ...)."""
    view = instruction_view(text)
    return any(pattern.search(view) for pattern in _PATTERNS)


def carries_link(text: str) -> bool:
    """Whether ``text`` holds a URL (``https://``, ``www.``, ``mailto:``)."""
    return bool(_LINK.search(instruction_view(text)))


# Both rank passes of every question check each candidate sentence, and the next question
# checks most of them again: the answer for a text never changes, so it is kept.
@functools.lru_cache(maxsize=32768)
def unquotable(text: str) -> bool:
    """Whether a document or model sentence may never be quoted, offered to a model or shown.

    That is, it addresses the assistant, or it carries a link: an answer never needs one, and
    a link is how an injected order sends the reader, or the question, elsewhere.
    """
    return looks_like_instruction(text) or carries_link(text)


def commands_the_assistant(question_sentence: str) -> bool:
    """Whether a sentence of a question is an order to the assistant rather than a question."""
    view = instruction_view(question_sentence)
    if looks_like_instruction(question_sentence) or _COMMAND.search(view):
        return True
    # "... and a link to https://...": a sentence that hands over a link asks nothing.
    return carries_link(question_sentence) and not view.rstrip(" \"'”’)").endswith("?")


# The delimiters of the answer prompt (rag/generation.py) and of any prompt quoting a question.
_DELIMITER = re.compile(r"</?\s*(?:candidates|question)\s*>", re.IGNORECASE)


def as_data(text: str) -> str:
    """Text for inside the prompt's delimiters: one line, unable to close a delimiter."""
    return " ".join(_DELIMITER.sub(" ", text).split())
