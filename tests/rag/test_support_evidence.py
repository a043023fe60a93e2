"""Evidence preparation and the number/date rule of the support checker."""

import pytest

from rag.support_evidence import missing_number, prepare

PASSAGE = "Members of the Harbour Library can borrow up to five books at a time."


@pytest.mark.parametrize(
    ("sentence", "passage", "missing"),
    [
        # "may" in lower case is the modal verb: no date to look for.
        ("Members may borrow up to five books at a time.", PASSAGE, None),
        # The month still needs the passage to name it, and a modal "may" does not.
        (
            "Members borrowed five books in May.",
            "Members may borrow five books.",
            "date 'may' not in the cited passage",
        ),
        ("Members borrowed five books in May.", "In May, members borrowed five books.", None),
        ("Loans end on Monday.", "Loans end at Monday's closing.", None),
        (
            "Loans end on Tuesday.",
            "Loans end on Monday.",
            "date 'tuesday' not in the cited passage",
        ),
    ],
)
def test_a_date_must_be_in_the_passage_and_a_modal_may_is_no_date(
    sentence: str, passage: str, missing: str | None
) -> None:
    assert missing_number(prepare(sentence, [passage])) == missing
