import math
from pathlib import Path

import pytest
from langchain_core.language_models import BaseChatModel

from evals.dataset import DATA_DIR, load_dataset
from evals.evaluate import evaluate
from evals.judge import JUDGE_METRIC, judge_faithfulness, judge_prompt, make_judge, parse_verdicts
from evals.metrics.base import Score
from evals.report import markdown_table
from evals.runner import SampleResult
from evals.summary import summarise
from rag import backends
from rag.answer_types import Answer, Citation
from rag.backends import Backend
from rag.chat_models import ScriptedChatModel
from rag.errors import GroundworkError
from tests.conftest import ARTICLE, make_settings


def cite(n: int, quote: str) -> Citation:
    return Citation(n=n, source="a.txt", doc_id="d", chunk_id=f"d:{n}", start=0,
                    end=len(quote), quote=quote)  # fmt: skip


ANSWER = Answer(
    question="When did the bridge open?",
    answer="The bridge opened in 1932 [1]. It is painted red [2].",
    refused=False,
    backend="fake",
    citations=[cite(1, "The bridge opened in 1932."), cite(2, "It was painted grey.")],
)


def judged(*replies: str) -> Score:
    return judge_faithfulness(ANSWER, ScriptedChatModel(replies=list(replies)))


def test_all_claims_supported_scores_one():
    score = judged("CLAIM: The bridge opened in 1932 | SUPPORTED: yes\n"
                   "CLAIM: It is painted red | SUPPORTED: yes")  # fmt: skip
    assert score == Score(1.0)


def test_partly_supported_scores_the_share_and_names_an_unsupported_claim():
    score = judged("Here are the claims:\n\n"
                   "1. **CLAIM:** The bridge opened in 1932 | SUPPORTED: Yes\n"
                   "2. **CLAIM:** It is painted red | SUPPORTED: No.")  # fmt: skip
    assert score.value == 0.5
    assert score.reason == "unsupported: It is painted red"


@pytest.mark.parametrize(
    ("output", "why"),
    [
        ("The answer looks fine to me.", "no CLAIM lines"),
        ("", "no CLAIM lines"),
        ("CLAIM: opened in 1932 | SUPPORTED: yes\nCLAIM: painted red | SUPPORTED: maybe",
         "line 2 has no yes/no verdict"),
        ("CLAIM: opened in 1932 - yes", "line 1 has no yes/no verdict"),
    ],
)  # fmt: skip
def test_unparsable_output_is_unscored_with_the_reason_never_nan(output, why):
    score = judged(output)
    assert score.value is None and not score.scored
    assert score.reason is not None and why in score.reason


def test_parse_verdicts_keeps_claims_in_order():
    verdicts, problem = parse_verdicts("CLAIM: a | SUPPORTED: no\nCLAIM: b | SUPPORTED: yes")
    assert problem is None
    assert [(v.claim, v.supported) for v in verdicts] == [("a", False), ("b", True)]


def test_prompt_holds_the_answer_without_markers_and_only_the_cited_context():
    answer = ANSWER.model_copy(update={"answer": "The bridge opened in 1932 [2]."})
    prompt = judge_prompt(answer)
    assert prompt is not None
    assert "The bridge opened in 1932.\n" in prompt and "[2] It was painted grey." in prompt
    assert "[1] The bridge opened" not in prompt and "1932 [2]" not in prompt


def test_refusals_are_not_judged():
    model = ScriptedChatModel(replies=["CLAIM: x | SUPPORTED: yes"])
    refusal = ANSWER.model_copy(update={"refused": True})
    score = judge_faithfulness(refusal, model)
    assert score.value is None and score.reason == "refused: no claims" and model.calls == 0


def test_a_failing_judge_model_leaves_the_answer_unscored():
    class Broken(ScriptedChatModel):
        def _reply(self, messages):
            raise TimeoutError("took too long")

    score = judge_faithfulness(ANSWER, Broken())
    assert score.value is None and score.reason == "judge failed: TimeoutError: took too long"


def test_judge_must_be_a_model_backend(tmp_path):
    settings = make_settings(tmp_path)
    with pytest.raises(GroundworkError, match="language model"):
        make_judge("extractive", settings)
    with pytest.raises(GroundworkError, match="Unknown backend"):
        make_judge("nope", settings)
    assert isinstance(make_judge("fake", settings), BaseChatModel)


def sample(backend: str, scores: dict[str, Score]) -> SampleResult:
    return SampleResult("q1", "factual", backend, "q?", True, None, scores=scores)


def test_summary_has_the_judge_metric_only_when_it_was_run():
    without = summarise([sample("a", {"correct": Score(1.0)})])
    assert JUDGE_METRIC not in without["a"]["all"]
    assert JUDGE_METRIC not in markdown_table(without)
    scores = {"correct": Score(1.0), JUDGE_METRIC: Score(0.25)}
    unjudged = {"correct": Score(1.0), JUDGE_METRIC: Score(None, "garbage")}
    summary = summarise([sample("a", scores), sample("a", unjudged), sample("b", {})])
    figure = summary["a"]["all"][JUDGE_METRIC]
    assert (figure.value, figure.scored, figure.unscored) == (0.25, 1, 1)
    assert summary["b"]["all"][JUDGE_METRIC].value is None
    assert JUDGE_METRIC in markdown_table(summary)


@pytest.mark.slow  # a whole eval run
def test_eval_with_a_judge_scores_every_answered_sample(tmp_path, monkeypatch):
    reply = "CLAIM: the first claim | SUPPORTED: yes\nCLAIM: the second | SUPPORTED: no"
    judge = Backend("scripted-judge", "test judge", lambda s: ScriptedChatModel(replies=[reply]),
                    lambda s: True, for_tests=True)  # fmt: skip
    monkeypatch.setitem(backends._REGISTRY, judge.name, judge)
    items = [i for i in load_dataset(DATA_DIR / "article.dev.jsonl") if i.category == "factual"]
    dataset = tmp_path / "small.jsonl"
    dataset.write_text("\n".join(i.model_dump_json() for i in items[:3]) + "\n")
    settings = make_settings(tmp_path / "unused")
    results, _, paths = evaluate(settings, ["extractive"], [dataset], [ARTICLE],
                                 tmp_path / "out", judge="scripted-judge")  # fmt: skip
    judged_scores = [r.scores[JUDGE_METRIC] for r in results]
    assert all(s.value == 0.5 or s.reason == "refused: no claims" for s in judged_scores)
    assert any(s.value == 0.5 for s in judged_scores)
    assert not any(s.value is not None and math.isnan(s.value) for s in judged_scores)
    assert JUDGE_METRIC in Path(paths[1]).read_text(encoding="utf-8")
