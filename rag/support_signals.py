"""Word-level signals of a (sentence, passages) pair, read by the learned support check.

Counts rather than verdicts: how much of the sentence is new to its passages, and whether the
new words are the kind subtle errors bring (identifiers, quantifiers, modal verbs, causes).
The embedding-based signals (cosines) and the rules' outcomes are added by ``rag.verification``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.support_rules import Alignment, is_acronym_of
from rag.text import NEGATIONS, content_terms, same_root, words

# Words that widen or narrow a claim: "every", "always", "must", "may" … Most are stopwords,
# so the content-word rules never see them change.
_SCOPE = frozenset(
    "all every always any each never only must may might can could should shall will would"
    " required requires require optional optionally sometimes often usually generally typically"
    " some most many few least entire entirely whole completely fully automatically preferably"
    " recommended best ever none whenever".split()
)
_QUANTIFIERS = frozenset(
    "every all any always never entire entirely whole complete completely each ever".split()
)
_MODALS = frozenset(
    "must may might can could should required require requires optional optionally preferably"
    " recommended usually sometimes often".split()
)
_CAUSES = frozenset(
    "because since due therefore thus hence reason why cause causes caused so".split()
)
LEXICAL_SIGNALS = (
    "new_terms", "new_share", "terms", "copy_ratio", "edits", "dropped", "scope_added",
    "scope_dropped", "quantifiers_added", "modals_added", "causes_added", "sentence_negations",
    "passage_negations", "technical_new", "length_ratio",
)  # fmt: skip
_TOKEN = re.compile(r"[`'\"(\[]*([\w./:=+-]+)")
_TECHNICAL = re.compile(r"\d|_|\.|=|/")


def new_terms(sentence: str, passages: Sequence[str]) -> list[str]:
    """Content words of ``sentence`` that no passage has, up to inflection."""
    known = set(content_terms(" ".join(passages)))
    return [t for t in dict.fromkeys(content_terms(sentence)) if not _known(t, known)]


def _known(term: str, known: set[str]) -> bool:
    # 'Iraq'/'Iraqi', 'protecting'/'protection'; not 'invaded'/'invasion' (too little shared).
    return term in known or any(
        same_root(term, other) or same_root(term, other, min_shared=4, min_share=1.0)
        for other in known
    )


def technical_tokens(text: str) -> set[str]:
    """Identifier-like tokens: with digits, dots, underscores, '=' or '/', inner capitals, or
    all capitals ("libusb1", "outlet.count", "WinNUT", "SSL"); lower-cased."""
    found = set()
    for match in _TOKEN.finditer(text):
        token = match.group(1).strip(".:,-")
        if len(token) < 2:
            continue
        inner_capital = re.search(r"[a-z]", token) and re.search(r"[A-Z]", token[1:])
        if _TECHNICAL.search(token) or inner_capital or token.isupper():
            found.add(token.lower())
    return found


def _technical_new(sentence: str, passage_text: str) -> list[str]:
    """Identifier-like tokens of the sentence the passages lack (acronyms of theirs aside)."""
    lowered = passage_text.lower()
    return [
        token
        for token in sorted(technical_tokens(sentence))
        if token not in lowered and not is_acronym_of(token, sentence, passage_text)
    ]


def lexical_signals(
    sentence: str, passages: Sequence[str], passage_words: frozenset[str], alignment: Alignment
) -> dict[str, float]:
    """The word-level signals of ``sentence`` against ``passages``."""
    terms = content_terms(sentence)
    new = new_terms(sentence, passages)
    mine = set(words(sentence))
    joined = " ".join(passages)
    longest = max((len(p) for p in passages), default=1)
    return {
        "new_terms": float(len(new)),
        "new_share": len(new) / max(1, len(terms)),
        "terms": float(len(terms)),
        "copy_ratio": alignment.copy_ratio,
        "edits": float(len(alignment.edits)),
        "dropped": float(len(alignment.dropped)),
        "scope_added": float(len((mine & _SCOPE) - passage_words)),
        "scope_dropped": float(len((passage_words & _SCOPE) - mine)),
        "quantifiers_added": float(len((mine & _QUANTIFIERS) - passage_words)),
        "modals_added": float(len((mine & _MODALS) - passage_words)),
        "causes_added": float(len((mine & _CAUSES) - passage_words)),
        "sentence_negations": float(len(mine & NEGATIONS)),
        "passage_negations": float(len(passage_words & NEGATIONS)),
        "technical_new": float(len(_technical_new(sentence, joined))),
        "length_ratio": len(sentence) / max(1, longest),
    }
