"""The generate stage: what a model writes is shown only when verified, else the quote."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.answer_types import Evidence, Reply, ScoredSentence
from rag.chat_models import ScriptedChatModel
from rag.generation import GroundedDraft
from rag.model_answer import Writer, fallback_notice, write_answer
from tests.conftest import make_settings

FACT = ScoredSentence("d", "d.txt", "d:0", 0, 31, "The phaseout ends in September.", 0.8, 0.5,
                      0.8)  # fmt: skip
EVIDENCE = Evidence("When does it end?", "When does it end?", [], [FACT], [[FACT]])


@dataclass(frozen=True)
class Verdict:
    supported: bool
    reason: str = "not in the cited passage"
    score: float = 0.0


class FixedChecker:
    """Says every sentence is supported, or none is."""

    def __init__(self, supported: bool) -> None:
        self.supported = supported

    def check(self, sentence: str, passages: Sequence[str]) -> Verdict:
        return Verdict(self.supported)

    def check_many(self, pairs: Iterable[tuple[str, Sequence[str]]]) -> list[Verdict]:
        return [Verdict(self.supported) for _ in pairs]


def run(reply: str, supported: bool, tmp_path: Path) -> tuple[list[str], Reply]:
    writer = Writer("fake", ScriptedChatModel(replies=[reply]), FixedChecker(supported), 30.0)
    stream = write_answer(EVIDENCE, writer, make_settings(tmp_path / "gw"))
    shown: list[str] = []
    try:
        while True:
            shown.append(next(stream))
    except StopIteration as done:
        return shown, done.value


def test_verified_sentences_are_streamed_and_cited(tmp_path: Path) -> None:
    shown, reply = run("It ends in September [1].", True, tmp_path)
    assert shown and reply.streamed and not reply.fallback
    assert reply.text == "It ends in September. [1]"
    assert [c.quote for c in reply.citations] == [FACT.text]
    assert {"generate", "verify"} <= reply.timings.keys()


def test_when_nothing_is_verified_the_quote_is_shown_saying_why(tmp_path: Path) -> None:
    shown, reply = run("It ends in March [1].", False, tmp_path)
    assert shown == [] and not reply.streamed and reply.fallback
    assert reply.text == f"{FACT.text} [1]"
    assert reply.removed and reply.removed[0].sentence.startswith("It ends in March")
    assert reply.notice == (
        "Showing quoted sentences instead: none of the fake model's sentences was supported by "
        "the documents."
    )


def test_a_failed_model_is_named_in_the_notice() -> None:
    assert fallback_notice("llamacpp", GroundedDraft(error="timed out")) == (
        "Showing quoted sentences instead: the llamacpp model failed (timed out)."
    )
