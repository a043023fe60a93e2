"""Turn a file (.txt, .md, .html, .pdf) into the plain text that every offset refers to."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import DocumentRejected
from rag.settings import Settings

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
_BLOCK_TAGS = (
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav",
    "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "tr", "pre", "blockquote",
    "table", "ul", "ol", "dl", "figure", "figcaption", "title", "br", "hr",
)  # fmt: skip
_DROPPED_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "head")


@dataclass(frozen=True)
class LoadedDocument:
    """A document's text and identity; ``doc_id`` is the sha256 of ``text``."""

    source: str
    text: str
    doc_id: str


@dataclass(frozen=True)
class Limits:
    """What one file may cost: bytes on disk, characters of text, and seconds to extract them.

    File bytes alone do not bound the text: PDF pages can share one compressed content stream,
    so 86 KB can hold 500 pages of a million characters each.
    """

    max_bytes: int = 20_000_000
    max_chars: int = 5_000_000
    max_page_chars: int = 100_000
    max_seconds: float = 120.0

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The limits configured by ``GROUNDWORK_MAX_FILE_BYTES`` and its neighbours."""
        return cls(settings.max_file_bytes, settings.max_document_chars,
                   settings.max_page_chars, settings.max_parse_seconds)  # fmt: skip


def load_document(path: Path, limits: Limits | None = None) -> LoadedDocument:
    """Read one supported file, or raise ``DocumentRejected`` with a one-line reason."""
    limits = limits or Limits()
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise DocumentRejected(f"{path.name}: unsupported file type {suffix!r} (use {supported})")
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise DocumentRejected(
                f"{path.name}: {size} bytes is over the {limits.max_bytes}-byte limit"
                " set by GROUNDWORK_MAX_FILE_BYTES"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentRejected(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    text = _normalise(reader(data, path.name, limits))
    if len(text) > limits.max_chars:
        raise _too_much_text(
            path.name, "the document", limits.max_chars, "GROUNDWORK_MAX_DOCUMENT_CHARS"
        )
    if not text.strip():
        raise DocumentRejected(f"{path.name}: contains no text")
    return LoadedDocument(source=path.name, text=text, doc_id=document_id(text))


def _too_much_text(name: str, part: str, limit: int, setting: str) -> DocumentRejected:
    return DocumentRejected(
        f"{name}: {part} has more than {limit:,} characters of text, the limit set by {setting}"
    )


def document_id(text: str) -> str:
    """The stable identity of a document's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_text(data: bytes, name: str, limits: Limits | None = None) -> str:
    if b"\x00" in data[:65536]:
        raise DocumentRejected(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentRejected(
            f"{name}: is not valid UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from exc
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(8, len(text[:65536]) // 100):
        raise DocumentRejected(f"{name}: looks like a binary file, not text")
    return text


def _read_html(data: bytes, name: str, limits: Limits) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_decode_text(data, name), "html.parser")
    for tag in soup.find_all(_DROPPED_TAGS):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n\n")
        tag.insert_after("\n\n")
    raw = soup.get_text("")
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in raw.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


_SHOWS_TEXT = (b"Tj", b"TJ", b"'", b'"')


class _PdfBudget:
    """Stops pypdf's extraction as soon as a page or the file holds too much text or time runs
    out: pypdf calls ``operator`` before each content-stream operator, so a page that would
    yield a million characters is stopped after the first ``max_page_chars``."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.name = name
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.page = 0
        self.shown = 0  # characters the page's text operators carry so far
        self.total = 0  # characters of text extracted from the pages before
        # pypdf swallows errors raised inside a form XObject, so a rejection is raised again
        # at every later operator and once more after the page.
        self.rejected: DocumentRejected | None = None

    def start(self, page: int) -> None:
        """Begin counting the text of ``page`` (1-based)."""
        self.page, self.shown = page, 0
        self.check()

    def operator(self, operator: bytes, operands: list[Any], *_: Any) -> None:
        """pypdf's ``visitor_operand_before``: count text before it is extracted."""
        if operator in _SHOWS_TEXT:
            self.shown += _text_length(operands)
        self.check()

    def finish(self, text: str) -> None:
        """Count the page's extracted text (exact: a font may map one code to many characters)."""
        self.shown = max(self.shown, len(text))
        self.check()
        self.total += len(text)

    def check(self) -> None:
        """Raise ``DocumentRejected`` once the text or the time is over a limit."""
        if self.rejected is None:
            self.rejected = self._over_limit()
        if self.rejected is not None:
            raise self.rejected

    def _over_limit(self) -> DocumentRejected | None:
        limits = self.limits
        if self.shown > limits.max_page_chars:
            return _too_much_text(self.name, f"page {self.page}", limits.max_page_chars,
                                  "GROUNDWORK_MAX_PAGE_CHARS")  # fmt: skip
        if self.total + self.shown > limits.max_chars:
            return _too_much_text(self.name, "the document", limits.max_chars,
                                  "GROUNDWORK_MAX_DOCUMENT_CHARS")  # fmt: skip
        if time.monotonic() > self.deadline:
            return DocumentRejected(
                f"{self.name}: reading its text took more than {limits.max_seconds:g} s, the limit"
                " set by GROUNDWORK_MAX_PARSE_SECONDS"
            )
        return None


def _text_length(operand: Any) -> int:
    """Characters (or bytes, for two-byte fonts: an upper bound) in a text operator's strings."""
    if isinstance(operand, str | bytes):
        return len(operand)
    if isinstance(operand, list):  # TJ's array mixes strings and spacing numbers
        return sum(_text_length(item) for item in operand)
    return 0


def _pdf_pages(reader: Any, budget: _PdfBudget) -> list[str]:
    """Each page's text, checked against the budget while it is extracted."""
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        budget.start(number)
        text = page.extract_text(visitor_operand_before=budget.operator) or ""
        budget.finish(text)
        pages.append(text)
    return pages


def _read_pdf(data: bytes, name: str, limits: Limits) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentRejected(f"{name}: is an encrypted PDF; remove the password first")
        pages = _pdf_pages(reader, _PdfBudget(name, limits))
    except DocumentRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentRejected(f"{name}: is not a readable PDF ({exc})") from exc
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise DocumentRejected(f"{name}: is a damaged PDF ({type(exc).__name__})") from exc
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text.strip():
        raise DocumentRejected(f"{name}: PDF has no text layer (scanned?); run OCR first")
    return text + "\n"


_READERS: dict[str, Callable[[bytes, str, Limits], str]] = {
    ".txt": _decode_text,
    ".md": _decode_text,
    ".markdown": _decode_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
}
