from pathlib import Path

import pytest

from evals.real_model import load, regrade
from evals.real_model_score import TIMINGS, figures, main, table
from rag.verification import SupportChecker

TINY = Path(__file__).parent / "data" / "real-tiny.jsonl"
REAL = Path(__file__).parents[2] / "evals" / "data" / "replay" / "real-smollm2.jsonl"


@pytest.fixture(scope="module")
def checker(embeddings):
    return SupportChecker(embeddings)


def test_rescoring_the_tiny_fixture_gives_its_stored_figures(checker):
    """Five hand-made replies: kept whole, partly shown, two fallbacks, a re-pointed citation."""
    run, answers = load(TINY)
    found = figures(answers, [regrade(a, checker) for a in answers])
    untimed = {k: v for k, v in found.items() if k not in TIMINGS}
    assert untimed == {k: v for k, v in run.figures.items() if k not in TIMINGS}
    assert (found["faithful"], found["unfaithful"], found["no_claim"]) == (3, 2, 1)
    assert found["faithful_kept"] == 1.0 and found["unfaithful_removed"] == 1.0
    assert (found["answers_whole"], found["answers_partly"], found["answers_fallback"]) == (
        0.4,
        0.2,
        0.4,
    )
    assert found["re_pointed"] == 1 and found["re_pointed_to_support"] == 1.0


def test_the_table_counts_answers_that_fell_back_per_label(checker):
    _, answers = load(TINY)
    rows = table(answers, [regrade(a, checker) for a in answers]).splitlines()
    assert rows[2] == "| faithful | 3 | kept 3/3 (100.0%) | 0/2 (0.0%) |"
    assert rows[3] == "| unfaithful | 2 | removed 2/2 (100.0%) | 1/2 (50.0%) |"


def test_a_sentence_the_model_repeats_counts_once_as_shown(checker):
    """The guard removes the second copy ("repeats itself"); that is no faithful loss."""
    _, answers = load(TINY)
    first = answers[0]
    text = first.sentences[0].text
    twice = first.model_copy(update={"raw": f"{text} [1] {text} [1]"})
    graded = regrade(twice, checker)
    assert [j.fate for j in graded.sentences] == ["kept", "removed"]
    found = figures([twice], [graded])
    assert found["faithful"] == 1 and found["faithful_kept"] == 1.0
    assert found["answers_whole"] == 1.0 and found["sentences"] == 1


def test_an_unlabelled_sentence_is_one_line_and_exit_2(tmp_path, capsys):
    lines = TINY.read_text().splitlines()
    lines[1] = lines[1].replace('"label":"faithful"', '"label":null')
    path = tmp_path / "unlabelled.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "t1: sentence not labelled" in err


def test_a_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    assert main([str(tmp_path / "none.jsonl")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


def test_store_writes_the_figures_into_the_header(tmp_path, capsys):
    path = tmp_path / "real.jsonl"
    path.write_text(TINY.read_text().replace('"answers":5.0', '"answers":9.0'))
    assert main([str(path), "--store"]) == 0
    assert load(path)[0].figures["answers"] == 5
    assert "| no_claim | 1 | removed 1/1 (100.0%) | 1/1 (100.0%) |" in capsys.readouterr().out


def test_every_stored_real_model_sentence_is_labelled():
    """The recorded run: a model named with its hash, every sentence labelled, support in range."""
    run, answers = load(REAL)
    assert run.model.endswith(".gguf") and len(run.sha256) == 64 and run.llama_cpp
    assert run.figures["answers"] == len(answers)
    for answer in answers:
        for sentence in answer.sentences:
            assert sentence.label is not None, (answer.id, sentence.text)
            assert all(1 <= n <= len(answer.candidates) for n in sentence.support), answer.id
            assert sentence.support or sentence.label != "faithful", (answer.id, sentence.text)
