"""Judging the learned support check through the generation step, fold by fold."""

from collections.abc import Iterable, Sequence

from langchain_core.embeddings import Embeddings

from evals.replay import Candidates, Variant, Written, cases
from evals.support_cv import CachedChecker, chain_pairs, replay_generation
from evals.train_support import fit, pair_figures
from rag.support_model import load_support_model
from rag.verification import Assessment, SupportChecker

QUESTION = Candidates(
    id="q1",
    doc_id="library",
    part="tune",
    question="How many books can members borrow?",
    prompt_question="How many books can members borrow?",
    candidates=[
        "The reading room closes at eight on weekdays.",
        "Members of the Harbour Library may borrow up to five books at a time.",
    ],
)
WRITTEN = Written(
    id="q1",
    answer=["Members can borrow up to five books at a time [2]."],
    variants=[
        Variant(error="number", sentence=0, text="Members can borrow six books at a time [2].")
    ],
)


class CountingChecker(SupportChecker):
    """Counts the pairs it assesses."""

    assessed = 0

    def assess_many(self, pairs: Iterable[tuple[str, Sequence[str]]]) -> list[Assessment]:
        pairs = list(pairs)
        self.assessed += len(pairs)
        return super().assess_many(pairs)


def test_each_pair_is_assessed_once_and_re_decided_by_each_folds_model(
    embeddings: Embeddings,
) -> None:
    base = CountingChecker(embeddings, model_path=None)
    checker = CachedChecker(base, SupportChecker(embeddings, model_path=None))
    selected = cases([WRITTEN], {"q1": QUESTION})
    pairs = chain_pairs(selected)
    # Each sentence against its citation and against each candidate alone.
    assert len(pairs) == 3 * (1 + len(QUESTION.candidates))
    checker.warm(pairs)
    assessed = base.assessed
    assert assessed == len({(s, tuple(p)) for s, p in pairs})
    rules = [o.statuses for o in replay_generation(selected, checker)]
    assert rules == [["shown"], ["removed"], ["shown"]]  # faithful, number, wrong citation
    # Another fold's coefficients: the same assessments, decided anew (here: nothing passes).
    strict = load_support_model().model_copy(update={"threshold": 1.0})
    checker.decider.model = strict
    assert checker.max_new_terms is None
    assert [o.statuses for o in replay_generation(selected, checker)] == [["removed"]] * 3
    assert base.assessed == assessed


def test_support_pairs_train_and_score_like_the_chain(embeddings: Embeddings) -> None:
    checker = CachedChecker(
        SupportChecker(embeddings, model_path=None), SupportChecker(embeddings, model_path=None)
    )
    pairs = [
        {"id": "a", "sentence": "Members can borrow up to five books at a time.",
         "passage": QUESTION.candidates[1], "supported": True},
        {"id": "b", "sentence": "Members can borrow six books.", "passage": QUESTION.candidates[1],
         "supported": False},
    ]  # fmt: skip
    assert pair_figures(pairs, checker) == {"accuracy": 1.0, "precision": 1.0, "recall": 1.0}
    signals = checker.assessment(str(pairs[0]["sentence"]), [QUESTION.candidates[1]]).signals
    assert signals is not None  # decided by the learned check, not a hard rule
    rows = [(("t", "a", ()), signals, 1, "d"), (("t", "b", ()), dict(signals, recall=0.0), 0, "d")]
    assert fit(rows, 0.5).threshold == 0.5
