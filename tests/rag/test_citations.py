import pytest

from rag.citations import (
    CitationNumbering,
    DraftSentence,
    SentenceStream,
    markers_in,
    split_cited,
    strip_markers,
    valid_markers,
)
from rag.extractive import ScoredSentence

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
