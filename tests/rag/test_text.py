"""Lexical helpers: words, stems, content terms, numbers, negations and names."""

import pytest

from rag.text import (
    content_terms,
    dates_in,
    negations_in,
    normalise_number,
    numbers_in,
    proper_names,
    same_root,
    shared_prefix,
    stem,
    visible_text,
    words,
)


def test_visible_text_folds_compatibility_forms_and_drops_invisible_characters():
    assert visible_text("\ufb01le\u200b done") == "file done"  # ligature fi, zero-width space
    assert visible_text("\uff3b\uff11\uff3d") == "[1]"  # full-width brackets and digit


def test_words_are_lower_cased_with_one_apostrophe_and_whole_numbers():
    assert words("Don’t STOP at 2,500.5 now") == ["don't", "stop", "at", "2,500.5", "now"]


@pytest.mark.parametrize(
    ("word", "root"),
    [("withdrawing", "withdraw"), ("withdrawal", "withdraw"), ("cats", "cats"), ("tanks", "tank")],
)
def test_stem_strips_a_suffix_only_from_a_long_enough_word(word, root):
    assert stem(word) == root


def test_content_terms_drop_stopwords_and_negations_and_turn_number_words_into_digits():
    assert content_terms("The US troops did not withdraw twelve tanks") == [
        "usa", "troop", "withdraw", "12", "tank",
    ]  # fmt: skip


def test_numbers_are_normalised_and_found_in_words_and_digits():
    assert normalise_number("2,500") == "2500" and normalise_number("abc") is None
    assert numbers_in("twelve boats and 2,500 men, one by one") == {"12", "2500"}


def test_negations_include_contractions():
    assert negations_in("They didn't go and never will; it can’t") == {"didn't", "never", "can't"}
    assert negations_in("They went.") == set()


def test_proper_names_skip_sentence_initial_function_words_and_possessives():
    found = proper_names("The Pentagon said Sabrina Singh's team met in Baghdad.")
    assert found == {"pentagon", "sabrina", "singh", "baghdad"}


@pytest.mark.parametrize(
    ("a", "b", "min_shared", "min_share", "same"),
    [
        ("protecting", "protection", 5, 0.8, True),
        ("protest", "protection", 5, 0.8, False),  # five shared letters, not 80 % of "protest"
        ("protest", "protection", 5, 0.0, True),
        ("iraq", "iraqi", 4, 1.0, True),  # the whole shorter word begins the longer one
        ("iraq", "irate", 4, 1.0, False),
        ("sabrina", "sabotage", 4, 0.0, False),  # three letters shared
        ("us", "us", 5, 0.8, True),  # equal words always match
    ],
)
def test_same_root_means_the_same_word_up_to_inflection(a, b, min_shared, min_share, same):
    assert same_root(a, b, min_shared, min_share) is same
    assert same_root(b, a, min_shared, min_share) is same


def test_shared_prefix_counts_leading_letters():
    assert shared_prefix("protecting", "protection") == 8
    assert shared_prefix("abc", "xbc") == 0 and shared_prefix("", "abc") == 0


def test_a_lower_case_may_is_the_modal_verb_not_the_month():
    assert dates_in("Members may borrow books in May, on Monday's late opening.") == {
        "may",
        "monday",
    }
    assert dates_in("You may march in August; the august body may not.") == {"august"}
    assert dates_in("Loans may be renewed and readers may queue.") == set()
