import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.chunk import chunk_text
from tests.conftest import ARTICLE


def test_article_chunks_are_exact_slices_with_overlap():
    text = ARTICLE.read_text(encoding="utf-8")
    chunks = chunk_text(text, chunk_size=600, overlap=120)
    assert len(chunks) > 2
    for chunk in chunks:
        assert text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= 600
        assert all(chunk.start <= s.start and s.end <= chunk.end for s in chunk.sentences)
    overlaps = [a.end > b.start for a, b in itertools.pairwise(chunks)]
    assert any(overlaps)
    covered = {s for c in chunks for s in c.sentences}
    assert {(s.start, s.end) for s in covered} >= {
        (c.sentences[0].start, c.sentences[0].end) for c in chunks
    }


def test_no_overlap_when_asked():
    text = "One sentence here. " * 40
    chunks = chunk_text(text, chunk_size=100, overlap=0)
    assert all(a.end <= b.start for a, b in itertools.pairwise(chunks))


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab .!?\n\t“”é1"), max_size=600),
    st.integers(100, 400),
    st.integers(0, 150),
)
def test_chunk_offsets_always_exact(text, size, overlap):
    chunks = chunk_text(text, chunk_size=size, overlap=overlap)
    for i, chunk in enumerate(chunks):
        assert chunk.index == i
        assert text[chunk.start : chunk.end] == chunk.text
        assert len(chunk.text) <= size
    starts = [c.start for c in chunks]
    assert starts == sorted(set(starts))
