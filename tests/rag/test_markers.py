"""The one home of ``[n]`` marker patterns: what a model writes and what an answer shows."""

from rag.markers import SHOWN_MARKER, markers_in, shown_numbers, without_shown_markers


def test_shown_markers_are_read_in_order_with_repeats():
    assert shown_numbers("Alpha [2]. Beta [1] [2].") == [2, 1, 2]


def test_a_bracketed_year_is_text_not_a_shown_marker():
    assert shown_numbers("In [2023] it rose [1].") == [1]
    assert without_shown_markers("In [2023] it rose [1].", "") == "In [2023] it rose ."


def test_model_markers_may_list_numbers_but_shown_ones_hold_one():
    assert markers_in("Alpha [1, 3]. Beta [ 2 ].") == (1, 3, 2)
    assert SHOWN_MARKER.search("Alpha [1, 3].") is None
