import json

import pytest

from evals.real_model import (
    RealAnswer,
    RealRun,
    RealSentence,
    candidate_sentences,
    load,
    regrade,
    save,
)
from evals.real_model_score import labelled
from rag.verification import SupportChecker

CANDIDATES = [
    "The US-led coalition will end its military mission in Iraq by September 2025.",
    "The sky over Baghdad was blue all day.",
    "Sabrina Singh is the deputy Pentagon press secretary.",
]


def answer(raw: str, question: str = "When does the coalition's mission in Iraq end?"):
    return RealAnswer(id="q1", doc_id="article", question=question, prompt_question=question,
                      candidates=CANDIDATES, raw=raw, shown="", fallback=False,
                      sentences=[])  # fmt: skip


@pytest.fixture(scope="module")
def checker(embeddings):
    return SupportChecker(embeddings)


def test_each_sentence_of_a_raw_reply_gets_the_guards_verdict(checker):
    raw = (
        "The US-led coalition will end its military mission in Iraq by September 2025 [2]. "
        "The coalition will end its mission in Iraq by September 2026 [1]. "
        "When does it end?"
    )
    graded = regrade(answer(raw), checker)
    fates = [(j.fate, j.cited) for j in graded.sentences]
    assert fates == [("re-pointed", (1,)), ("removed", ()), ("removed", ())]
    assert "2026" in graded.sentences[1].reason
    assert graded.sentences[2].reason == "asks a question instead of answering"
    assert not graded.fallback and graded.shown.endswith("September 2025. [1]")
    assert graded.verify_ms > 0 and graded.cpu_ms > 0


def test_sentences_after_the_guard_stops_reading_are_unreached(checker):
    kept = [f"{c} [{n}]" for n, c in enumerate(CANDIDATES, start=1)]
    raw = " ".join([*kept, "The sky over Baghdad was blue all day [2]."])
    fates = [j.fate for j in regrade(answer(raw), checker).sentences]
    assert fates == ["kept", "kept", "kept", "unreached"]


def test_nothing_shown_is_a_fallback(checker):
    graded = regrade(answer("The document does not say."), checker)
    assert graded.fallback and graded.shown == ""
    assert [j.fate for j in graded.sentences] == ["removed"]


def test_candidates_keep_their_numbers_for_the_citations():
    made = candidate_sentences("article", CANDIDATES)
    assert [c.start for c in made] == [1, 2, 3] and made[2].text == CANDIDATES[2]


def test_a_file_round_trips_and_labels_are_matched_by_text(tmp_path, checker):
    run = RealRun(model="m.gguf", sha256="0" * 64, llama_cpp="0.3", date="2026-11-29",
                  server="python -m llama_cpp.server", chain="groundwork")  # fmt: skip
    text = "The US-led coalition will end its military mission in Iraq by September 2025."
    labels = [RealSentence(text=text, markers=[1], fate="kept", cited=[1], label="faithful",
                           support=[1])]  # fmt: skip
    row = answer(f"{text} [1]").model_copy(update={"sentences": labels})
    path = tmp_path / "real.jsonl"
    save(path, run, [row])
    assert json.loads(path.read_text().splitlines()[0])["sha256"] == "0" * 64
    loaded_run, (loaded,) = load(path)
    assert loaded_run == run and loaded == row
    ((judged, label),) = labelled(loaded, regrade(loaded, checker))
    assert judged.fate == "kept" and label.label == "faithful"
