"""Turn a file (.txt, .md, .html, .pdf) into the plain text that every offset refers to."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.errors import DocumentRejected

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


def load_document(path: Path, max_bytes: int = 20_000_000) -> LoadedDocument:
    """Read one supported file, or raise ``DocumentRejected`` with a one-line reason."""
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise DocumentRejected(f"{path.name}: unsupported file type {suffix!r} (use {supported})")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentRejected(f"{path.name}: {size} bytes is over the {max_bytes}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentRejected(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    text = _normalise(reader(data, path.name))
    if not text.strip():
        raise DocumentRejected(f"{path.name}: contains no text")
    return LoadedDocument(source=path.name, text=text, doc_id=document_id(text))


def document_id(text: str) -> str:
    """The stable identity of a document's text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_text(data: bytes, name: str) -> str:
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


def _read_html(data: bytes, name: str) -> str:
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


def _read_pdf(data: bytes, name: str) -> str:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentRejected(f"{name}: is an encrypted PDF; remove the password first")
        pages = [page.extract_text() or "" for page in reader.pages]
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


_READERS: dict[str, Callable[[bytes, str], str]] = {
    ".txt": _decode_text,
    ".md": _decode_text,
    ".markdown": _decode_text,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
}
