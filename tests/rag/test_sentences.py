from hypothesis import given, settings
from hypothesis import strategies as st

from rag.sentences import split_sentences


def texts(spans, text):
    return [text[s.start : s.end] for s in spans]


def test_splits_on_sentence_ends_and_keeps_exact_offsets():
    text = "The U.S. left. Dr. Smith arrived at 5 p.m. on Friday! Did he? “Yes,” she said."
    parts = texts(split_sentences(text), text)
    assert parts == [
        "The U.S. left.",
        "Dr. Smith arrived at 5 p.m. on Friday!",
        "Did he?",
        "“Yes,” she said.",
    ]


def test_closing_quote_stays_with_its_sentence():
    text = "“No, the US is not withdrawing from Iraq,” she added. Baghdad waited."
    assert texts(split_sentences(text), text) == [
        "“No, the US is not withdrawing from Iraq,” she added.",
        "Baghdad waited.",
    ]


def test_paragraphs_headings_and_list_items_stand_alone():
    text = (
        "# Title\n\nFirst paragraph of prose that is wrapped by the editor at a column\n"
        "and goes on here, yes.\n- item one\n- item two"
    )
    parts = texts(split_sentences(text), text)
    assert parts[0] == "# Title"
    assert parts[1].startswith("First paragraph") and parts[1].endswith("here, yes.")
    assert parts[-2:] == ["- item one", "- item two"]


def test_long_sentence_is_cut_at_whitespace():
    text = "word " * 100
    spans = split_sentences(text, max_chars=50)
    assert all(s.end - s.start <= 50 for s in spans)
    assert " ".join(texts(spans, text)) == text.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400), st.integers(5, 200))
def test_any_text_gives_exact_nonoverlapping_stripped_spans(text, max_chars):
    spans = split_sentences(text, max_chars=max_chars)
    previous_end = 0
    for span in spans:
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip()
        assert span.start >= previous_end
        assert len(piece) <= max_chars
        previous_end = span.end
    assert "".join(text.split()) == "".join("".join(texts(spans, text)).split())


def test_short_wrapped_line_ending_in_a_function_word_carries_on():
    text = "compdb\n\ngiven a list of rules, each of which is expected to be a\nC family rule.\n"
    parts = texts(split_sentences(text), text)
    assert parts[0] == "compdb"
    assert parts[1:] == ["given a list of rules, each of which is expected to be a\nC family rule."]


def test_short_heading_line_before_prose_still_stands_alone():
    text = "Extra tools\nThe -t flag runs some tools."
    assert texts(split_sentences(text), text) == ["Extra tools", "The -t flag runs some tools."]


def test_a_heading_ending_in_a_capital_letter_or_title_case_word_still_stands_alone():
    text = "Appendix A\nThe rules below apply.\n\nGetting Started With\nNinja uses files."
    assert texts(split_sentences(text), text) == [
        "Appendix A",
        "The rules below apply.",
        "Getting Started With",
        "Ninja uses files.",
    ]
