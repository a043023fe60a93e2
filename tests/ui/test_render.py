"""Pure rendering helpers: offsets, escaping, marker links, Markdown export, file names."""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from pathlib import Path

import pytest

from rag.answer_types import Answer, Citation, Passage, RemovedSentence
from tests.conftest import make_settings
from tests.reliability.inert import assert_inert
from ui import render
from ui.uploads import sanitize_filename, save_uploads, stored_name

TEXT = "First paragraph here.\n\nThe <b>cat</b> sat & purred. Then it slept.\n\nLast one."
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def citation(n: int, start: int, end: int, text: str = TEXT, source: str = "doc.txt") -> Citation:
    return Citation(n=n, source=source, doc_id="d1", chunk_id="c1", start=start, end=end,
                    quote=text[start:end])  # fmt: skip


def answer(text: str, citations: list[Citation], **extra: object) -> Answer:
    return Answer(question="q?", answer=text, refused=False, backend="extractive",
                  citations=citations, **extra)  # type: ignore[arg-type]  # fmt: skip


def test_highlight_wraps_exactly_the_span_escaped_with_context() -> None:
    start = TEXT.index("The <b>")
    end = TEXT.index(" Then")
    out = render.highlight_passage(TEXT, start, end, context=10)
    assert re.findall(r"<mark>(.*?)</mark>", out, re.S) == [
        "The &lt;b&gt;cat&lt;/b&gt; sat &amp; purred."
    ]
    assert "<b>" not in out
    before, after = out.split("<mark>")[0], out.split("</mark>")[1]
    assert before == "…here.\n\n"
    assert after.startswith(" Then") and after.endswith("…")


def test_highlight_at_document_edges_has_no_ellipsis() -> None:
    out = render.highlight_passage("Short text.", 0, 5)
    assert out == "<mark>Short</mark> text."


def test_render_document_marks_offsets_and_keeps_paragraphs() -> None:
    start, end = TEXT.index("cat"), TEXT.index("cat") + 3
    out = render.render_document(TEXT, start, end)
    assert '&lt;b&gt;<mark id="gw-mark">cat</mark>&lt;/b&gt;' in out
    assert "\n\n" in out and out.count("<mark") == 1
    assert "<mark" not in render.render_document(TEXT)


@pytest.mark.parametrize("renderer", [render.render_question, render.render_draft,
                                      render.render_error, render.inline_text])  # fmt: skip
def test_untrusted_text_is_inert(renderer: object) -> None:
    out = renderer(HOSTILE)  # type: ignore[operator]
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out and "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in out


def test_document_html_is_inert() -> None:
    out = render.render_document(HOSTILE, 0, 8)
    assert "<script" not in out and "<img" not in out and "&lt;img" in out


def test_answer_with_markup_is_escaped_and_markers_linked() -> None:
    text = f"{HOSTILE} claim [1] and more [2]."
    out = render.render_answer(answer(text, [citation(1, 0, 5)]), turn=3)
    assert "<script" not in out and "<img" not in out
    assert '<a class="gw-marker" href="#cite-3-1"' in out
    assert "[2]" not in out, "a marker without a citation is dropped"
    assert 'href="#cite-3-2"' not in out


def test_link_markers_only_for_known_citations() -> None:
    cites = [citation(1, 0, 5), citation(3, 6, 10)]
    out = render.link_markers("A [1]. B [2]. C [3]. D [10].", cites, turn=0)
    assert re.findall(r'href="#cite-0-(\d+)"', out) == ["1", "3"]
    assert "[2]" not in out and "[10]" not in out
    assert out.startswith("A") and "B." in out and "D." in out


def test_refusal_is_styled_apart_and_has_no_links() -> None:
    refused = Answer(question="q", answer="The document does not say anything that answers "
                     "this question.", refused=True, backend="extractive")  # fmt: skip
    out = render.render_answer(refused, 0)
    assert 'class="gw-refusal"' in out and "gw-answer" not in out and "href" not in out


def test_verification_notice_lists_removed_sentences_escaped() -> None:
    removed = [RemovedSentence(sentence="<b>Made up</b>", reason="unsupported")]
    changed = answer("Kept [1].", [citation(1, 0, 5)], fallback=True, removed=removed)
    out = render.render_answer(changed, 0)
    assert 'class="gw-notice"' in out and "&lt;b&gt;Made up&lt;/b&gt;" in out
    assert "could not be verified" in out
    assert render.verification_notice(answer("x", [])) == ""


def test_citation_cards_link_and_escape() -> None:
    bad = citation(1, 0, 10, text=HOSTILE, source="<i>evil</i>.txt")
    out = render.render_citation_cards([bad], turn=2)
    assert (
        'href="#cite-2-1"' in out and "&lt;i&gt;evil&lt;/i&gt;.txt" in out and "<script" not in out
    )


def test_details_show_scores_and_timings_escaped() -> None:
    result = answer("a [1]", [citation(1, 0, 5)], timings_ms={"retrieve": 12.4, "rank": 3.0},
                    passages=[Passage(chunk_id="c", source="s.txt", doc_id="d", start=0, end=9,
                                      score=0.8123, text=HOSTILE)])  # fmt: skip
    out = render.render_details(result)
    assert "retrieve 12 ms" in out and "rank 3 ms" in out and "0.812" in out
    assert "<script" not in out


def test_conversation_markdown_has_answers_quotes_and_sources() -> None:
    c = citation(1, TEXT.index("The"), TEXT.index(" Then"))
    turns = [{"question": "What did the cat do?", "answer": answer("It purred [1].", [c])},
             {"question": "Bad one", "answer": None, "error": "empty question"}]  # fmt: skip
    md = render.conversation_markdown(turns)
    assert "**Question:** What did the cat do?" in md
    assert "**Answer:** It purred [1]." in md
    assert f"> [1] “{c.quote}” — doc.txt, characters {c.start}–{c.end}" in md
    assert "**Error:** empty question" in md


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("a/b.txt", "b.txt"),
        ("..\\..\\windows\\evil.md", "evil.md"),
        ("résumé final.TXT", "resume_final.txt"),
        ("报告.pdf", "upload.pdf"),
        ("", "upload"),
        ("..", "upload"),
        (".hidden.txt", "hidden.txt"),
        ("a<script>.html", "a_script.html"),
        ("x" * 500 + ".md", "x" * 117 + ".md"),
    ],
)
def test_sanitize_filename(name: str, expected: str) -> None:
    assert sanitize_filename(name) == expected


def test_save_uploads_enforces_limits_and_never_follows_symlinks(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw", max_files_per_upload=3, max_file_bytes=50)
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    settings.uploads_dir.mkdir(parents=True)
    trap = stored_name("trap.txt", hashlib.sha256(b"new text").hexdigest())
    (settings.uploads_dir / trap).symlink_to(outside)
    sources = tmp_path / "in"
    sources.mkdir()
    files = {"trap.txt": "new text", "big.md": "x" * 51, "virus.exe": "MZ", "fourth.txt": "y"}
    for name, body in files.items():
        (sources / name).write_text(body)
    result = save_uploads([str(sources / name) for name in files], settings)
    assert outside.read_text() == "precious"
    assert result.saved == []
    reasons = " | ".join(result.rejected)
    assert "trap.txt: refused" in reasons and "too large" in reasons
    assert "unsupported" in reasons and "at most 3 files" in reasons


def test_save_uploads_writes_sanitised_copies(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "gw")
    source = tmp_path / "My Notes (v2).txt"
    source.write_text("hello")
    result = save_uploads([{"path": str(source)}], settings)
    name = f"My_Notes_v2-{hashlib.sha256(b'hello').hexdigest()[:8]}.txt"
    assert result.saved == [settings.uploads_dir.resolve() / name]
    assert result.saved[0].read_text() == "hello" and result.rejected == []


HOSTILE_NAMES = ["[click](https:evil.example).txt", "![pic](https:evil.example).txt",
                 "<img src=x onerror=alert(1)>.md", "*bold* `code` <b>x</b> & [1].txt"]  # fmt: skip


def shown_through_markdown(fragment: str) -> str:
    """The fragment as a Markdown renderer (Gradio's Markdown, Chatbot) would turn it into HTML."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").render(fragment)


def assert_name_inert(fragment: str) -> None:
    """No link, image or Markdown link syntax comes out of a name, as HTML or through Markdown."""
    assert "](" not in fragment, "Markdown link syntax survived unescaped"
    assert_inert(fragment)
    assert_inert(shown_through_markdown(fragment))


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_document_names_render_inertly_everywhere(name: str) -> None:
    text = "The pelican statue was cast in bronze in 1911."
    cited = citation(1, 0, len(text), text=text, source=name)
    passage = Passage(chunk_id="c", source=name, doc_id="d", start=0, end=9, score=0.5, text=text)
    places = {
        "documents list": render.render_document_list([{"source": name, "chars": len(text)}]),
        "citation cards": render.render_citation_cards([cited], turn=0),
        "answer bubble": render.render_answer(answer("Bronze [1].", [cited]), turn=0),
        "source card": render.render_source_card(cited, text),
        "details": render.render_details(answer("Bronze [1].", [cited], passages=[passage])),
        "upload status": render.render_upload_status(
            {"summary": "done", "added": [name], "unchanged": [name], "skipped": [f"{name}: bad"]}
        ),
    }
    for place, fragment in places.items():
        assert_name_inert(fragment)
        shown = html_lib.unescape(re.sub(r"<[^>]*>", "", fragment))
        assert name in shown, (place, shown)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_document_names_in_the_downloaded_conversation_are_inert(name: str) -> None:
    text = "The pelican statue was cast in bronze in 1911."
    cited = answer("Bronze [1].", [citation(1, 0, 9, text, name)])
    turns = [{"question": "What?", "answer": cited}]
    shown = shown_through_markdown(render.conversation_markdown(turns))
    assert "<img" not in shown and "<a " not in shown and "<b>" not in shown, shown
    assert html_lib.unescape(re.sub(r"<[^>]*>", "", shown)).count(name) == 1
