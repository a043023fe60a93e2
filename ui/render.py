"""Pure rendering helpers: every document, question and answer text is escaped before markup."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from rag.answer_types import Answer, Citation, Passage
from rag.markers import SHOWN_MARKER

MARKER = re.compile(rf"\s?{SHOWN_MARKER.pattern}")  # with the space before it
CONTEXT_CHARS = 160
# HTML's specials plus every character Markdown builds links, images or emphasis from, as
# character references: Gradio renders some HTML through a Markdown parser (the chat), and a
# reference is never Markdown syntax, while the browser still shows the character as typed.
_NAME_ENTITIES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
    | {c: f"&#{ord(c)};" for c in "[]()!*_`~|#\\{}"}
)
# Mid-line, only these can start Markdown links, images, emphasis, code, tables or HTML.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#!|<>~&])")


def escape(text: str) -> str:
    """Text made inert for HTML: tags, entities and quotes all show as typed."""
    return html.escape(text, quote=True)


def escape_name(name: str) -> str:
    """A document or file name made inert in HTML that may also pass through Markdown."""
    return str(name).translate(_NAME_ENTITIES)


def markdown_name(name: str) -> str:
    """A document or file name for a Markdown file: every Markdown special backslash-escaped."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", " ".join(str(name).split()))


def inline_text(text: str) -> str:
    """Escaped text on one HTML line, so Markdown never reinterprets it (blank lines included)."""
    lines = escape(text).splitlines()
    return "<br>".join(line for line in lines if line.strip()) or "&nbsp;"


def cite_anchor(turn: int, n: int) -> str:
    """The fragment a marker or card links to; the page script turns it into a citation click."""
    return f"#cite-{turn}-{n}"


def link_markers(text: str, citations: Sequence[Citation], turn: int) -> str:
    """Escaped answer text with ``[n]`` markers as links; markers citing nothing are dropped."""
    known = {c.n for c in citations}
    pieces: list[str] = []
    position = 0
    for match in MARKER.finditer(text):
        pieces.append(
            inline_text(text[position : match.start()]) if match.start() > position else ""
        )
        n = int(match.group(1))
        if n in known:
            pieces.append(
                f' <a class="gw-marker" href="{cite_anchor(turn, n)}" title="Show source [{n}]">'
                f"[{n}]</a>"
            )
        position = match.end()
    if position < len(text):
        pieces.append(inline_text(text[position:]))
    return "".join(pieces)


def render_citation_cards(citations: Sequence[Citation], turn: int) -> str:
    """One clickable card per citation: number, source and the quoted words."""
    cards = [
        f'<a class="gw-card" href="{cite_anchor(turn, c.n)}">'
        f"<b>[{c.n}] {escape_name(c.source)}</b> · <i>{escape(_shorten(c.quote, 160))}</i></a>"
        for c in citations
    ]
    return "<br>".join(cards)


def render_answer(answer: Answer, turn: int) -> str:
    """The chat bubble for a finished answer: linked text, a notice if changed, source cards."""
    if answer.refused:
        return f'<div class="gw-refusal">{inline_text(answer.answer)}</div>'
    parts = [f'<div class="gw-answer">{link_markers(answer.answer, answer.citations, turn)}</div>']
    notice = verification_notice(answer)
    if notice:
        parts.append(f'<div class="gw-notice">⚠ {inline_text(notice)}</div>')
    if answer.citations:
        parts.append(f'<div class="gw-cards">{render_citation_cards(answer.citations, turn)}</div>')
    return "".join(parts)


def verification_notice(answer: Answer) -> str:
    """Why the shown answer differs from what the model wrote, or an empty string."""
    lines: list[str] = []
    if answer.notice:
        lines.append(answer.notice)
    if answer.fallback and not answer.notice:
        lines.append("The model's answer could not be verified; showing quoted sentences instead.")
    if answer.removed:
        lines.append(f"{len(answer.removed)} unsupported sentence(s) were removed:")
        lines.extend(f"– {r.sentence} ({r.reason})" for r in answer.removed)
    return "\n".join(lines)


def render_draft(text: str) -> str:
    """A streaming draft: escaped, with a cursor, before verification finishes."""
    return f'<div class="gw-draft">{inline_text(text)} ▍</div>'


def render_error(message: str) -> str:
    """A user-facing error inside the chat."""
    return f'<div class="gw-error"><b>Could not answer:</b> {inline_text(message)}</div>'


def render_question(question: str) -> str:
    """The user's bubble: exactly what was typed, shown as text."""
    return f"<div>{inline_text(question)}</div>"


def highlight_passage(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> str:
    """The span ``text[start:end]`` in a ``<mark>`` with escaped surrounding context."""
    start, end = max(0, start), min(len(text), end)
    left = min(start, _word_boundary_left(text, max(0, start - context)))
    right = max(end, _word_boundary_right(text, min(len(text), end + context)))
    return (
        ("…" if left > 0 else "")
        + escape(text[left:start])
        + f"<mark>{escape(text[start:end])}</mark>"
        + escape(text[end:right])
        + ("…" if right < len(text) else "")
    )


def render_document(text: str, start: int | None = None, end: int | None = None) -> str:
    """A whole document, escaped, paragraphs kept; the span ``start:end`` marked when given."""
    if start is None or end is None:
        body = escape(text)
    else:
        start, end = max(0, start), min(len(text), end)
        body = (
            escape(text[:start])
            + f'<mark id="gw-mark">{escape(text[start:end])}</mark>'
            + escape(text[end:])
        )
    return f'<div class="gw-doc-text">{body}</div>'


def render_source_card(citation: Citation, text: str) -> str:
    """The cited passage shown above the document: source, offsets and highlighted context."""
    return (
        f'<div class="gw-source"><div class="gw-source-head">[{citation.n}] '
        f"{escape_name(citation.source)} · characters {citation.start}–{citation.end}</div>"
        f'<div class="gw-source-body">{highlight_passage(text, citation.start, citation.end)}'
        "</div></div>"
    )


def render_details(answer: Answer | None) -> str:
    """Retrieved passages with scores and per-stage timings, for the details panel."""
    if answer is None:
        return '<p class="gw-muted">Ask a question to see how its answer was found.</p>'
    timings = " · ".join(f"{escape(stage)} {ms:.0f} ms" for stage, ms in answer.timings_ms.items())
    rows = "".join(_passage_row(i, p) for i, p in enumerate(answer.passages, start=1))
    return (
        f'<div class="gw-details"><p><b>Backend:</b> {escape(answer.backend)}'
        f"<br><b>Timings:</b> {timings or 'n/a'}</p>"
        f"<ol>{rows}</ol></div>"
    )


def _passage_row(rank: int, passage: Passage) -> str:
    return (
        f"<li><b>{escape_name(passage.source)}</b> characters {passage.start}–{passage.end} · "
        f"score {passage.score:.3f}<blockquote>{escape(_shorten(passage.text, 600))}"
        "</blockquote></li>"
    )


def render_document_list(documents: Sequence[dict[str, Any]]) -> str:
    """A short HTML line naming the ingested documents (or saying there are none)."""
    if not documents:
        return '<p class="gw-muted">No documents ingested yet — upload one below.</p>'
    names = ", ".join(
        f"{escape_name(str(d.get('source', '?')))} ({escape(str(d.get('chars', '?')))} chars)"
        for d in documents
    )
    return f'<p class="gw-doc-list">{len(documents)} document(s): {names}</p>'


def render_upload_status(report: dict[str, Any]) -> str:
    """The upload report as HTML: its summary, then one line per added, kept or skipped file."""
    lines = [f"<b>{escape(str(report['summary']))}</b>"]
    lines += [f"added: {escape_name(name)}" for name in report["added"]]
    lines += [f"already there: {escape_name(name)}" for name in report["unchanged"]]
    lines += [f"⚠ {escape_name(reason)}" for reason in report["skipped"]]
    return '<div class="gw-upload-status">' + "<br>".join(lines) + "</div>"


def conversation_markdown(turns: Sequence[dict[str, Any]]) -> str:
    """The conversation as Markdown, each answer followed by its numbered quotes and sources."""
    lines = ["# groundwork conversation", ""]
    for turn in turns:
        lines += [f"**Question:** {turn['question']}", ""]
        answer = turn.get("answer")
        if answer is None:
            lines += [f"**Error:** {turn.get('error', 'no answer')}", ""]
            continue
        parsed = Answer.model_validate(answer)
        lines += [f"**Answer:** {parsed.answer}", ""]
        for c in parsed.citations:
            source = markdown_name(c.source)
            lines.append(f"> [{c.n}] “{c.quote}” — {source}, characters {c.start}–{c.end}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _word_boundary_left(text: str, index: int) -> int:
    if index == 0:
        return 0
    space = text.find(" ", index)
    return index if space == -1 else space + 1


def _word_boundary_right(text: str, index: int) -> int:
    if index >= len(text):
        return len(text)
    space = text.rfind(" ", 0, index)
    return index if space == -1 else space
