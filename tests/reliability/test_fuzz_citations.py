"""Property tests: the ``[n]`` marker parser never crashes and is exact; chunk offsets are exact."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.chunk import chunk_text
from rag.answer_types import ScoredSentence
from rag.citations import CitationNumbering, SentenceStream, split_cited, valid_markers
from rag.markers import MARKER, as_written, markers_in, strip_markers
from rag.sentences import split_sentences

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text biased towards the characters the parser cares about, plus arbitrary unicode.
MARKERISH = st.lists(
    st.one_of(
        st.sampled_from(list("[]0123456789,; .!?\n\t-*•Aa")),
        st.sampled_from(["[1]", "[2]", "[12]", "[1, 3]", "[999]", "[0]", "[ 4 ; 5 ]", "[1", "2]"]),
        st.sampled_from(["The cat sat.", " Dogs bark! ", "1. ", "Why? "]),
        st.characters(),
    ),
    max_size=80,
).map("".join)
# Real words: single letters and "no", "st", ... would read as initials and abbreviations.
WORDS = st.lists(
    st.sampled_from(["river", "bridge", "opened", "closed", "harbour", "seven", "report", "mayor"]),
    min_size=1,
    max_size=8,
)


@FUZZ
@given(MARKERISH)
def test_parser_never_crashes_and_returns_sane_values(text: str) -> None:
    numbers = markers_in(text)
    assert len(numbers) == len(set(numbers))
    cited: set[int] = set()
    for match in MARKER.finditer(text):
        cited.update(int(n) for n in re.split(r"[,;]", match.group(1)))
    assert set(numbers) == cited
    bare = strip_markers(text)
    assert isinstance(bare, str) and bare == bare.strip()
    # A draft is parsed as written: "[1\u200b]" or "［1］" is the marker a reader sees.
    seen = {int(n) for m in MARKER.finditer(as_written(text)) for n in re.split(r"[,;]", m[1])}
    for sentence in split_cited(text):
        assert any(ch.isalnum() for ch in sentence.text)
        assert set(sentence.markers) <= seen
        assert len(sentence.markers) == len(set(sentence.markers))


@FUZZ
@given(st.lists(st.integers(min_value=-5, max_value=1200), max_size=20), st.integers(0, 30))
def test_markers_pointing_nowhere_are_dropped(markers: list[int], count: int) -> None:
    kept = valid_markers(markers, count)
    assert all(1 <= n <= count for n in kept)
    assert list(kept) == [n for n in markers if 1 <= n <= count]


@FUZZ
@given(
    st.lists(st.tuples(WORDS, st.lists(st.integers(1, 999), max_size=3)), min_size=1, max_size=6)
)
def test_markers_written_after_sentences_are_recovered(
    parts: list[tuple[list[str], list[int]]],
) -> None:
    draft = " ".join(
        " ".join(words).capitalize() + "".join(f" [{n}]" for n in numbers) + "."
        for words, numbers in parts
    )
    sentences = split_cited(draft)
    assert [s.text for s in sentences] == [" ".join(w).capitalize() + "." for w, _ in parts]
    assert [s.markers for s in sentences] == [tuple(dict.fromkeys(n)) for _, n in parts]
    assert markers_in(draft) == tuple(dict.fromkeys(n for _, ns in parts for n in ns))


@FUZZ
@given(MARKERISH, st.lists(st.integers(1, 40), max_size=30))
def test_streaming_never_crashes_and_emits_each_sentence_once(text: str, cuts: list[int]) -> None:
    stream = SentenceStream()
    emitted = []
    position = 0
    for size in cuts:
        emitted += stream.feed(text[position : position + size])
        position += size
    emitted += stream.feed(text[position:])
    emitted += stream.finish()
    assert stream.text == text
    assert len(emitted) == len(split_cited(text))
    assert stream.finish() == []


@FUZZ
@given(st.text(max_size=400), st.lists(st.integers(0, 50), max_size=10))
def test_citations_quote_exact_document_spans(document: str, picks: list[int]) -> None:
    spans = split_sentences(document)
    candidates = [
        ScoredSentence("d" * 64, "doc.txt", f"c:{i}", s.start, s.end, document[s.start : s.end],
                       0.5, 0.5, 0.5)
        for i, s in enumerate(spans)
    ]  # fmt: skip
    numbering = CitationNumbering(candidates)
    used = [p % len(candidates) + 1 for p in picks] if candidates else []
    for candidate in used:
        numbering.render("text", [candidate])
    citations = numbering.citations()
    assert [c.n for c in citations] == list(range(1, len(set(used)) + 1))
    for citation in citations:
        assert citation.quote == document[citation.start : citation.end]
        assert citation.quote.strip() == citation.quote and citation.quote


@FUZZ
@given(
    st.text(
        alphabet=st.one_of(st.characters(), st.sampled_from(list(". !?\n\n\t\u2026\u00a0"))),
        max_size=3000,
    ),
    st.integers(100, 700),
    st.integers(0, 200),
)
def test_chunk_offsets_are_exact_on_arbitrary_unicode(text: str, size: int, overlap: int) -> None:
    chunks = chunk_text(text, chunk_size=size, overlap=overlap)
    spans = split_sentences(text, max_chars=size)
    assert [c.index for c in chunks] == list(range(len(chunks)))
    covered: set[tuple[int, int]] = set()
    previous_start = -1
    for chunk in chunks:
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.start > previous_start
        previous_start = chunk.start
        assert chunk.sentences and chunk.sentences[0].start == chunk.start
        assert chunk.sentences[-1].end == chunk.end
        for span in chunk.sentences:
            assert chunk.start <= span.start < span.end <= chunk.end
            covered.add((span.start, span.end))
    assert covered == {(s.start, s.end) for s in spans}
    if not text.strip():
        assert chunks == []
