import pytest
from pypdf import PageObject

from ingest.load import Limits, document_id, load_document
from rag.errors import DocumentRejected
from rag.settings import Settings
from tests.conftest import ARTICLE
from tests.reliability.pdf_bomb import LINE, form_bomb, pdf_bomb, shared_stream_pdf


def make_pdf(path, text=None, encrypt=False):
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    if encrypt:
        pdf.setEncrypt("secret")
    if text:
        pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return path


def test_txt_is_read_byte_for_byte():
    doc = load_document(ARTICLE)
    assert doc.text == ARTICLE.read_text(encoding="utf-8")
    assert doc.doc_id == document_id(doc.text)
    assert doc.source == ARTICLE.name


def test_html_text_drops_scripts_styles_and_keeps_blocks(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<h1>Heading</h1><p>First <b>bold</b> para.</p><script>alert('x')</script>"
        "<ul><li>one</li><li>two</li></ul></body></html>",
        encoding="utf-8",
    )
    text = load_document(page).text
    assert "alert" not in text and "color:red" not in text
    assert "First bold para." in text
    assert "Heading\n\nFirst bold para." in text
    assert "one\n\ntwo" in text


def test_pdf_text_layer_is_extracted(tmp_path):
    path = make_pdf(tmp_path / "doc.pdf", "The treaty was signed in 1999.")
    assert "The treaty was signed in 1999." in load_document(path).text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "contains no text"),
        ("blank.md", b"  \n\t\n", "contains no text"),
        ("binary.txt", b"\x00\x01\x02\xff" * 50, "binary"),
        ("latin1.txt", "café".encode("latin-1"), "not valid UTF-8"),
        ("table.xlsx", b"data", "unsupported file type"),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj <<", "PDF"),
    ],
)
def test_bad_files_are_rejected_with_a_reason(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentRejected, match=message) as info:
        load_document(path)
    assert name in str(info.value)


def test_pdf_without_text_layer_is_rejected(tmp_path):
    with pytest.raises(DocumentRejected, match="no text layer"):
        load_document(make_pdf(tmp_path / "scan.pdf"))


def test_encrypted_pdf_is_rejected(tmp_path):
    with pytest.raises(DocumentRejected, match="encrypted"):
        load_document(make_pdf(tmp_path / "locked.pdf", "secret text", encrypt=True))


def test_file_over_the_size_limit_is_rejected(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("x" * 2000, encoding="utf-8")
    with pytest.raises(DocumentRejected, match="limit"):
        load_document(path, Limits(max_bytes=1000))


@pytest.fixture
def pages_extracted(monkeypatch):
    """How many times pypdf was asked for a page's text."""
    calls = []
    original = PageObject.extract_text

    def counted(page, *args, **kwargs):
        calls.append(1)
        return original(page, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", counted)
    return calls


@pytest.mark.slow  # builds and reads a large PDF
def test_pdf_bomb_is_rejected_at_its_first_page(tmp_path, pages_extracted):
    bomb = pdf_bomb(tmp_path / "bomb.pdf")
    assert bomb.stat().st_size < 200_000
    with pytest.raises(DocumentRejected) as info:
        load_document(bomb)
    assert str(info.value) == (
        "bomb.pdf: page 1 has more than 100,000 characters of text, "
        "the limit set by GROUNDWORK_MAX_PAGE_CHARS"
    )
    assert len(pages_extracted) == 1


@pytest.mark.slow  # builds and reads a large PDF
def test_pdf_bomb_inside_a_form_is_rejected_at_its_first_page(tmp_path, pages_extracted):
    # pypdf catches errors raised while it reads a form: the rejection must still come out.
    with pytest.raises(DocumentRejected, match="page 1 has more than 100,000 characters"):
        load_document(form_bomb(tmp_path / "form.pdf"))
    assert len(pages_extracted) == 1


def test_pdf_pages_under_the_page_limit_stop_at_the_document_limit(tmp_path, pages_extracted):
    path = shared_stream_pdf(tmp_path / "many.pdf", pages=50, lines=20)  # 4,640 chars a page
    with pytest.raises(DocumentRejected, match="GROUNDWORK_MAX_DOCUMENT_CHARS") as info:
        load_document(path, Limits(max_chars=20_000))
    assert str(info.value).startswith("many.pdf: the document has more than 20,000 characters")
    assert len(pages_extracted) == 5  # the fifth page crosses 20,000; no page after it is read


def test_text_over_the_document_limit_is_rejected_naming_the_setting(tmp_path):
    path = tmp_path / "long.md"
    path.write_text("word " * 1000, encoding="utf-8")
    with pytest.raises(DocumentRejected, match="GROUNDWORK_MAX_DOCUMENT_CHARS"):
        load_document(path, Limits(max_chars=4000))


@pytest.mark.slow  # builds and reads a large PDF
def test_pdf_reading_time_is_bounded(tmp_path):
    path = shared_stream_pdf(tmp_path / "slow.pdf", pages=3, lines=5)
    with pytest.raises(DocumentRejected) as info:
        load_document(path, Limits(max_seconds=1e-9))  # the deadline has passed at once
    assert str(info.value) == (
        "slow.pdf: reading its text took more than 1e-09 s, the limit set by "
        "GROUNDWORK_MAX_PARSE_SECONDS"
    )


@pytest.mark.slow  # builds and reads a large PDF
def test_a_300_page_manual_is_within_the_default_limits(tmp_path):
    path = shared_stream_pdf(tmp_path / "manual.pdf", pages=300, lines=15)  # 3,480 chars a page
    limits = Limits.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    text = load_document(path, limits).text
    assert len(text) > 1_000_000 and text.count(LINE.strip()) == 300 * 15
