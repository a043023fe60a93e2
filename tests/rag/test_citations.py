import pytest

from rag.answer_types import ScoredSentence
from rag.citations import (
    CitationNumbering,
    DraftSentence,
    SentenceStream,
    split_cited,
    valid_markers,
)
from rag.markers import as_written, markers_in, strip_markers, without_footnotes

DOCUMENT = "Alpha is one. Beta is two. Gamma is three."


def scored(start: int, end: int) -> ScoredSentence:
    return ScoredSentence(doc_id="d", source="doc.txt", chunk_id="d:0", start=start, end=end,
                          text=DOCUMENT[start:end], dense=0.5, lexical=0.5, score=0.5)  # fmt: skip


CANDIDATES = [scored(14, 26), scored(0, 13), scored(27, 42)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Foo [2] bar [1][2].", (2, 1)), ("x [1, 3] y [3; 4]", (1, 3, 4)), ("none here", ())],
)
def test_markers_are_read_in_order_without_duplicates(text, expected):
    assert markers_in(text) == expected


def test_stripping_markers_leaves_no_space_before_punctuation():
    assert strip_markers("Singh is a spokesperson [1].") == "Singh is a spokesperson."
    assert strip_markers("  A [1][2] b  [3] ") == "A b"


def test_markers_after_a_full_stop_belong_to_the_sentence_before():
    sentences = split_cited("Alpha is one. [2] Beta is two [1]. [3]")
    assert sentences == [
        DraftSentence("Alpha is one.", (2,)),
        DraftSentence("Beta is two.", (1, 3)),
    ]


def test_list_numbering_is_not_a_sentence():
    assert split_cited("1. [1] Beta is two [1]. 2. [1]") == [DraftSentence("Beta is two.", (1,))]


def test_markers_pointing_nowhere_are_dropped():
    assert valid_markers((0, 1, 3, 4, 99), candidate_count=3) == (1, 3)


def test_streamed_sentences_match_the_whole_draft_and_wait_for_their_markers():
    draft = "Alpha is one. [2] Beta is two [1]. Gamma is three [3]."
    stream = SentenceStream()
    emitted = []
    for ch in draft:
        for sentence in stream.feed(ch):
            emitted.append(sentence)
            assert sentence.markers, "a sentence was released before its marker arrived"
    emitted += stream.finish()
    assert emitted == split_cited(draft)
    assert stream.finish() == []


def test_renumbering_follows_first_use_and_quotes_exact_spans():
    numbering = CitationNumbering(CANDIDATES)
    first = numbering.render("Gamma is three.", [3])
    second = numbering.render("Alpha and Gamma.", [2, 3])
    assert (first, second) == ("Gamma is three. [1]", "Alpha and Gamma. [1] [2]")
    citations = numbering.citations()
    assert [c.n for c in citations] == [1, 2]
    for citation in citations:
        assert DOCUMENT[citation.start : citation.end] == citation.quote
    assert citations[0].quote == "Gamma is three."


@pytest.mark.parametrize(
    "footnote", ["[7\u200b]", "[\u20607]", "［7］", "[ ７ ]", "[7](https://x.example/n)"]
)
def test_footnotes_hidden_from_the_parser_are_still_stripped_from_quotes(footnote):
    assert without_footnotes(f"It was automated in 1962 {footnote}, after that.") == (
        "It was automated in 1962, after that."
    )


def test_markers_are_read_as_a_reader_sees_them():
    assert (
        as_written("One [2\u200b], two [\u20604], three ［3］.") == "One [2], two [4], three [3]."
    )
    assert as_written("See [1](https://evil.example/cite) and [2] (ok).") == "See [1] and [2] (ok)."
    assert split_cited("Alpha is one [1](https://evil.example/cite). Beta is two ［3］.") == [
        DraftSentence("Alpha is one.", (1,)),
        DraftSentence("Beta is two.", (3,)),
    ]


def test_a_stream_holds_back_a_hidden_marker_until_it_is_complete():
    stream = SentenceStream()
    assert stream.feed("Alpha is one. ［") == []
    assert stream.feed("2］ Beta") == [DraftSentence("Alpha is one.", (2,))]
