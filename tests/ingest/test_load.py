import pytest

from ingest.load import document_id, load_document
from rag.errors import DocumentRejected
from tests.conftest import ARTICLE


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
        load_document(path, max_bytes=1000)
