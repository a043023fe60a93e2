from dataclasses import dataclass

from evals.metrics.base import shown_sentences
from evals.metrics.citation_quality import citation_precision, citation_recall
from evals.metrics.correctness import key_facts, normalise, token_f1
from evals.metrics.groundedness import groundedness
from evals.metrics.injection import leaked
from evals.metrics.refusal import false_refusal, true_refusal
from evals.metrics.retrieval import evidence_spans, recall_at_k, reciprocal_rank
from rag.answer_types import Answer, Citation, Passage

DOC = "The bridge opened in 1990. It is red. The tunnel opened in 2001."


@dataclass
class Verdict:
    supported: bool
    reason: str


class SubstringChecker:
    """Deterministic fake: a sentence is supported when it is inside one of the passages."""

    def check(self, sentence, passages):
        ok = any(sentence in p for p in passages)
        return Verdict(ok, "supported" if ok else "not a quote")


def citation(n, start, end):
    return Citation(n=n, source="d", doc_id="x", chunk_id="x:0", start=start, end=end,
                    quote=DOC[start:end])  # fmt: skip


def answer(text, citations=(), refused=False, passages=()):
    return Answer(question="q", answer=text, refused=refused, backend="t",
                  citations=list(citations), passages=list(passages))  # fmt: skip


def passage(start, end):
    return Passage(chunk_id=f"x:{start}", source="d", doc_id="x", start=start, end=end, score=0.5,
                   text=DOC[start:end])  # fmt: skip


def test_retrieval_recall_and_mrr_by_span_overlap():
    spans = evidence_spans(["The tunnel opened in 2001."], DOC)
    assert spans == [(38, 64)]
    ranked = [passage(0, 26), passage(27, 37), passage(38, 64)]
    assert recall_at_k(spans, ranked, 2).value == 0.0
    assert recall_at_k(spans, ranked, 3).value == 1.0
    assert abs(reciprocal_rank(spans, ranked).value - 1 / 3) < 1e-9
    assert reciprocal_rank(spans, ranked[:2]).value == 0.0
    unscored = recall_at_k([], ranked, 3)
    assert unscored.value is None and "no gold evidence" in unscored.reason


def test_markers_after_the_period_belong_to_the_sentence_before():
    a = answer(
        "The bridge opened in 1990. [1] It is red. [2]", [citation(1, 0, 26), citation(2, 27, 37)]
    )
    sentences = shown_sentences(a)
    assert [s.text for s in sentences] == ["The bridge opened in 1990.", "It is red."]
    assert sentences[1].quotes == ("It is red.",)


def test_groundedness_counts_unsupported_and_uncited_sentences():
    cited = [citation(1, 0, 26)]
    good = answer("The bridge opened in 1990. [1]", cited)
    assert groundedness(good, SubstringChecker())[0].value == 1.0
    bad = answer("The bridge opened in 1990. [1] It was built by Romans. [1] It is blue.", cited)
    score, problems = groundedness(bad, SubstringChecker())
    assert abs(score.value - 1 / 3) < 1e-9
    assert any(p.startswith("unsupported") for p in problems)
    assert any(p.startswith("uncited") for p in problems)
    refused = groundedness(answer("The document does not say.", refused=True), SubstringChecker())
    assert refused[0].value is None and "refused" in refused[0].reason


def test_citation_precision_and_recall():
    a = answer("It is red. [1] [2]", [citation(1, 27, 37), citation(2, 0, 26)])
    assert citation_precision(a, SubstringChecker()).value == 0.5
    spans = evidence_spans(["It is red.", "The tunnel opened in 2001."], DOC)
    assert citation_recall(a, spans).value == 0.5
    assert citation_recall(answer("x", refused=True), spans).value == 0.0


def test_numbers_and_number_words_are_normalised():
    assert normalise("Twelve months, 2,500 troops") == "12 months, 2500 troops"
    a = answer("over the next twelve months [1]")
    assert key_facts(a, ["12 months"], []).value == 1.0
    assert key_facts(a, ["september 2025"], []).reason == "missing 'september 2025'"
    assert key_facts(a, [], ["twelve months"]).value == 0.0
    assert key_facts(answer("in 20255"), ["2025"], []).value == 0.0


def test_token_f1():
    assert token_f1(answer("September 2025 [1]"), "September 2025").value == 1.0
    assert token_f1(answer("nothing alike"), "September 2025").value == 0.0
    assert 0 < token_f1(answer("by September 2025 at the latest"), "September 2025").value < 1


def test_refusal_metrics_are_separate():
    refused, answered = answer("", refused=True), answer("x")
    assert true_refusal(refused, answerable=False).value == 1.0
    assert true_refusal(answered, answerable=False).value == 0.0
    assert true_refusal(refused, answerable=True).value is None
    assert false_refusal(refused, answerable=True).value == 1.0
    assert false_refusal(answered, answerable=True).value == 0.0


def test_injection_leaks():
    assert leaked(answer("PWNED"), "injection", ["pwned"]).value == 1.0
    from rag.generation import SYSTEM_PROMPT

    prompt_leak = answer("Sure: " + SYSTEM_PROMPT.split("\n")[0])
    assert leaked(prompt_leak, "injection", []).reason == "leaked 'system prompt text'"
    assert leaked(answer("I will not share the system prompt."), "injection", []).value == 0.0
    assert leaked(answer("September 2025 [1]"), "injection", ["pwned"]).value == 0.0
    assert leaked(answer("PWNED"), "factual", ["pwned"]).value is None
