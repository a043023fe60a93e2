"""A real model's answers to the replay questions, hand-labelled, re-scored under today's guard.

``evals/data/replay/real-*.jsonl`` holds, per question, the numbered candidates the chain
showed the model, the model's raw reply (recorded by ``evals/real_model_run.py``) and every
sentence of it with a hand label (``faithful`` / ``unfaithful`` / ``no_claim``). Scoring
replays each raw reply through the guard the chain uses today (``rag.generation.
write_grounded`` with the support checker) on the stored candidates, so another guard can be
measured on the same model output without running the model again
(``python -m evals.real_model_score evals/data/replay/real-smollm2.jsonl``).
"""

from __future__ import annotations

import time
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field

from rag.answer_types import ScoredSentence
from rag.chat_models import ScriptedChatModel
from rag.citations import split_cited, valid_markers
from rag.generation import GroundedDraft, SupportCheck, Verdict, write_grounded
from rag.markers import shown_numbers

Label = Literal["faithful", "unfaithful", "no_claim"]
Fate = Literal["kept", "re-pointed", "removed", "unreached"]
LABELS: tuple[Label, ...] = get_args(Label)


class RealRun(BaseModel):
    """The file's first line: which model wrote the answers, where and when."""

    model_config = ConfigDict(extra="forbid")
    model: str  # the GGUF file name
    sha256: str
    llama_cpp: str  # llama-cpp-python version of the server
    date: str
    server: str  # how the server was started
    chain: str  # the groundwork commit and settings the answers were recorded with
    figures: dict[str, float] = Field(default_factory=dict)  # as scored when written


class RealSentence(BaseModel):
    """One sentence of the model's reply: the chain's verdict then, and its hand label."""

    model_config = ConfigDict(extra="forbid")
    text: str
    markers: list[int]
    fate: Fate
    reason: str = ""
    cited: list[int] = Field(default_factory=list)  # candidates it was shown citing
    label: Label | None = None
    support: list[int] = Field(default_factory=list)  # candidates that support it (faithful)
    note: str = ""  # why it is unfaithful, or what it is when it claims nothing


class RealAnswer(BaseModel):
    """One question, the candidates the model saw, its raw reply and what the chain showed."""

    model_config = ConfigDict(extra="forbid")
    id: str
    doc_id: str
    question: str
    prompt_question: str
    candidates: list[str]
    raw: str
    shown: str  # the chain's answer text
    fallback: bool
    sentences: list[RealSentence]


@dataclass(frozen=True)
class Judged:
    """What the guard did with one sentence of a raw reply."""

    text: str
    markers: tuple[int, ...]
    fate: Fate
    reason: str = ""
    cited: tuple[int, ...] = ()


@dataclass
class Graded:
    """The guard's verdicts on one raw reply, and what they cost."""

    sentences: list[Judged] = field(default_factory=list)
    fallback: bool = False
    shown: str = ""  # the answer text the guard lets through
    verify_ms: float = 0.0  # the guard's own wall-clock timer
    cpu_ms: float = 0.0  # CPU time inside the support checker


@dataclass
class CpuTimedCheck:
    """A support checker that adds up the CPU time spent in it."""

    inner: SupportCheck
    cpu_s: float = 0.0

    def check(self, sentence: str, passages: Sequence[str]) -> Verdict:
        """The inner checker's verdict, timed."""
        return self.check_many([(sentence, passages)])[0]

    def check_many(self, pairs: Iterable[tuple[str, Sequence[str]]]) -> Sequence[Verdict]:
        """The inner checker's verdicts, timed."""
        started = time.process_time()
        try:
            return self.inner.check_many(pairs)
        finally:
            self.cpu_s += time.process_time() - started


def load(path: Path) -> tuple[RealRun, list[RealAnswer]]:
    """The run header and the answers of a ``real-*.jsonl`` file."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"{path} is empty")
    return RealRun.model_validate_json(lines[0]), [
        RealAnswer.model_validate_json(line) for line in lines[1:]
    ]


def save(path: Path, run: RealRun, answers: Sequence[RealAnswer]) -> None:
    """Write the header then one answer per line."""
    rows = [run.model_dump_json(), *(a.model_dump_json() for a in answers)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


def candidate_sentences(doc_id: str, texts: Sequence[str]) -> list[ScoredSentence]:
    """The stored candidates as the guard takes them; ``start`` keeps each one's number."""
    return [
        ScoredSentence(doc_id, doc_id, "", n, n, text, 0.0, 0.0, 1.0)
        for n, text in enumerate(texts, start=1)
    ]


def regrade(answer: RealAnswer, checker: SupportCheck) -> Graded:
    """Replay the raw reply through today's guard on the stored candidates."""
    candidates = candidate_sentences(answer.doc_id, answer.candidates)
    timed = CpuTimedCheck(checker)
    model = ScriptedChatModel(replies=[answer.raw])
    draft = _drained(write_grounded(model, answer.prompt_question, candidates, timed, 1e9))
    graded = Graded(fallback=not draft.shown, shown=" ".join(draft.shown))
    graded.verify_ms = draft.timings_ms.get("verify", 0.0)
    graded.cpu_ms = timed.cpu_s * 1000
    graded.sentences = judged(answer.raw, draft, len(candidates))
    return graded


T = TypeVar("T")


def _drained(stream: Generator[str, None, T]) -> T:
    while True:
        try:
            next(stream)
        except StopIteration as done:
            return done.value


def judged(raw: str, draft: GroundedDraft, candidate_count: int) -> list[Judged]:
    """Each sentence of ``raw`` with its fate, walking the draft in the guard's order."""
    number_of = {c.n: c.start for c in draft.citations}  # shown number -> candidate number
    shown, removed = list(draft.shown), list(draft.removed)
    out = []
    for sentence in split_cited(raw):
        own = valid_markers(sentence.markers, candidate_count)
        if shown and shown[0].startswith(sentence.text):
            cited = tuple(number_of[n] for n in shown_numbers(shown.pop(0)))
            fate: Fate = "kept" if set(cited) == set(own) else "re-pointed"
            out.append(Judged(sentence.text, sentence.markers, fate, "", cited))
        elif removed and removed[0].sentence == sentence.text:
            reason = removed.pop(0).reason
            out.append(Judged(sentence.text, sentence.markers, "removed", reason))
        else:  # the guard stopped reading (enough shown, or too many removed)
            out.append(Judged(sentence.text, sentence.markers, "unreached"))
    return out


def default_checker() -> SupportCheck:
    """The support checker the chain builds (over the packaged MiniLM)."""
    from rag.embeddings import get_embeddings
    from rag.verification import SupportChecker

    return SupportChecker(get_embeddings())
