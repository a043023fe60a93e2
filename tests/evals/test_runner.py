from pathlib import Path

import pytest

from evals.evaluate import default_checker, evaluate
from rag.answer_types import Answer, Citation
from rag.errors import BackendUnavailable
from rag.pipeline import Answerer
from tests.conftest import ARTICLE, make_settings
from tests.evals.conftest import write_small_set

pytest.importorskip("rag.verification")


@pytest.fixture(scope="module")
def small_set(tmp_path_factory) -> Path:
    return write_small_set(tmp_path_factory.mktemp("ds"), 6)


def gate_file(tmp_path: Path) -> Path:
    path = tmp_path / "gate.toml"
    path.write_text("[extractive]\ngroundedness_min = 1.0\nhallucination_rate_max = 0.0\n")
    return path


@pytest.mark.slow  # a whole eval run
def test_eval_writes_three_reports_and_passes_its_gate(tmp_path, small_set):
    settings = make_settings(tmp_path / "unused")
    results, failures, paths = evaluate(
        settings, ["extractive"], [small_set], [ARTICLE], tmp_path / "out", gate_file(tmp_path)
    )
    assert failures == []
    assert [p.name for p in paths] == ["results.json", "report.md", "report.html"]
    assert all(p.stat().st_size > 0 for p in paths)
    assert "data:image/png;base64," in paths[2].read_text(encoding="utf-8")
    assert len(results) == 6 and all(r.answer is not None for r in results)


@pytest.mark.slow  # a whole eval run
def test_a_broken_answerer_that_invents_a_sentence_fails_the_gate(tmp_path, small_set, monkeypatch):
    honest = Answerer.ask
    text = ARTICLE.read_text(encoding="utf-8")
    quote = "Coalition military operations wrapped up in 2021"
    start = text.index(quote)

    def inventing(self, question, history=(), k=None, llm=None):
        real = honest(self, question, history, k, llm)
        citation = Citation(n=1, source=ARTICLE.name, doc_id="x", chunk_id="x:0", start=start,
                            end=start + len(quote), quote=quote)  # fmt: skip
        invented = "Coalition military operations wrapped up in 2019 after a UN vote. [1]"
        return Answer(question=question, answer=invented, refused=False, backend="extractive",
                      citations=[citation], passages=real.passages)  # fmt: skip

    monkeypatch.setattr(Answerer, "ask", inventing)
    settings = make_settings(tmp_path / "unused")
    _, failures, paths = evaluate(
        settings, ["extractive"], [small_set], [ARTICLE], tmp_path / "out", gate_file(tmp_path)
    )
    assert any("groundedness" in f for f in failures)
    assert any("hallucination_rate" in f for f in failures)
    assert "unsupported" in paths[1].read_text(encoding="utf-8")


def test_checker_used_by_evals_is_the_answer_chain_checker():
    from rag.verification import SupportChecker

    assert isinstance(default_checker(), SupportChecker)


def test_an_unknown_backend_fails_before_anything_runs(tmp_path, small_set, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("the eval ran")

    monkeypatch.setattr("evals.evaluate.run_eval", must_not_run)
    settings = make_settings(tmp_path / "unused")
    with pytest.raises(BackendUnavailable, match="Unknown backend 'nope'; choose one of: extr"):
        evaluate(settings, ["naive", "nope"], [small_set], [ARTICLE], tmp_path / "out")
    assert not (tmp_path / "out").exists()
