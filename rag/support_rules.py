"""Word-level rules of the support checker: alignment, names, negations, hedges, numbers,
opposites.

Plain functions over a sentence and its passage text; the tuned thresholds stay in
``rag.verification`` and are passed in.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rag.text import STOPWORDS, content_terms, negations_in, proper_names, same_root, stem, words

_CLAUSE_BREAK = re.compile(r"[,;:()–—“”\"]|\s(?:that|while|but|although|whereas|because)\s")
# "no later than", "not only": bounds and emphasis, not negations.
_NOT_NEGATING = re.compile(
    r"\bno\s+(?:later|earlier|more|less|fewer|sooner|longer|greater)\s+than\b|\bnot only\b"
)
_FROM_TO = re.compile(r"\bfrom\s+(?:the\s+)?(\w+)\s+to\s+(?:the\s+)?(\w+)")
_INFLECTION = r"(?:e|es|s|ed|d|ing|ation|ion|tion|ment|ness|nes|ly|ce|t|ance|ant|ty|y)?"
# Generic opposites as stem roots; a sentence that puts one side where its passage has the
# other flips the meaning without any negation word.
_OPPOSITES = [
    tuple(line.split(" / "))
    for line in """
    increas|rise|rose|risen|rising|grow|grew|grown / decreas|fall|fell|fallen|declin|drop|dropp
    increas|rise|rose|grow|grew|expand|gain / shrink|shrank|reduc|cut|los|lost
    add / drop|dropp|remov|delet
    begin|began|begun|start|launch|open / end|finish|conclud|stop|halt|ceas|clos
    continu|keep|kept|remain|stay|extend / end|stop|halt|ceas|terminat|finish
    stay|remain / withdraw|withdrew|withdrawn
    before|earlier|prior / after|later|following
    more|greater|higher|larger|bigger|above|over / less|fewer|lower|smaller|below|under
    most|maximum|latest / least|minimum|earliest
    approv|accept|agree|support|endors / reject|refus|disagree|oppos|veto
    allow|permit|approv / forbid|forbade|ban|prohibit
    confirm|admit|true|correct / deny|deni|false|wrong|incorrect
    win|won|succeed|success / lose|lost|fail|failure
    strengthen|stabili|stabl|boost|improv / weaken|toppl|destabili|devast|worsen|damag
    build|built|strengthen / destroy|toppl|devast
    eager|willing|keen / hesit|reluctan|unwilling
    still / longer|anymore
    legal|lawful / illegal|unlawful
    same|similar|identical / different|differ|unlike
    buy|bought|import|arriv|enter|join / sell|sold|export|depart|exit|quit
    """.split("\n")
    if line.strip()
]  # fmt: skip
# Common equivalent forms of country names; derivations like Iraq/Iraqi are handled by rule.
_NAME_ALIASES = [
    {"us", "usa", "america", "american", "americans"},
    {"uk", "britain", "british", "england", "english"},
]
_DEMONYM_ENDINGS = ("i", "is", "n", "ns", "an", "ans", "ian", "ians", "ese", "ish", "s")
_KEPT_FUNCTION_WORDS = frozenset(
    "after before more most less over under above below again against only few up down off out"
    " no not never without still yet".split()
)


@dataclass(frozen=True)
class Edit:
    """A stretch where the sentence departs from its closest passage sentence."""

    new: tuple[str, ...]  # the sentence's words here
    old: tuple[str, ...]  # the passage words they stand in for
    novel: tuple[str, ...]  # the new words whose stems are nowhere in the passages


@dataclass(frozen=True)
class Alignment:
    """The sentence aligned with its closest passage sentence."""

    copy_ratio: float  # share of the sentence's terms copied in order from the passage sentence
    edits: tuple[Edit, ...]
    dropped: tuple[str, ...]  # words of the passage sentence the sentence leaves out


def roots_match(a: str, b: str) -> bool:
    """Same word up to inflection: equal, or a long shared prefix ('protecting'/'protection')."""
    return same_root(a, b, min_shared=5, min_share=0.8)


def term_found(term: str, terms: Iterable[str]) -> bool:
    """Whether ``term`` matches any of ``terms`` up to inflection."""
    return any(roots_match(term, other) for other in terms)


def share(terms: list[str], others: list[str]) -> float:
    """Share of ``terms`` found among ``others`` (0 when ``terms`` is empty)."""
    return sum(term_found(t, others) for t in terms) / len(terms) if terms else 0.0


def _alignment_terms(text: str) -> list[tuple[str, str]]:
    """(stem, word) pairs in order, keeping function words that carry meaning (after, more)."""
    return [
        (w.replace(",", "") if w[0].isdigit() else stem(w), w)
        for w in words(text)
        if w not in STOPWORDS or w in _KEPT_FUNCTION_WORDS
    ]


def align(
    sentence: str, passage_sentences: Sequence[str], passage_terms: Iterable[str]
) -> Alignment:
    """Align the sentence's terms with those of the passage sentence closest to it."""
    mine = _alignment_terms(sentence)
    stems = [t for t, _ in mine]
    theirs = max(
        (_alignment_terms(p) for p in passage_sentences),
        key=lambda pairs: share(stems, [t for t, _ in pairs]),
    )
    matcher = difflib.SequenceMatcher(a=stems, b=[t for t, _ in theirs], autojunk=False)
    edits, dropped = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        dropped += [w for _, w in theirs[j1:j2]]
        if tag in ("replace", "delete"):  # the sentence has terms the passage lacks here
            novel = tuple(w for t, w in mine[i1:i2] if not term_found(t, passage_terms))
            new = tuple(w for _, w in mine[i1:i2])
            edits.append(Edit(new, tuple(w for _, w in theirs[j1:j2]), novel))
    copied = sum(block.size for block in matcher.get_matching_blocks())
    return Alignment(copied / max(len(mine), 1), tuple(edits), tuple(dropped))


def number_swap(alignment: Alignment) -> str | None:
    """A number put where the closest passage sentence has a different one."""
    for edit in alignment.edits:
        new = [w for w in edit.new if w[0].isdigit()]
        old = [w for w in edit.old if w[0].isdigit()]
        if new and old and len(edit.new) <= 3 and len(edit.old) <= 3:
            return f"number {new[0]} where the passage says {old[0]}"
    return None


def name_found(name: str, passage_words: frozenset[str]) -> bool:
    """A name is found as is, through a common alias, or as a derived form (Iraqi/Iraq)."""
    for part in (p for p in name.split("-") if p):
        aliases = next((group for group in _NAME_ALIASES if part in group), {part})
        if aliases & passage_words:
            continue
        if not any(_derived_name(part, word) for word in passage_words):
            return False
    return True


def is_acronym_of(name: str, sentence: str, passage_text: str) -> bool:
    """'CFO' for 'chief financial officer': initials of consecutive passage words."""
    if not (3 <= len(name) <= 6 and re.search(rf"\b{re.escape(name.upper())}\b", sentence)):
        return False
    return name in "".join(word[0] for word in words(passage_text))


def _derived_name(a: str, b: str) -> bool:
    """One word is the other plus a demonym ending ('kenyan'/'kenya')."""
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.startswith(short) and long_[len(short) :] in _DEMONYM_ENDINGS


def missing_name(
    sentence: str, passages: Sequence[str], passage_words: frozenset[str]
) -> str | None:
    """A proper name of the sentence that the passages neither mention nor abbreviate."""
    first = words(sentence)[:1]
    for name in sorted(proper_names(sentence)):
        if first == [name] and name.endswith("ly"):
            continue  # a sentence-initial adverb ("Roughly"), not a name
        if not name_found(name, passage_words) and not is_acronym_of(
            name, sentence, " ".join(passages)
        ):
            return f"name '{name}' not in the cited passage"
    return None


def clauses(text: str) -> list[tuple[list[str], set[str]]]:
    """Clauses of ``text`` as (content terms, negation words)."""
    result = []
    for clause in _CLAUSE_BREAK.split(_NOT_NEGATING.sub(" ", text.lower())):
        negations = negations_in(clause) | ({"no longer"} if "no longer" in clause else set())
        result.append((content_terms(clause), negations))
    return result


def negation_conflict(sentence: str, passage_sentences: Sequence[str], cover: float) -> str | None:
    """A clause negated on one side and repeated (``cover`` of it) without negation on the other."""
    mine = clauses(sentence)
    theirs = [c for p in passage_sentences for c in clauses(p)]
    for p_terms, p_neg in theirs:
        if p_neg and len(p_terms) >= 2:
            for s_terms, s_neg in mine:
                if not s_neg and share(p_terms, s_terms) >= cover:
                    return f"negation differs: '{sorted(p_neg)[0]}' missing"
    for s_terms, s_neg in mine:
        related = [p for p in theirs if sum(term_found(t, p[0]) for t in s_terms) >= 2]
        if s_neg and related and not any(p_neg for _, p_neg in related):
            return f"negation differs: '{sorted(s_neg)[0]}' not in the cited passage"
    return None


# Lower case only: "May" is the month (rag.text.dates_in reads it so too).
_HEDGES = re.compile(r"\b(?:may|might)\b")
_POSSIBILITY = frozenset(
    "may might can could cannot optional optionally possible possibly perhaps maybe sometimes"
    " allow allows allowed permit permits permitted".split()
)


def hedge_added(sentence: str, passages: Sequence[str]) -> str | None:
    """A 'may' or 'might' in the sentence where no passage speaks of a possibility or permission.

    "The index build may skip waiting" against "must wait", "the flag may stay set" against "is
    cleared": the hedge changes what the passage states (must vs may), so no word of the
    sentence may bring it in alone.
    """
    hedge = _HEDGES.search(sentence)
    if hedge is None or any(w in _POSSIBILITY for p in passages for w in words(p)):
        return None
    return f"modality: '{hedge.group()}' where the cited passage says no such thing"


def is_opposite(word: str, other: str) -> bool:
    """Whether ``word`` and ``other`` sit on opposite sides of one of the opposites."""
    for left, right in _OPPOSITES:
        for said, source in ((left.strip(), right.strip()), (right.strip(), left.strip())):
            if re.fullmatch(rf"(?:{said}){_INFLECTION}", stem(word)) and re.fullmatch(
                rf"(?:{source}){_INFLECTION}", stem(other)
            ):
                return True
    return False


def polarity_flip(
    sentence: str, passage_sentences: Sequence[str], alignment: Alignment, min_copy_ratio: float
) -> str | None:
    """An opposite word put in place of the passage's, or a reversed 'from X to Y'."""
    pairs = [p for e in alignment.edits if len(e.new) <= 3 and len(e.old) <= 3
             for p in itertools.product(e.new, e.old)]  # fmt: skip
    if alignment.copy_ratio >= min_copy_ratio:
        # In a near copy, any word left out may have been replaced by its opposite.
        added = [w for e in alignment.edits for w in e.new]
        pairs += itertools.product(added, alignment.dropped)
    for word, other in pairs:
        if is_opposite(word, other):
            return f"polarity differs: '{word}' where the passage says '{other}'"
    theirs = " ".join(passage_sentences).lower()
    for start, end in _FROM_TO.findall(sentence.lower()):
        for p_start, p_end in _FROM_TO.findall(theirs):
            if roots_match(stem(start), stem(p_end)) and roots_match(stem(end), stem(p_start)):
                return f"order reversed: 'from {start} to {end}'"
    return None
