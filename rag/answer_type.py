"""What kind of fact a question asks for (time, number, name) and whether a sentence has it."""

from __future__ import annotations

import re

from rag.text import MONTHS, WEEKDAYS, dates_in, numbers_in, proper_names, same_root, words

_DURATIONS = {"year", "years", "month", "months", "week", "weeks", "day", "days", "decade",
              "decades", "hours", "minutes"}  # fmt: skip
_TIME_WORDS = set(WEEKDAYS) | _DURATIONS | {"today", "yesterday", "tomorrow", "ago", "recent"}
_WH = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
_THE = r"(?:'s|\s+(?:is|was|are|were))?\s+(?:the\s+)?(?:exact\s+)?"
_TIME_NOUNS = _THE + r"(year|date|day|month|time|decade|century)\b"
_NAME_NOUNS = (
    _THE + r"(name|person|people|official|country|countries|group|organi[sz]ation|company)\b"
)


def expected_answer_type(question: str) -> str | None:
    """What kind of fact the question's main wh-phrase asks for: 'time', 'number', 'name', or None.

    Only the first wh-word counts: in "Which variable sets how many jobs run?" the answer is a
    variable, not a number.
    """
    found = _WH.search(question)
    if found is None:
        return None
    wh, rest = found.group(1).lower(), question[found.end() :].lower()
    if wh == "when" or (wh in ("what", "which") and re.match(_TIME_NOUNS, rest)):
        return "time"
    if wh == "how":
        takes_time = re.search(r"\b(take|takes|took|last|lasts|lasted|going)\b", rest)
        if re.match(r"\s+long\s+(is|are|was|were)\b", rest) and not takes_time:
            return None  # "how long is the railway" asks for a length, not a time
        if re.match(r"\s+(long|soon|often)\b", rest):
            return "time"
        return "number" if re.match(r"\s+(many|much|large|big)\b", rest) else None
    if wh in ("what", "which") and re.match(_THE + r"(number|percentage|share|amount)\b", rest):
        return "number"
    if wh in ("who", "whom", "whose") or (wh in ("what", "which") and re.match(_NAME_NOUNS, rest)):
        return "name"
    return None


def answer_type_strength(sentence: str, question: str, expected: str) -> float:
    """How clearly ``sentence`` holds a fact of the expected kind that the question lacks (0-1)."""
    if expected == "time":
        years = r"\b(?:1[89]|20)\d\d\b"
        if set(re.findall(years, sentence)) - set(re.findall(years, question)):
            return 1.0
        new_words = set(words(sentence)) - set(words(question))
        if (dates_in(sentence) & set(MONTHS)) - set(words(question)):  # "you may" is not May
            return 1.0
        if re.search(r"\b(day|weekday)\b", question, re.IGNORECASE) and new_words & set(WEEKDAYS):
            return 1.0
        if new_words & _DURATIONS and numbers_in(sentence) - numbers_in(question):
            return 0.9
        return 0.4 if new_words & _TIME_WORDS else 0.0
    if expected == "number":
        return 1.0 if numbers_in(sentence) - numbers_in(question) else 0.0
    names = new_names(sentence, question)
    if not names:
        return 0.0
    if _ASKS_PERSON.search(question) and not _FULL_NAME.search(sentence):
        return 0.5  # a person is usually named in full or by title, not by one capitalised word
    return 1.0


_ASKS_PERSON = re.compile(r"\b(who|whom|whose|person|people|official)\b", re.IGNORECASE)
_FULL_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z][\w'’-]+|al-\w+))+")


def new_names(sentence: str, question: str) -> set[str]:
    """Names in ``sentence`` that the question does not already use (Iraq and Iraqi are one)."""
    asked = proper_names(question)
    opening = re.match(r"\W*([A-Za-z]+)(\s+[A-Z])?", sentence)
    first = opening.group(1).lower() if opening else ""
    later = proper_names(sentence[opening.end(1) :] if opening else sentence)
    # A capitalised first word is only a name when it starts a longer name or recurs later.
    starts_name = opening is not None and opening.group(2) is not None
    found = proper_names(sentence) if starts_name or first in later else later
    return {
        name
        for name in found
        if not any(same_root(name, a, min_shared=4) for a in asked) or len(name) < 4
    }
