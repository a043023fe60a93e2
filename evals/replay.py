"""Replayed capable-model answers: the data set, and a scripted backend that plays it back.

``evals/data/replay/candidates.jsonl`` holds, per question, the numbered candidate sentences
the answer chain shows a model (dumped by ``evals/replay_candidates.py``);
``evals/data/replay/answers.jsonl`` holds the answers written for them: a faithful answer and
variants with one subtle error each. ``cases`` turns them into replies, each sentence labelled;
``ReplayChatModel`` returns the reply scripted for the question it is asked. See
``evals/data/replay/README.md`` for the fields.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from langchain_core.messages import BaseMessage
from pydantic import BaseModel, ConfigDict, Field

from rag.backends import Backend, register
from rag.chat_models import ScriptedChatModel
from rag.markers import markers_in, strip_markers

REPLAY_DIR = Path(__file__).resolve().parent / "data" / "replay"
ERROR_TYPES = (
    "number",
    "entity",
    "negation",
    "modality",
    "addition",
    "overgeneralisation",
    "cause",
)
_QUESTION = re.compile(r"<question>\s*(.*?)\s*</question>", re.DOTALL)
_CANDIDATES = re.compile(r"<candidates>\s*(.*?)\s*</candidates>", re.DOTALL)
_NUMBERED = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)


class Candidates(BaseModel):
    """The numbered candidate sentences the chain showed a model for one question."""

    model_config = ConfigDict(extra="forbid")
    id: str
    doc_id: str
    part: str  # "tune" (rules may be adjusted on it) or "test" (held out, by document)
    question: str  # as asked
    prompt_question: str  # as the chain wrote it into the prompt (what the replay keys on)
    candidates: list[str]


class Variant(BaseModel):
    """The faithful answer with sentence ``sentence`` replaced by ``text``, which has one error."""

    model_config = ConfigDict(extra="forbid")
    error: str
    sentence: int
    text: str


class Written(BaseModel):
    """A capable model's answer to one question, and its unfaithful variants."""

    model_config = ConfigDict(extra="forbid")
    id: str
    answer: list[str]  # sentences, each ending with its [n] markers
    variants: list[Variant] = Field(default_factory=list)


@dataclass(frozen=True)
class Sentence:
    """One sentence of a replayed reply: its text without markers, label and true support."""

    text: str
    cited: tuple[int, ...]
    error: str | None  # None when faithful
    support: tuple[int, ...]  # candidates that support it (the faithful answer's citation)


@dataclass(frozen=True)
class Case:
    """One replayed reply to one question, of kind faithful / unfaithful / wrong_citation."""

    id: str
    question: Candidates
    kind: str
    reply: str
    sentences: tuple[Sentence, ...]


def load_candidates(path: Path = REPLAY_DIR / "candidates.jsonl") -> dict[str, Candidates]:
    """Candidates per question id."""
    rows = [Candidates.model_validate_json(line) for line in _lines(path)]
    return {row.id: row for row in rows}


def load_written(path: Path = REPLAY_DIR / "answers.jsonl") -> list[Written]:
    """The written answers, in file order."""
    return [Written.model_validate_json(line) for line in _lines(path)]


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cases(
    written: list[Written], candidates: dict[str, Candidates], part: str | None = None
) -> list[Case]:
    """Every replayed reply: faithful, one per variant, and one with a wrong citation."""
    out: list[Case] = []
    for item in written:
        question = candidates[item.id]
        if part is not None and question.part != part:
            continue
        faithful = [_sentence(text, None, markers_in(text)) for text in item.answer]
        out.append(_case(f"{item.id}/faithful", question, "faithful", item.answer, faithful))
        for v, variant in enumerate(item.variants):
            texts = list(item.answer)
            texts[variant.sentence] = variant.text
            labels = list(faithful)
            support = faithful[variant.sentence].support
            labels[variant.sentence] = _sentence(variant.text, variant.error, support)
            out.append(
                _case(f"{item.id}/{variant.error}{v}", question, "unfaithful", texts, labels)
            )
        wrong = _wrong_citation(item, question, faithful)
        if wrong is not None:
            out.append(wrong)
    return out


def _sentence(text: str, error: str | None, support: tuple[int, ...]) -> Sentence:
    return Sentence(strip_markers(text), markers_in(text), error, support)


def _case(
    case_id: str, question: Candidates, kind: str, texts: list[str], labels: list[Sentence]
) -> Case:
    return Case(case_id, question, kind, " ".join(texts), tuple(labels))


def _wrong_citation(item: Written, question: Candidates, faithful: list[Sentence]) -> Case | None:
    """The faithful answer with its first sentence citing the candidate least like it."""
    first = faithful[0]
    others = [n for n in range(1, len(question.candidates) + 1) if n not in first.support]
    if not others or not first.support:
        return None
    words = set(first.text.lower().split())
    # The candidate sharing fewest words: a citation a careless model could make, not a synonym.
    wrong = min(
        others, key=lambda n: (len(words & set(question.candidates[n - 1].lower().split())), n)
    )
    texts = [strip_markers(item.answer[0]) + f" [{wrong}]", *item.answer[1:]]
    moved = Sentence(first.text, (wrong,), None, first.support)
    return _case(
        f"{item.id}/wrong_citation", question, "wrong_citation", texts, [moved, *faithful[1:]]
    )


class ReplayChatModel(ScriptedChatModel):
    """Replies with the reply scripted for the question in the prompt; records each prompt.

    Without a script for the question it declines, so a question the data does not cover can
    never pass as answered.
    """

    by_question: dict[str, str] = Field(default_factory=dict)
    prompts: list[str] = Field(default_factory=list)

    def _reply(self, messages: list[BaseMessage]) -> str:
        self._calls += 1
        prompt = messages[-1].text if messages else ""
        self.prompts.append(prompt)
        found = _QUESTION.search(prompt)
        return self.by_question.get(found.group(1) if found else "", "I cannot tell.")


def numbered_candidates(prompt: str) -> list[str]:
    """The candidate sentences of an answer prompt, in their numbered order."""
    block = _CANDIDATES.search(prompt)
    return [m.group(2) for m in _NUMBERED.finditer(block.group(1))] if block else []


def prompt_question(prompt: str) -> str | None:
    """The question of an answer prompt (as the chain wrote it there)."""
    found = _QUESTION.search(prompt)
    return found.group(1) if found else None


register(
    Backend(
        "replay",
        "replays written capable-model answers (evals and tests only)",
        lambda settings: ReplayChatModel(),
        lambda settings: True,
        for_tests=True,
    )
)


def write_jsonl(path: Path, rows: list[BaseModel]) -> None:
    """One JSON object per line, keys in field order."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(row.model_dump(), ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
