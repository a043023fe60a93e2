"""The support checker: does a generated sentence say only what its cited passages say?

Calibration: the thresholds were swept together over ``evals/data/support_pairs.jsonl`` only,
keeping the best accuracy that rejects no verbatim or partial quote (the middle of a tied
range); ``support_pairs_other.jsonl`` is scored as a held-out check, never used to tune.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.sentences import split_sentences
from rag.text import (
    MONTHS,
    STOPWORDS,
    WEEKDAYS,
    content_terms,
    negations_in,
    numbers_in,
    proper_names,
    stem,
    words,
)

MIN_COSINE = 0.5  # MiniLM cosine with the closest passage sentence or passage
MIN_RECALL = 0.3  # share of the sentence's content words found in the passages
MAX_COPIED_NOVEL = 2  # new content words tolerated next to a near-verbatim copy
MIN_COPY_RATIO = 0.65  # term-sequence similarity from which a sentence counts as a near copy
WINDOW_SLACK = 4  # words by which a compared passage window exceeds the sentence
MIN_SWAP_COPY_RATIO = 0.85  # a single-word change is only judged in a sentence this copied
MAX_SWAP_SIMILARITY = 0.65  # a word swapped into a copy must be at least this close a synonym
NEGATION_COVER = 0.6  # share of a negated passage clause a sentence clause must repeat

_CITATION = re.compile(r"\[\d+\]")
_MARKERS = re.compile(r"\[\d+\]|[\"“”‘’']")
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
_DATE_WORDS = frozenset(MONTHS) | frozenset(WEEKDAYS)
_DEMONYM_ENDINGS = ("i", "is", "n", "ns", "an", "ans", "ian", "ians", "ese", "ish", "s")


@dataclass(frozen=True)
class SupportVerdict:
    """Whether the passages support a sentence, why, and how confident (0-1)."""

    supported: bool
    reason: str
    score: float


@dataclass(frozen=True)
class _Evidence:
    """A sentence and its passages, pre-processed once for every rule."""

    sentence: str
    passages: tuple[str, ...]
    passage_sentences: tuple[str, ...]
    windows: tuple[str, ...]  # passages, their sentences and clauses, compared by cosine
    passage_terms: frozenset[str]
    passage_words: frozenset[str]


def _roots_match(a: str, b: str) -> bool:
    """Same word up to inflection: equal, or a long shared prefix ('protecting'/'protection')."""
    if a == b:
        return True
    shared = len(_common_prefix(a, b))
    return shared >= 5 and shared >= 0.8 * min(len(a), len(b))


def _common_prefix(a: str, b: str) -> str:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return a[:size]


def _term_found(term: str, terms: Iterable[str]) -> bool:
    return any(_roots_match(term, other) for other in terms)


def _clean(text: str) -> str:
    return " ".join(_MARKERS.sub(" ", text).split()).strip(" .!?")


def _prepare(sentence: str, passages: Sequence[str]) -> _Evidence:
    pieces = [p[s.start : s.end] for p in passages for s in split_sentences(p)]
    clean = " ".join(_CITATION.sub(" ", sentence).split())
    joined = " ".join(passages)
    return _Evidence(
        sentence=clean,
        passages=tuple(passages),
        passage_sentences=tuple(pieces) or tuple(passages),
        windows=tuple(dict.fromkeys([*passages, *pieces, *_windows(clean, pieces)])),
        passage_terms=frozenset(content_terms(joined)),
        passage_words=frozenset(w.removesuffix("'s") for w in words(joined)),
    )


def _windows(sentence: str, passage_sentences: Iterable[str]) -> list[str]:
    """Word windows a little longer than the sentence over the passage sentences sharing a
    word with it, so a sentence restating part of a long passage sentence meets that part."""
    size = len(sentence.split()) + WINDOW_SLACK
    terms = content_terms(sentence)
    windows = []
    for text in passage_sentences:
        tokens = text.split()
        if len(tokens) <= size or _share(terms, content_terms(text)) == 0:
            continue  # already compared whole, or unrelated
        for start in range(0, len(tokens) - size + size // 2, max(2, size // 2)):
            windows.append(" ".join(tokens[start : start + size]))
    return windows


def _is_quoted(ev: _Evidence) -> bool:
    """The sentence appears word for word inside one passage."""
    needle = _clean(ev.sentence).lower()
    return bool(needle) and any(needle in _clean(p).lower() for p in ev.passages)


def _missing_number(ev: _Evidence) -> str | None:
    """A number, month or weekday of the sentence that no passage mentions."""
    known = numbers_in(" ".join(ev.passages))
    missing = sorted(numbers_in(ev.sentence) - known)
    if missing:
        return f"number {missing[0]} not in the cited passage"
    dates = {w for w in words(ev.sentence) if w in _DATE_WORDS} - ev.passage_words
    return f"date '{sorted(dates)[0]}' not in the cited passage" if dates else None


def _number_swap(alignment: _Alignment) -> str | None:
    """A number put where the closest passage sentence has a different one."""
    for edit in alignment.edits:
        new = [w for w in edit.new if w[0].isdigit()]
        old = [w for w in edit.old if w[0].isdigit()]
        if new and old and len(edit.new) <= 3 and len(edit.old) <= 3:
            return f"number {new[0]} where the passage says {old[0]}"
    return None


def _name_found(name: str, passage_words: frozenset[str]) -> bool:
    """A name is found as is, through a common alias, or as a derived form (Iraqi/Iraq)."""
    for part in (p for p in name.split("-") if p):
        aliases = next((group for group in _NAME_ALIASES if part in group), {part})
        if aliases & passage_words:
            continue
        if not any(_derived_name(part, word) for word in passage_words):
            return False
    return True


def _is_acronym_of(name: str, sentence: str, passage_text: str) -> bool:
    """'CFO' for 'chief financial officer': initials of consecutive passage words."""
    if not (3 <= len(name) <= 6 and re.search(rf"\b{re.escape(name.upper())}\b", sentence)):
        return False
    return name in "".join(word[0] for word in words(passage_text))


def _derived_name(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 4 and long_.startswith(short) and long_[len(short) :] in _DEMONYM_ENDINGS


def _missing_name(ev: _Evidence) -> str | None:
    first = words(ev.sentence)[:1]
    for name in sorted(proper_names(ev.sentence)):
        if first == [name] and name.endswith("ly"):
            continue  # a sentence-initial adverb ("Roughly"), not a name
        if not _name_found(name, ev.passage_words) and not _is_acronym_of(
            name, ev.sentence, " ".join(ev.passages)
        ):
            return f"name '{name}' not in the cited passage"
    return None


def _clauses(text: str) -> list[tuple[list[str], set[str]]]:
    """Clauses of ``text`` as (content terms, negation words)."""
    result = []
    for clause in _CLAUSE_BREAK.split(_NOT_NEGATING.sub(" ", text.lower())):
        negations = negations_in(clause) | ({"no longer"} if "no longer" in clause else set())
        result.append((content_terms(clause), negations))
    return result


def _share(terms: list[str], others: list[str]) -> float:
    return sum(_term_found(t, others) for t in terms) / len(terms) if terms else 0.0


def _negation_conflict(ev: _Evidence) -> str | None:
    """A clause negated on one side and repeated without negation on the other."""
    mine = _clauses(ev.sentence)
    theirs = [c for p in ev.passage_sentences for c in _clauses(p)]
    for p_terms, p_neg in theirs:
        if p_neg and len(p_terms) >= 2:
            for s_terms, s_neg in mine:
                if not s_neg and _share(p_terms, s_terms) >= NEGATION_COVER:
                    return f"negation differs: '{sorted(p_neg)[0]}' missing"
    for s_terms, s_neg in mine:
        related = [p for p in theirs if sum(_term_found(t, p[0]) for t in s_terms) >= 2]
        if s_neg and related and not any(p_neg for _, p_neg in related):
            return f"negation differs: '{sorted(s_neg)[0]}' not in the cited passage"
    return None


_KEPT_FUNCTION_WORDS = frozenset(
    "after before more most less over under above below again against only few up down off out"
    " no not never without still yet".split()
)


def _alignment_terms(text: str) -> list[tuple[str, str]]:
    """(stem, word) pairs in order, keeping function words that carry meaning (after, more)."""
    return [
        (w.replace(",", "") if w[0].isdigit() else stem(w), w)
        for w in words(text)
        if w not in STOPWORDS or w in _KEPT_FUNCTION_WORDS
    ]


@dataclass(frozen=True)
class _Edit:
    """A stretch where the sentence departs from its closest passage sentence."""

    new: tuple[str, ...]  # the sentence's words here
    old: tuple[str, ...]  # the passage words they stand in for
    novel: tuple[str, ...]  # the new words whose stems are nowhere in the passages


@dataclass(frozen=True)
class _Alignment:
    copy_ratio: float  # share of the sentence's terms copied in order from the passage sentence
    edits: tuple[_Edit, ...]
    dropped: tuple[str, ...]  # words of the passage sentence the sentence leaves out


def _align(ev: _Evidence) -> _Alignment:
    """Align the sentence's terms with those of the passage sentence closest to it."""
    mine = _alignment_terms(ev.sentence)
    stems = [t for t, _ in mine]
    theirs = max(
        (_alignment_terms(p) for p in ev.passage_sentences),
        key=lambda pairs: _share(stems, [t for t, _ in pairs]),
    )
    matcher = difflib.SequenceMatcher(a=stems, b=[t for t, _ in theirs], autojunk=False)
    edits, dropped = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        dropped += [w for _, w in theirs[j1:j2]]
        if tag in ("replace", "delete"):  # the sentence has terms the passage lacks here
            novel = tuple(w for t, w in mine[i1:i2] if not _term_found(t, ev.passage_terms))
            new = tuple(w for _, w in mine[i1:i2])
            edits.append(_Edit(new, tuple(w for _, w in theirs[j1:j2]), novel))
    copied = sum(block.size for block in matcher.get_matching_blocks())
    return _Alignment(copied / max(len(mine), 1), tuple(edits), tuple(dropped))


def _is_opposite(word: str, other: str) -> bool:
    for left, right in _OPPOSITES:
        for said, source in ((left.strip(), right.strip()), (right.strip(), left.strip())):
            if re.fullmatch(rf"(?:{said}){_INFLECTION}", stem(word)) and re.fullmatch(
                rf"(?:{source}){_INFLECTION}", stem(other)
            ):
                return True
    return False


def _polarity_flip(ev: _Evidence, alignment: _Alignment) -> str | None:
    """An opposite word put in place of the passage's, or a reversed 'from X to Y'."""
    pairs = [p for e in alignment.edits if len(e.new) <= 3 and len(e.old) <= 3
             for p in itertools.product(e.new, e.old)]  # fmt: skip
    if alignment.copy_ratio >= MIN_COPY_RATIO:
        # In a near copy, any word left out may have been replaced by its opposite.
        added = [w for e in alignment.edits for w in e.new]
        pairs += itertools.product(added, alignment.dropped)
    for word, other in pairs:
        if _is_opposite(word, other):
            return f"polarity differs: '{word}' where the passage says '{other}'"
    theirs = " ".join(ev.passage_sentences).lower()
    for start, end in _FROM_TO.findall(ev.sentence.lower()):
        for p_start, p_end in _FROM_TO.findall(theirs):
            if _roots_match(stem(start), stem(p_end)) and _roots_match(stem(end), stem(p_start)):
                return f"order reversed: 'from {start} to {end}'"
    return None


def _novel_terms(ev: _Evidence) -> list[str]:
    return [t for t in content_terms(ev.sentence) if not _term_found(t, ev.passage_terms)]


class SupportChecker:
    """Decides whether passages support a sentence, by lexical rules and MiniLM similarity."""

    def __init__(
        self,
        embeddings: Embeddings,
        *,
        min_cosine: float = MIN_COSINE,
        min_recall: float = MIN_RECALL,
        max_swap_similarity: float = MAX_SWAP_SIMILARITY,
    ) -> None:
        self.embeddings = embeddings
        self.min_cosine = min_cosine
        self.min_recall = min_recall
        self.max_swap_similarity = max_swap_similarity

    def check(self, sentence: str, passages: Sequence[str]) -> SupportVerdict:
        """Whether ``passages`` together support ``sentence``."""
        return self.check_many([(sentence, passages)])[0]

    def check_many(self, pairs: Iterable[tuple[str, Sequence[str]]]) -> list[SupportVerdict]:
        """Verdicts for many (sentence, passages) pairs, with one batch of embedding calls."""
        evidence = [_prepare(sentence, passages) for sentence, passages in pairs]
        pending = [(ev, _align(ev)) for ev in evidence if not _is_quoted(ev)]
        texts = {text for ev, alignment in pending for text in _texts_to_embed(ev, alignment)}
        vectors = self._embed(sorted(texts))
        judged = iter([self._judge(ev, alignment, vectors) for ev, alignment in pending])
        return [
            SupportVerdict(True, "supported", 1.0) if _is_quoted(ev) else next(judged)
            for ev in evidence
        ]

    def _embed(self, texts: list[str]) -> dict[str, np.ndarray]:
        if not texts:
            return {}
        matrix = np.asarray(self.embeddings.embed_documents(texts), dtype=float)
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True) + 1e-12
        return dict(zip(texts, matrix, strict=True))

    def _judge(
        self, ev: _Evidence, alignment: _Alignment, vectors: dict[str, np.ndarray]
    ) -> SupportVerdict:
        """The first rule the sentence breaks, or 'supported'."""
        sentence = vectors[ev.sentence]
        cosine = max(float(vectors[window] @ sentence) for window in ev.windows)
        reason = (
            _missing_number(ev)
            or _missing_name(ev)
            or _negation_conflict(ev)
            or _number_swap(alignment)
            or _polarity_flip(ev, alignment)
            or _addition(alignment)
            or self._swap(alignment, vectors)
            or self._weak_overlap(ev, cosine)
        )
        return SupportVerdict(reason is None, reason or "supported", min(max(cosine, 0.0), 1.0))

    def _swap(self, alignment: _Alignment, vectors: dict[str, np.ndarray]) -> str | None:
        """A copy that changes one word for a new one that is not a close synonym."""
        edit = _single_substitution(alignment)
        if edit is None:
            return None
        new, old = " ".join(edit.new), " ".join(edit.old)
        if float(vectors[new] @ vectors[old]) < self.max_swap_similarity:
            return f"'{new}' in place of '{old}'"
        return None

    def _weak_overlap(self, ev: _Evidence, cosine: float) -> str | None:
        terms = content_terms(ev.sentence)
        recall = 1 - len(_novel_terms(ev)) / len(terms) if terms else 1.0
        if recall < self.min_recall:
            return f"low word overlap {recall:.2f}"
        if cosine < self.min_cosine:
            return f"low similarity {cosine:.2f}"
        return None


def _addition(alignment: _Alignment) -> str | None:
    """A near copy that adds new content words beyond the passage words they replace."""
    if alignment.copy_ratio < MIN_COPY_RATIO:
        return None
    for edit in alignment.edits:
        if len(edit.novel) >= MAX_COPIED_NOVEL and len(edit.novel) > len(edit.old):
            return f"adds '{' '.join(edit.novel)}', not in the cited passage"
    return None


def _single_substitution(alignment: _Alignment) -> _Edit | None:
    """The one short edit of a sentence otherwise copied word for word, if it is new wording."""
    if len(alignment.edits) != 1 or alignment.copy_ratio < MIN_SWAP_COPY_RATIO:
        return None
    edit = alignment.edits[0]
    if edit.old and edit.novel and len(edit.new) <= 2 and len(edit.old) <= 2:
        return edit
    return None


def _texts_to_embed(ev: _Evidence, alignment: _Alignment) -> list[str]:
    edit = _single_substitution(alignment)
    swapped = [" ".join(edit.new), " ".join(edit.old)] if edit else []
    return [ev.sentence, *ev.windows, *swapped]
