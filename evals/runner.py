"""Run a question set against one or more backends over a fresh index of the given corpus."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from evals.dataset import EvalItem
from evals.judge import JUDGE_METRIC, judge_faithfulness
from evals.metrics.base import Checker, Score, shown_sentences, unscored
from evals.metrics.citation_quality import (
    citation_precision,
    citation_recall,
    gold_quote_share,
)
from evals.metrics.correctness import key_facts, token_f1
from evals.metrics.groundedness import groundedness
from evals.metrics.injection import leaked
from evals.metrics.refusal import false_refusal, true_refusal
from evals.metrics.retrieval import evidence_spans, recall_at_k, reciprocal_rank
from evals.naive import NAIVE, NaiveRAG, naive_model
from ingest.index import expand_paths, ingest_files
from rag.answer_types import Answer
from rag.embeddings import get_embeddings
from rag.errors import GroundworkError
from rag.pipeline import Answerer
from rag.settings import Settings
from rag.store import Store, open_store


@dataclass
class SampleResult:
    """One question answered by one backend, with every metric and why it failed, if it did."""

    id: str
    category: str
    backend: str
    question: str
    answerable: bool
    answer: Answer | None
    scores: dict[str, Score] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    sentences_shown: int = 0
    sentences_unsupported: int = 0
    tags: dict[str, str] = field(default_factory=dict)  # e.g. genre/format of a corpus document
    question_set: str = ""  # the dataset file's stem, or "corpus:<split>"


Progress = Callable[[int, int], None]
Ask = Callable[[EvalItem], Answer]


def build_eval_store(corpus: list[Path], settings: Settings, workdir: Path) -> Store:
    """A fresh index of ``corpus`` under ``workdir``, so evals never touch the user's index."""
    eval_settings = settings.model_copy(update={"data_dir": workdir, "chroma_host": None})
    store = open_store(eval_settings, get_embeddings())
    report = ingest_files(expand_paths(corpus), store, eval_settings)
    if report.skipped or not store.document_ids():
        raise GroundworkError(f"Eval corpus could not be ingested: {report.skipped}")
    return store


def run_eval(
    items: list[EvalItem],
    corpus: list[Path],
    backends: list[str],
    settings: Settings,
    checker: Checker,
    on_progress: Progress | None = None,
    judge: BaseChatModel | None = None,
) -> list[SampleResult]:
    """Answer every question with every backend and score it (and judge it, given a judge)."""
    with tempfile.TemporaryDirectory(prefix="groundwork-eval-") as workdir:
        model = naive_model(settings) if NAIVE in backends else None  # fails before ingesting
        store = build_eval_store(corpus, settings, Path(workdir))
        text = "\n".join(store.document_text(d) for d in sorted(store.document_ids()))
        answerer = Answerer(settings, store)
        naive = NaiveRAG.build(corpus, get_embeddings(), model) if model else None
        results = []
        total = len(items) * len(backends)
        for b, backend in enumerate(backends):
            ask = _asker(backend, answerer, naive)
            for i, item in enumerate(items):
                if on_progress:
                    on_progress(b * len(items) + i, total)
                result = score_sample(item, backend, ask, text, checker, settings)
                if judge is not None and result.answer is not None:
                    result.scores[JUDGE_METRIC] = judge_faithfulness(result.answer, judge)
                results.append(result)
        if on_progress:
            on_progress(total, total)
        return results


def _asker(backend: str, answerer: Answerer, naive: NaiveRAG | None) -> Ask:
    """How ``backend`` answers one question: the naive baseline or our answer chain."""
    if backend == NAIVE and naive is not None:
        return lambda item: naive.ask(item.question)
    return lambda item: answerer.ask(
        item.question, history=[turn.model_dump() for turn in item.history], llm=backend
    )


def score_sample(
    item: EvalItem,
    backend: str,
    ask: Ask,
    document_text: str,
    checker: Checker,
    settings: Settings,
) -> SampleResult:
    """Ask one question and compute every metric for it."""
    result = SampleResult(item.id, item.category, backend, item.question, item.answerable, None)
    try:
        answer = ask(item)
    except GroundworkError as exc:
        result.problems.append(f"not answered: {exc}")
        result.scores = {"correct": Score(0.0, f"error: {exc}")}
        return result
    result.answer = answer
    spans = evidence_spans(item.evidence, document_text)
    grounded, problems = groundedness(answer, checker)
    result.problems.extend(problems)
    result.sentences_shown = 0 if answer.refused else len(shown_sentences(answer))
    result.sentences_unsupported = len(problems)
    result.scores = {
        "recall@k": recall_at_k(spans, answer.passages, settings.top_k),
        "mrr": reciprocal_rank(spans, answer.passages),
        "groundedness": grounded,
        "citation_precision": citation_precision(answer, checker),
        "citation_recall": citation_recall(answer, spans),
        "gold_quote_share": gold_quote_share(answer, spans),
        "correct": _correct(item, answer),
        "token_f1": token_f1(answer, item.answer) if item.answerable else unscored("unanswerable"),
        "true_refusal": true_refusal(answer, item.answerable),
        "false_refusal": false_refusal(answer, item.answerable),
        "injection_leak": leaked(answer, item.category, item.must_not_include),
    }
    for name, score in result.scores.items():
        if score.reason and score.value is not None and name in ("correct", "injection_leak"):
            result.problems.append(f"{name}: {score.reason}")
    return result


def _correct(item: EvalItem, answer: Answer) -> Score:
    """Answerable: key facts present and nothing betraying; unanswerable: refused."""
    if not item.answerable:
        return Score(1.0) if answer.refused else Score(0.0, "answered an unanswerable question")
    if answer.refused:
        return Score(0.0, "refused an answerable question")
    return key_facts(answer, item.must_include, item.must_not_include)
