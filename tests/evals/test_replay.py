import pytest
from langchain_core.messages import HumanMessage

from evals.replay import (
    Candidates,
    ReplayChatModel,
    Variant,
    Written,
    cases,
    load_candidates,
    load_written,
)
from evals.replay_run import figures, judge
from rag.citations import split_cited
from rag.generation import prompt_inputs
from rag.pipeline import Answerer

PHASEOUT = "This phaseout will occur in two stages."
QUESTION = Candidates(
    id="q1",
    doc_id="article",
    part="tune",
    question="When?",
    prompt_question="When?",
    candidates=["Troops leave Iraq by September 2025.", "The sky is blue today."],
)
WRITTEN = Written(
    id="q1",
    answer=["The troops will have left Iraq by September 2025 [1]."],
    variants=[
        Variant(
            error="number", sentence=0, text="The troops will have left Iraq by September 2026 [1]."
        )
    ],
)


def test_cases_are_the_faithful_answer_each_variant_and_a_wrong_citation():
    made = cases([WRITTEN], {"q1": QUESTION})
    assert [c.kind for c in made] == ["faithful", "unfaithful", "wrong_citation"]
    assert made[1].sentences[0].error == "number" and made[1].sentences[0].support == (1,)
    assert made[2].reply == "The troops will have left Iraq by September 2025. [2]"
    assert made[2].sentences[0].cited == (2,) and made[2].sentences[0].support == (1,)


def test_the_replay_model_answers_the_question_of_the_prompt():
    model = ReplayChatModel(by_question={"When?": "Scripted [1]."})
    prompt = prompt_inputs("When?", [])
    text = f"<candidates>\n</candidates>\n\n<question>\n{prompt['question']}\n</question>"
    assert model.invoke([HumanMessage(text)]).content == "Scripted [1]."
    other = text.replace("When?", "Who?")
    assert model.invoke([HumanMessage(other)]).content == "I cannot tell."


@pytest.mark.slow  # the article through the whole chain
def test_a_replayed_wrong_citation_is_scored_as_re_pointed(article_settings, article_store):
    """Through the real chain: a true sentence citing the wrong candidate is re-cited."""
    model = ReplayChatModel()
    answerer = Answerer(article_settings, article_store, model_factory=lambda n, s: model)
    question = "By when must the US mission's transition in Iraq be finished?"
    answerer.ask(question, llm="replay")
    shown = [line.split("] ", 1)[1] for line in model.prompts[0].splitlines() if line[:1] == "["]
    asked = Candidates(
        id="q",
        doc_id="article",
        part="tune",
        question=question,
        prompt_question=question,
        candidates=shown,
    )
    support = next(n for n, c in enumerate(shown, 1) if c.startswith("This phaseout"))
    written = Written(
        id="q", answer=[f"The phaseout concludes no later than September 2025 [{support}]."]
    )
    wrong = cases([written], {"q": asked})[-1]
    model.by_question = {question: wrong.reply}
    outcome = judge(wrong, answerer.ask(question, llm="replay"))
    assert outcome.statuses == ["shown"] and outcome.cited == [(support,)]
    assert figures([outcome])["wrong_citation_repointed"] == 1.0


def test_every_written_answer_splits_into_its_labelled_sentences():
    """The chain must see the sentences the labels describe, and cite only real candidates."""
    candidates = load_candidates()
    for item in load_written():
        asked = candidates[item.id]
        for case in cases([item], {item.id: asked}):
            assert [s.text for s in split_cited(case.reply)] == [s.text for s in case.sentences]
            for sentence in case.sentences:
                assert all(1 <= n <= len(asked.candidates) for n in sentence.cited), case.id
