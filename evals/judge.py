"""Optional LLM judge: a RAGAS-style faithfulness score (claims the cited context supports).

The judge lists the answer's claims, one strict line each, and says whether the cited
context supports it. Output that does not follow the format leaves the answer unscored with
the reason; a score is never guessed and never NaN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage

from evals.metrics.base import Score, unscored
from rag.answer_types import Answer
from rag.backends import get_backend, get_chat_model
from rag.errors import GroundworkError
from rag.markers import SHOWN_MARKER, shown_numbers
from rag.settings import Settings

JUDGE_METRIC = "judge_faithfulness"
JUDGE_PROMPT = """You check whether an answer is supported by its sources.

Sources:
{context}

Answer:
{answer}

Split the answer into its separate factual claims. For each claim write exactly one line:
CLAIM: <the claim> | SUPPORTED: yes
or
CLAIM: <the claim> | SUPPORTED: no
Write "yes" only when the sources state the claim. Write nothing else."""

_MARKERS = re.compile(rf"\s*{SHOWN_MARKER.pattern}")  # with the space before it
_CLAIM_START = re.compile(r"^\W*(?:\d+\s*[.)]\s*)?claim\b", re.I)
_CLAIM_LINE = re.compile(
    r"^\W*(?:\d+\s*[.)]\s*)?claim\s*:\s*(?P<claim>.+?)\s*\|\s*supported\s*:\s*"
    r"(?P<verdict>yes|no)\W*$",
    re.I,
)


@dataclass(frozen=True)
class Verdict:
    """One claim the judge found and whether the cited context supports it."""

    claim: str
    supported: bool


def make_judge(name: str, settings: Settings) -> BaseChatModel:
    """The judge's chat model; any registered backend that uses a model."""
    if not get_backend(name).uses_model:
        raise GroundworkError(f"The judge must be a language model backend, not {name!r}.")
    return get_chat_model(name, settings)


def judge_prompt(answer: Answer) -> str | None:
    """The prompt for ``answer``: its text without markers and the passages it cites."""
    cited = set(shown_numbers(answer.answer))
    citations = [c for c in answer.citations if c.n in cited] or answer.citations
    text = _MARKERS.sub("", answer.answer).strip()
    if not citations or not text:
        return None
    context = "\n\n".join(f"[{c.n}] {c.quote}" for c in citations)
    return JUDGE_PROMPT.format(context=context, answer=text)


def parse_verdicts(output: str) -> tuple[list[Verdict], str | None]:
    """The claim lines of the judge's output, or none and why the output cannot be used."""
    verdicts: list[Verdict] = []
    for number, line in enumerate(output.splitlines(), start=1):
        clean = line.replace("*", "").strip()
        if not _CLAIM_START.match(clean):
            continue
        found = _CLAIM_LINE.match(clean)
        if found is None:
            return [], f"judge line {number} has no yes/no verdict: {clean[:60]!r}"
        verdicts.append(Verdict(found["claim"], found["verdict"].lower() == "yes"))
    if not verdicts:
        return [], f"judge output has no CLAIM lines: {output.strip()[:60]!r}"
    return verdicts, None


def judge_faithfulness(answer: Answer, judge: BaseChatModel) -> Score:
    """Share of the answer's claims that the judge finds supported by the cited context."""
    if answer.refused:
        return unscored("refused: no claims")
    prompt = judge_prompt(answer)
    if prompt is None:
        return unscored("no cited context or empty answer")
    try:
        output = str(judge.invoke([HumanMessage(content=prompt)]).text)
    except Exception as exc:  # any model failure leaves this sample unscored, with why
        return unscored(f"judge failed: {type(exc).__name__}: {exc}")
    verdicts, problem = parse_verdicts(output)
    if problem is not None:
        return unscored(problem)
    unsupported = [v.claim for v in verdicts if not v.supported]
    reason = f"unsupported: {unsupported[0][:80]}" if unsupported else None
    return Score((len(verdicts) - len(unsupported)) / len(verdicts), reason)
