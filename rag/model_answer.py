"""The generate stage: a language model writes the answer from the best candidate sentences.

Each sentence it writes is verified against the candidates it cites and renumbered as it
streams (``rag/generation.py``, which holds the prompt and the verification rules); when none
survives, or the model fails, the quoted answer is shown instead with a notice saying why.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass, replace

from langchain_core.language_models import BaseChatModel

from rag.answer_types import Evidence, Reply, ScoredSentence
from rag.generation import CANDIDATE_COUNT, GroundedDraft, SupportCheck, write_grounded
from rag.quoting import quote, unanswered_notice
from rag.settings import Settings


@dataclass(frozen=True, eq=False)
class Writer:
    """A backend's chat model and the checker every sentence it writes must pass."""

    backend: str
    model: BaseChatModel
    checker: SupportCheck
    timeout_s: float

    def write(
        self, question: str, candidates: Sequence[ScoredSentence]
    ) -> Generator[str, None, GroundedDraft]:
        """Yield each verified sentence as soon as it is complete; return the whole draft."""
        return write_grounded(self.model, question, candidates, self.checker, self.timeout_s)


def write_answer(
    evidence: Evidence, writer: Writer, settings: Settings
) -> Generator[str, None, Reply]:
    """Stream the model's verified sentences; the quoted answer when none survives."""
    threshold = settings.refusal_threshold
    candidates = [s for s in evidence.ranked[:CANDIDATE_COUNT] if s.score >= threshold]
    draft = yield from writer.write(evidence.standalone, candidates)
    if not draft.shown:
        why = fallback_notice(writer.backend, draft)
        quoted = quote(evidence, settings.max_answer_sentences, why)
        return replace(quoted, removed=draft.removed, timings=draft.timings_ms)
    notice = f"The model stopped early ({draft.error})." if draft.error else None
    return Reply(" ".join(draft.shown), draft.citations, removed=draft.removed,
                 notice=unanswered_notice(evidence.unanswered, notice),
                 timings=draft.timings_ms, streamed=True)  # fmt: skip


def fallback_notice(backend: str, draft: GroundedDraft) -> str:
    """Why quoted sentences are shown instead of what the model wrote."""
    if draft.error:
        why = f"the {backend} model failed ({draft.error})"
    else:
        why = f"none of the {backend} model's sentences was supported by the documents"
    return f"Showing quoted sentences instead: {why}."
