"""The support checker's word-level rules, each on a sentence and the passage it cites."""

import pytest

from rag.support_rules import (
    align,
    clauses,
    hedge_added,
    is_acronym_of,
    is_opposite,
    missing_name,
    name_found,
    negation_conflict,
    number_swap,
    polarity_flip,
    roots_match,
    share,
)
from rag.text import content_terms, words


def aligned(sentence: str, passage: str):  # type: ignore[no-untyped-def]
    return align(sentence, [passage], content_terms(passage))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("protecting", "protection", True),
        ("withdraw", "withdrawal", True),
        ("troop", "troop", True),
        ("cat", "cart", False),
        ("protest", "protection", False),  # five letters shared, not four fifths of the shorter
    ],
)
def test_roots_match_is_the_same_word_up_to_inflection(a, b, same):
    assert roots_match(a, b) is same


def test_share_counts_terms_found_up_to_inflection():
    assert share(["protecting", "tank"], ["protection"]) == 0.5
    assert share([], ["anything"]) == 0.0


def test_alignment_finds_the_edit_and_the_number_put_in_its_place():
    alignment = aligned("The troops will leave in 2026.", "The troops will leave in 2025.")
    assert [(edit.new, edit.old, edit.novel) for edit in alignment.edits] == [
        (("2026",), ("2025",), ("2026",))
    ]
    assert 0.5 < alignment.copy_ratio < 1
    assert number_swap(alignment) == "number 2026 where the passage says 2025"


def test_a_copied_sentence_has_no_edits_and_no_number_swap():
    alignment = aligned("The troops will leave in 2025.", "The troops will leave in 2025.")
    assert alignment.edits == () and alignment.copy_ratio == 1.0
    assert number_swap(alignment) is None


def test_alignment_picks_the_closest_passage_sentence():
    passages = ["Nothing about soldiers here.", "The troops will leave in 2025."]
    alignment = align("The troops will leave in 2025.", passages, content_terms(" ".join(passages)))
    assert alignment.copy_ratio == 1.0


@pytest.mark.parametrize(
    ("name", "passage", "found"),
    [
        ("iraqi", "iraq", True),  # a demonym of a word in the passage
        ("americans", "us", True),  # a listed alias
        ("baghdad-erbil", "erbil and baghdad", True),  # each hyphenated part on its own
        ("al-sudani", "sudani", False),  # ... and every part
        ("kenya", "france", False),
    ],
)
def test_a_name_is_found_as_is_by_alias_or_derived(name, passage, found):
    assert name_found(name, frozenset(words(passage))) is found


def test_an_acronym_of_consecutive_passage_words_counts_as_named():
    assert is_acronym_of("cfo", "The CFO resigned.", "the chief financial officer resigned")
    assert not is_acronym_of("cfo", "The CFO resigned.", "the finance chief resigned")


def test_a_name_the_passage_lacks_is_reported_but_not_an_initial_adverb():
    passage = "Jones said so."
    found = frozenset(words(passage))
    missing = missing_name("Smith said so.", [passage], found)
    assert missing == "name 'smith' not in the cited passage"
    assert missing_name("Roughly, Jones said so.", [passage], found) is None


def test_clauses_split_at_conjunctions_and_keep_their_negations():
    assert clauses("They did not go, but we went.") == [
        (["go"], {"not"}),
        ([], set()),
        (["went"], set()),
    ]


def test_a_dropped_negation_is_a_conflict_but_a_bound_is_not():
    negated = ["The mission will not end in 2025."]
    assert negation_conflict("The mission will end in 2025.", negated, 0.8) == (
        "negation differs: 'not' missing"
    )
    bound = "The mission will end no later than 2025."
    assert negation_conflict(bound, [bound], 0.8) is None


def test_an_added_negation_is_a_conflict():
    assert (
        negation_conflict(
            "The mission will never end in 2025.", ["The mission will end in 2025."], 0.8
        )
        == "negation differs: 'never' not in the cited passage"
    )


@pytest.mark.parametrize(
    ("word", "other", "opposite"),
    [
        ("increased", "decreased", True),
        ("rejected", "approved", True),
        ("increased", "grew", False),
    ],
)
def test_opposites_are_known_in_either_direction(word, other, opposite):
    assert is_opposite(word, other) is opposite
    assert is_opposite(other, word) is opposite


def test_an_opposite_word_in_place_of_the_passage_word_flips_polarity():
    sentence, passage = "Prices fell sharply in March.", "Prices rose sharply in March."
    flip = polarity_flip(sentence, [passage], aligned(sentence, passage), 0.6)
    assert flip == "polarity differs: 'fell' where the passage says 'rose'"
    same = "Prices rose sharply in March."
    assert polarity_flip(same, [passage], aligned(same, passage), 0.6) is None


def test_a_reversed_from_to_is_reported():
    sentence, passage = "It moved from Baghdad to Erbil.", "It moved from Erbil to Baghdad."
    flip = polarity_flip(sentence, [passage], aligned(sentence, passage), 0.99)
    assert flip == "order reversed: 'from baghdad to erbil'"


@pytest.mark.parametrize(
    ("sentence", "passage", "flagged"),
    [
        # A hedge where the passage states an obligation or a plain fact.
        (
            "The build may skip waiting for open transactions.",
            "The build must wait for them.",
            True,
        ),
        ("The flag might stay set after a restart.", "The flag is cleared on restart.", True),
        # The passage speaks of a possibility or permission itself.
        ("Members may borrow five books.", "Members can borrow up to five books.", False),
        ("The setting may be left out.", "The setting is optional.", False),
        # "May" the month is no hedge, and a sentence without a hedge is not judged here.
        ("The plan ends in May.", "The plan must end by then.", False),
        ("The build waits for open transactions.", "The build must wait for them.", False),
    ],
)
def test_a_hedge_the_passage_does_not_make_is_flagged(
    sentence: str, passage: str, flagged: bool
) -> None:
    assert (hedge_added(sentence, [passage]) is not None) is flagged
