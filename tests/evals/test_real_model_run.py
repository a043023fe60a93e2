from evals.real_model import RealAnswer, RealSentence
from evals.real_model_run import (
    ReplyRecorder,
    answered_test_questions,
    keep_labels,
    main,
    record_document,
)
from rag.chat_models import ScriptedChatModel
from rag.settings import Settings
from rag.verification import SupportChecker

REPLY = "He was 42 [1]. He died in 2016 [2]. What else?"


def test_the_raw_reply_is_recorded_and_its_fates_match_what_the_chain_showed(
    embeddings, capsys, tmp_path
):
    """Through the real chain over the document's own index, with a scripted model."""
    (question,) = [q for q in answered_test_questions() if q.id == "debian-dedication-9-q001"]
    recorder = ReplyRecorder()

    def factory(name, settings):
        return ScriptedChatModel(replies=[REPLY], callbacks=[recorder])

    settings = Settings(_env_file=None, data_dir=tmp_path, answerability=False)  # type: ignore[call-arg]
    checker = SupportChecker(embeddings)
    (row,) = record_document(
        "debian-dedication-9", [question], settings, checker, factory, recorder, backend="fake"
    )
    assert row.raw == REPLY and "He was 42." in row.candidates
    assert row.prompt_question == question.prompt_question
    fates = [(s.text, s.fate) for s in row.sentences]
    assert fates[0][0] == "He was 42." and fates[0][1] in ("kept", "re-pointed")
    assert fates[1:] == [("He died in 2016.", "removed"), ("What else?", "removed")]
    assert row.shown.startswith("He was 42. [1]") and not row.fallback
    assert "disagrees" not in capsys.readouterr().err


def test_only_answered_test_questions_are_asked():
    questions = answered_test_questions()
    assert len(questions) == 110 and {q.part for q in questions} == {"test"}


def test_labels_are_kept_only_for_an_unchanged_reply():
    def row(raw, label=None):
        sentence = RealSentence(text="He was 42.", markers=[1], fate="kept", label=label,
                                support=[1] if label else [])  # fmt: skip
        return RealAnswer(id="q", doc_id="d", question="?", prompt_question="?",
                          candidates=["He was 42."], raw=raw, shown="", fallback=False,
                          sentences=[sentence])  # fmt: skip

    earlier = [row("He was 42 [1].", "faithful")]
    (same,) = keep_labels([row("He was 42 [1].")], earlier)
    (other,) = keep_labels([row("He was 42 [1]. More.")], earlier)
    assert same.sentences[0].label == "faithful" and same.sentences[0].support == [1]
    assert other.sentences[0].label is None


def test_a_missing_model_file_is_one_line_and_exit_2(tmp_path, capsys):
    argv = ["--base-url", "http://127.0.0.1:1/v1", "--model-file", str(tmp_path / "m.gguf"),
            "--out", str(tmp_path / "out.jsonl")]  # fmt: skip
    assert main(argv) == 2
    assert capsys.readouterr().err == f"error: no model file at {tmp_path / 'm.gguf'}\n"
    assert not (tmp_path / "out.jsonl").exists()
