"""Lexical helpers shared by retrieval, answering and verification: words, numbers, names."""

from __future__ import annotations

import functools
import re
import unicodedata

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves also said says say
    tell told according done get got may might must shall us one ever yet still whose""".split()
)
NEGATIONS = frozenset(
    """not no never none nobody nothing neither nor without cannot can't won't don't doesn't
    didn't isn't aren't wasn't weren't hasn't haven't hadn't shouldn't wouldn't couldn't""".split()
)
NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
    "hundred": "100", "thousand": "1000", "million": "1000000", "billion": "1000000000",
    "dozen": "12", "half": "0.5", "first": "1", "second": "2", "third": "3",
}  # fmt: skip
MONTHS = (
    "january february march april may june july august september october november december"
).split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
# Month names that are also ordinary words ("you may", "to march", "an august body"): in lower
# case they are those words, so only the capitalised form names the month.
_WORDLIKE_MONTHS = frozenset({"may", "march", "august"})
_DATE_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)


def visible_text(text: str) -> str:
    """``text`` as a reader sees it: compatibility forms folded (NFKC), invisible ones dropped.

    For detecting and displaying only: stored offsets always refer to the original text.
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")


_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)?|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def words(text: str) -> list[str]:
    """Lower-cased word and number tokens, apostrophes normalised."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


_SUFFIXES = (
    "ational", "ations", "ation", "ments", "ment", "ingly", "ings", "ing", "ally", "edly",
    "ies", "ied", "ers", "er", "ed", "ly", "al", "es", "s",
)  # fmt: skip


@functools.lru_cache(maxsize=65536)  # a corpus repeats its words; BM25 builds stem them all
def stem(word: str) -> str:
    """A light suffix-stripping stem, enough to match 'withdrawing' with 'withdrawal'."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def shared_prefix(a: str, b: str) -> int:
    """How many leading characters ``a`` and ``b`` have in common."""
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return size


def same_root(a: str, b: str, min_shared: int = 5, min_share: float = 0.0) -> bool:
    """Same word up to inflection: equal, or sharing ``min_shared`` leading letters or more that
    make ``min_share`` of the shorter word or more ('protecting'/'protection')."""
    if a == b:
        return True
    shared = shared_prefix(a, b)
    return shared >= min_shared and shared >= min_share * min(len(a), len(b))


def content_terms(text: str) -> list[str]:
    """Stemmed content words (stopwords dropped, number words turned into digits)."""
    terms = []
    for raw in _WORD.findall(text):
        word = "usa" if raw in ("US", "U.S") else raw.lower().replace("’", "'")
        if word in STOPWORDS or word in NEGATIONS:
            continue
        terms.append(NUMBER_WORDS.get(word) or normalise_number(word) or stem(word))
    return terms


# Ranking reads each candidate sentence's terms several times per question (its own, as the
# next sentence's context, for the question's rarity weights, in both rank passes) and again for
# later questions: the same texts recur, so their sets are kept.
@functools.lru_cache(maxsize=32768)
def term_set(text: str) -> frozenset[str]:
    """The set of ``content_terms`` of ``text``, computed once per distinct text."""
    return frozenset(content_terms(text))


def normalise_number(token: str) -> str | None:
    """'2,500' -> '2500', '12' -> '12'; None for words that are not numbers."""
    if not _NUMBER.fullmatch(token):
        return None
    return token.replace(",", "")


def numbers_in(text: str) -> set[str]:
    """Every number in ``text`` as digits, number words included ('twelve' -> '12')."""
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    found |= {NUMBER_WORDS[w] for w in words(text) if w in NUMBER_WORDS and w != "one"}
    return found


def dates_in(text: str) -> set[str]:
    """Month and weekday names in ``text``, lower-cased; "may", "march" and "august" only when
    capitalised ("in May", not "you may")."""
    found = (w.replace("’", "'").removesuffix("'s") for w in _WORD.findall(text))
    return {w.lower() for w in found if w.lower() in _DATE_WORDS and w not in _WORDLIKE_MONTHS}


def negations_in(text: str) -> set[str]:
    """Negation words present in ``text``."""
    return {w for w in words(text) if w in NEGATIONS or w.endswith("n't")}


_NAME = re.compile(r"\b[A-Z][a-zA-Z\u00C0-\u024F'’-]+(?:\s+(?:[A-Z][a-zA-Z'’-]+|al-\w+))*")


def proper_names(text: str) -> set[str]:
    """Capitalised words that are not merely sentence-initial function words, lower-cased."""
    names: set[str] = set()
    for match in _NAME.finditer(text):
        for token in match.group(0).split():
            low = token.lower().strip("'’")
            if low in STOPWORDS or low in NEGATIONS or low in NUMBER_WORDS:
                continue
            names.add(low.removesuffix("'s").removesuffix("’s"))
    return names


_ANAPHOR = re.compile(
    r"^[“\"‘']?(this|these|that|those|it|its|he|she|they|his|her|their|such|the (statement|"
    r"move|plan|decision|report|agency|company|group|official))\b",
    re.IGNORECASE,
)


def points_back(text: str) -> bool:
    """Whether a sentence opens with a word pointing back (This, It, Their, The move...)."""
    return bool(_ANAPHOR.match(text))
