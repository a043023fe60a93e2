"""Whole-document questions ("summarise the article", "tl;dr"): answer from every paragraph.

Top-k retrieval cannot summarise: a summary has no single best passage. For questions that
ask about the whole document (see ``is_overview_question``) the extractive overview quotes
the lead (first) sentence of each paragraph, at most ``MAX_OVERVIEW_SENTENCES`` spread evenly
over the document(s); language models get the document's sentences as numbered candidates
when they fit the context window, else the paragraph leads.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.answer_types import Reply, ScoredSentence
from rag.citations import quote_answer
from rag.generation import SYSTEM_PROMPT, GroundedDraft
from rag.injection import unquotable
from rag.model_answer import Writer, fallback_notice
from rag.sentences import split_sentences
from rag.settings import Settings
from rag.store import Store

MAX_OVERVIEW_SENTENCES = 8
MIN_LEAD_WORDS = 4  # shorter paragraph openers are headings ("Background"), not content
CHARS_PER_TOKEN = 4  # rough estimate for English text
PROMPT_OVERHEAD_CHARS = len(SYSTEM_PROMPT) + 400  # the template around the candidates
OVERVIEW_NOTICE = "Overview: the opening sentence of each paragraph, quoted."
MODEL_OVERVIEW_NOTICE = (
    "Overview written from the whole document; only sentences it supports are shown."
)

# --- detection ------------------------------------------------------------------------------
# A question is about the whole document when it ends with a request for a summary (or its
# main points, gist, overview...) that names no topic other than the document itself, or asks
# what the document is about. "What was the main reason for X?" and "Give me a summary of the
# negotiations" name a topic and stay ordinary questions.
_DOC = r"(?:article|document|doc|text|file|paper|report|page|story|piece|post|content|source)s?"
_DET = r"(?:(?:the|this|that|these|those|your|my|each|both|all)\s+)?"
_WHOLE = r"(?:(?:whole|entire|full|above|attached|uploaded|given)\s+)?"
_DOC_REF = rf"(?:(?:of|in|from|for|on)\s+)?(?:{_DET}{_WHOLE}{_DOC}|it|this|that|them|these)"
_ASK = (
    r"summari[sz](?:e|ing)|sum(?:s|ming)?\s+(?:it\s+|this\s+)?up|summary|synopsis|overview|"
    r"outline|recap|gist|(?:the\s+)?(?:main|key|central|major|most important)\s+(?:points?|"
    r"ideas?|takeaways?|messages?|themes?|arguments?|facts?|findings?)|takeaways?|highlights"
)
_FILLER = (
    r"(?:\s+(?:please|for me|briefly|in brief|in short|quickly|"
    r"in (?:a|one|two|three|four|five|\d+|a few)\s+(?:short\s+)?(?:sentences?|lines?|words?|"
    r"paragraphs?|bullets?|bullet points?|points?)))*"
)
_OVERVIEW_PATTERNS = [
    re.compile(r"\btl\s*[;:,.]?\s*dr\b"),
    re.compile(rf"\b(?:{_ASK})(?:\s+{_DOC_REF})?{_FILLER}$"),
    re.compile(
        rf"\bwhat(?:'s|\s+is|\s+are|\s+was|\s+were)\s+{_DET}{_WHOLE}(?:{_DOC}|it|they|this|that)"
        rf"\s+(?:all\s+)?about{_FILLER}$"
    ),
    re.compile(
        rf"\bwhat\s+(?:does|do|did)\s+{_DET}{_WHOLE}{_DOC}\s+"
        rf"(?:say|cover|discuss|describe|talk about|tell (?:us|me)){_FILLER}$"
    ),
]


def is_overview_question(question: str, sources: Iterable[str] = ()) -> bool:
    """Whether ``question`` asks about whole documents (a summary, the main points, the gist)."""
    text = question.lower().replace("’", "'")
    for pattern in _name_patterns(sources):
        text = pattern.sub("the document", text)
    text = re.sub(r"[\s?.!:;,)\"']+$", "", " ".join(text.split()))
    return any(pattern.search(text) for pattern in _OVERVIEW_PATTERNS)


def named_sources(question: str, sources: Iterable[str]) -> list[str]:
    """The sources the question names, by file name or by file stem ("us iraq transition")."""
    text = question.lower()
    return [s for s in sources if any(p.search(text) for p in _name_patterns([s]))]


def _name_patterns(sources: Iterable[str]) -> list[re.Pattern[str]]:
    patterns = []
    for source in sources:
        parts = re.findall(r"[^\W_]+", Path(source).stem.lower())
        if len("".join(parts)) >= 3:
            joined = r"[\s_.-]*".join(re.escape(part) for part in parts)
            named = rf"{_DET}{joined}(?:\.[a-z0-9]{{1,4}})?(?:\s+{_DOC})?"
            patterns.append(re.compile(rf"\b{named}\b"))
    return patterns


# --- the documents' sentences -----------------------------------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class DocumentSentences:
    """One document's sentences and, among them, the lead sentence of each paragraph."""

    doc_id: str
    source: str
    sentences: list[ScoredSentence]
    leads: list[ScoredSentence]


@dataclass(frozen=True)
class Overview:
    """What a whole-document question is answered from: the documents and the leads to quote."""

    documents: list[DocumentSentences]
    leads: list[ScoredSentence]


def plan_overview(store: Store, question: str) -> Overview | None:
    """The overview for a whole-document question; None for any other question or no leads."""
    rows = store.list_documents()
    sources = [str(row.get("source", "")) for row in rows]
    if not rows or not is_overview_question(question, sources):
        return None
    documents = load_documents(store, question, rows)
    leads = overview_sentences(documents)
    return Overview(documents, leads) if leads else None


def answer_overview(
    plan: Overview, question: str, writer: Writer | None, settings: Settings
) -> Generator[str, None, Reply]:
    """Stream the model's verified summary of the documents; else quote the paragraph leads."""
    draft = GroundedDraft()
    if writer is not None:  # no relevance gate: a summary has no single best passage
        candidates = model_candidates(plan.documents, question, settings)
        draft = yield from writer.write(question, candidates)
    if draft.shown:
        stopped = f" The model stopped early ({draft.error})." if draft.error else ""
        return Reply(" ".join(draft.shown), draft.citations, notice=MODEL_OVERVIEW_NOTICE + stopped,
                     removed=draft.removed, timings=draft.timings_ms, streamed=True)  # fmt: skip
    text, citations = quote_answer(plan.leads)
    why = fallback_notice(writer.backend, draft) + " " if writer is not None else ""
    return Reply(text, citations, notice=why + overview_notice(plan.documents, plan.leads),
                 fallback=writer is not None, removed=draft.removed,
                 timings=draft.timings_ms)  # fmt: skip


def load_documents(
    store: Store, question: str, rows: Sequence[Mapping[str, object]] | None = None
) -> list[DocumentSentences]:
    """The documents the question names, or all of them, in source order, split into sentences."""
    rows = store.list_documents() if rows is None else rows
    sources = [str(row.get("source", "")) for row in rows]
    named = set(named_sources(question, sources))
    chosen = [row for row in rows if not named or str(row.get("source", "")) in named]
    return [_document(store, str(row["doc_id"]), str(row.get("source", ""))) for row in chosen]


def _document(store: Store, doc_id: str, source: str) -> DocumentSentences:
    text = store.document_text(doc_id)
    chunks = store.chunk_ranges(doc_id)
    sentences: list[ScoredSentence] = []
    leads: list[ScoredSentence] = []
    previous_end = 0
    for i, span in enumerate(split_sentences(text)):
        quote = text[span.start : span.end]
        sentence = ScoredSentence(doc_id=doc_id, source=source,
                                  chunk_id=_chunk_of(chunks, span.start, span.end),
                                  start=span.start, end=span.end, text=quote,
                                  dense=0.0, lexical=0.0, score=1.0)  # fmt: skip
        opens_paragraph = i == 0 or _PARAGRAPH_BREAK.search(text, previous_end, span.start)
        previous_end = span.end
        if unquotable(quote):
            continue  # never quoted nor offered to a model
        sentences.append(sentence)
        if opens_paragraph and len(quote.split()) >= MIN_LEAD_WORDS:
            leads.append(sentence)
    return DocumentSentences(doc_id, source, sentences, leads)


def _chunk_of(chunks: list[tuple[str, int, int]], start: int, end: int) -> str:
    """The first chunk holding the whole span, else the first overlapping it."""
    for chunk_id, chunk_start, chunk_end in chunks:
        if chunk_start <= start and end <= chunk_end:
            return chunk_id
    overlapping = [c for c, s, e in chunks if s < end and start < e]
    return overlapping[0] if overlapping else ""


# --- what to show or offer --------------------------------------------------------------------


def overview_sentences(
    documents: Sequence[DocumentSentences], limit: int = MAX_OVERVIEW_SENTENCES
) -> list[ScoredSentence]:
    """Paragraph leads shared fairly among the documents, spread evenly over each, in order."""
    counts = _allot([len(d.leads) for d in documents], limit)
    chosen: list[ScoredSentence] = []
    for document, count in zip(documents, counts, strict=True):
        chosen.extend(document.leads[i] for i in spread(len(document.leads), count))
    return chosen


def spread(total: int, count: int) -> list[int]:
    """``count`` indices into ``range(total)``, evenly spaced, first and last included."""
    if count <= 0 or total <= 0:
        return []
    if count >= total:
        return list(range(total))
    if count == 1:
        return [0]
    return sorted({round(i * (total - 1) / (count - 1)) for i in range(count)})


def _allot(sizes: Sequence[int], limit: int) -> list[int]:
    """Round-robin shares of ``limit`` among documents holding ``sizes`` leads."""
    counts = [0] * len(sizes)
    while sum(counts) < limit:
        grown = False
        for i, size in enumerate(sizes):
            if counts[i] < size and sum(counts) < limit:
                counts[i] += 1
                grown = True
        if not grown:
            break
    return counts


def overview_notice(documents: Sequence[DocumentSentences], shown: Sequence[ScoredSentence]) -> str:
    """``OVERVIEW_NOTICE``, saying so when some documents had no room."""
    covered = {s.doc_id for s in shown}
    if len(covered) < len(documents):
        return f"{OVERVIEW_NOTICE} It covers {len(covered)} of {len(documents)} documents."
    return OVERVIEW_NOTICE


def model_candidates(
    documents: Sequence[DocumentSentences], question: str, settings: Settings
) -> list[ScoredSentence]:
    """Every sentence when they fit the model's context, else every paragraph lead, else fewer."""
    every = [s for d in documents for s in d.sentences]
    leads = [s for d in documents for s in d.leads]
    for candidates in (every, leads):
        if fits_context(candidates, question, settings):
            return candidates
    return overview_sentences(documents)


def fits_context(candidates: Sequence[ScoredSentence], question: str, settings: Settings) -> bool:
    """Whether the prompt with these candidates leaves room for the answer (~4 chars a token)."""
    chars = PROMPT_OVERHEAD_CHARS + len(question) + sum(len(c.text) + 8 for c in candidates)
    return chars / CHARS_PER_TOKEN + settings.llm_max_tokens <= settings.llm_context_tokens
