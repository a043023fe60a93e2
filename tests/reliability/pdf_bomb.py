"""Built in the test, never committed: PDFs whose pages all share one compressed content stream.

An 86 KB file of this kind held 500 pages of a million characters each; extracting it took
tens of minutes and blocked every other upload.
"""

from __future__ import annotations

import io
from pathlib import Path

LINE = "The quarry reopens in the spring of 2031 after the flood. " * 4  # 232 characters


def shared_stream_pdf(path: Path, pages: int, lines: int) -> Path:
    """``pages`` pages that all draw the same ``lines`` lines of text from one content stream."""
    from pypdf import PdfReader, PdfWriter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    text = pdf.beginText(10, 800)
    text.setFont("Helvetica", 1)
    for _ in range(lines):
        text.textLine(LINE)
    pdf.drawText(text)
    pdf.showPage()
    pdf.save()
    page = PdfReader(buffer).pages[0]
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_page(page)
    writer.compress_identical_objects()  # one content stream for every page
    writer.write(path)
    return path


def pdf_bomb(path: Path) -> Path:
    """500 pages of about 230,000 characters each, from a file of about 120 KB."""
    return shared_stream_pdf(path, pages=500, lines=1000)


def form_bomb(path: Path, pages: int = 200, lines: int = 1000) -> Path:
    """The same through one form XObject that every page draws (pypdf reads forms apart)."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path))
    pdf.beginForm("text")
    text = pdf.beginText(10, 800)
    text.setFont("Helvetica", 1)
    for _ in range(lines):
        text.textLine(LINE)
    pdf.drawText(text)
    pdf.endForm()
    for _ in range(pages):
        pdf.doForm("text")
        pdf.showPage()
    pdf.save()
    return path
