import csv
import json

import pytest

from evals.dataset import DATA_DIR, load_dataset
from evals.evaluate import evaluate
from evals.export import ragas_rows, write_ragas
from evals.metrics.base import Score
from evals.runner import SampleResult
from rag.answer_types import Answer, Passage
from rag.errors import GroundworkError
from tests.conftest import ARTICLE, make_settings


def passage(text: str) -> Passage:
    return Passage(chunk_id="c", source="a.txt", doc_id="d", start=0, end=len(text), score=0.5,
                   text=text)  # fmt: skip


ANSWERED = SampleResult(
    "q1", "factual", "extractive", "When did it open?", True,
    Answer(question="When did it open?", answer="In 1932. [1]", refused=False,
           backend="extractive", passages=[passage("It opened in 1932."), passage("Grey.")]),
    scores={"correct": Score(1.0), "token_f1": Score(0.5),
            "judge_faithfulness": Score(None, "garbage")},
)  # fmt: skip
FAILED = SampleResult("q2", "unanswerable", "naive", "Who painted it?", False, None,
                      scores={"correct": Score(0.0, "error: boom")})  # fmt: skip
REFERENCES = {"q1": "It opened in 1932.", "q2": "The document does not say."}


def test_rows_have_ragas_columns_then_ours():
    first, second = ragas_rows([ANSWERED, FAILED], REFERENCES)
    assert list(first)[:4] == ["user_input", "retrieved_contexts", "response", "reference"]
    assert first["user_input"] == "When did it open?"
    assert first["retrieved_contexts"] == ["It opened in 1932.", "Grey."]
    assert first["response"] == "In 1932. [1]" and first["reference"] == "It opened in 1932."
    assert (first["id"], first["backend"], first["refused"]) == ("q1", "extractive", False)
    assert (first["correct"], first["token_f1"], first["judge_faithfulness"]) == (1.0, 0.5, None)
    assert first["unscored"] == {"judge_faithfulness": "garbage"}
    # An unanswered sample keeps every column; metrics it never got are null, with why.
    assert second["response"] is None and second["retrieved_contexts"] == []
    assert second["correct"] == 0.0 and second["token_f1"] is None
    assert second["unscored"] == {"token_f1": "not computed", "judge_faithfulness": "not computed"}


def test_jsonl_has_one_strict_json_object_per_result(tmp_path):
    path = write_ragas([ANSWERED, FAILED], REFERENCES, tmp_path / "sub" / "ragas.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == ["q1", "q2"]
    assert rows == ragas_rows([ANSWERED, FAILED], REFERENCES)
    assert "NaN" not in path.read_text(encoding="utf-8")


def test_csv_has_the_same_columns_with_lists_as_json(tmp_path):
    path = write_ragas([ANSWERED, FAILED], REFERENCES, tmp_path / "ragas.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "user_input", "retrieved_contexts", "response", "reference", "id", "backend",
        "category", "refused", "correct", "token_f1", "judge_faithfulness", "unscored",
    ]  # fmt: skip
    assert json.loads(rows[0]["retrieved_contexts"]) == ["It opened in 1932.", "Grey."]
    assert rows[0]["correct"] == "1.0" and rows[0]["judge_faithfulness"] == ""
    assert rows[1]["response"] == "" and rows[1]["reference"] == "The document does not say."


def test_unknown_suffix_is_refused(tmp_path):
    with pytest.raises(GroundworkError, match=r"\.jsonl or \.csv"):
        write_ragas([ANSWERED], REFERENCES, tmp_path / "ragas.parquet")


@pytest.mark.slow  # a whole eval run
def test_eval_writes_the_ragas_file_with_gold_references(tmp_path):
    items = load_dataset(DATA_DIR / "article.dev.jsonl")[:3]
    dataset = tmp_path / "small.jsonl"
    dataset.write_text("\n".join(i.model_dump_json() for i in items) + "\n")
    settings = make_settings(tmp_path / "unused")
    target = tmp_path / "ragas.jsonl"
    results, _, paths = evaluate(settings, ["extractive"], [dataset], [ARTICLE],
                                 tmp_path / "out", ragas=target)  # fmt: skip
    assert paths[-1] == target
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [r["reference"] for r in rows] == [i.answer for i in items]
    assert [r["response"] for r in rows] == [r.answer.answer for r in results if r.answer]
    assert all(r["retrieved_contexts"] and "groundedness" in r for r in rows)


def test_eval_rejects_a_bad_ragas_path_before_running(tmp_path):
    with pytest.raises(GroundworkError, match="ragas"):
        evaluate(make_settings(tmp_path), ["extractive"], None, [ARTICLE], tmp_path / "out",
                 ragas=tmp_path / "x.txt")  # fmt: skip
    assert not (tmp_path / "out").exists()
