"""The support checker: each rule on hand-written pairs, then the labelled support pairs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from rag.support_model import SUPPORT_MODEL_PATH, SupportModel, load_support_model
from rag.verification import SIGNALS, SupportChecker, SupportVerdict

DATA = Path(__file__).resolve().parents[2] / "evals" / "data"
BRIDGE = (
    "The city council approved the new bridge in March 2021 after two years of debate. "
    "Construction will cost about 2,500,000 euros and is not expected to finish before 2026."
)
PASSAGES = [
    "Mayor Elena Ruiz told the Harbour Gazette that the bridge would not carry cars.",
    BRIDGE,
]


@pytest.fixture(scope="module")
def checker(embeddings: Embeddings) -> SupportChecker:
    return SupportChecker(embeddings)


def verdict(checker: SupportChecker, sentence: str) -> SupportVerdict:
    return checker.check(sentence, PASSAGES)


def test_exact_quote_is_supported_at_once(checker: SupportChecker) -> None:
    result = verdict(checker, "“The city council approved the new bridge in March 2021” [2]")
    assert result == SupportVerdict(True, "supported", 1.0)


@pytest.mark.parametrize(
    ("sentence", "quoted"),
    [
        ("“The city council approved” [2]", True),  # three content words, on word bounds
        ("1.", False),  # inside "2021": not on a word boundary, and far too short
        ("the new bridge", False),  # on word bounds but only two content words
        ("ity council approved the new bridge", False),  # starts inside "city"
        ("council approved the new bridg", False),  # ends inside "bridge"
    ],
)
def test_only_whole_word_quotes_of_three_words_skip_the_rules(
    embeddings: Embeddings, sentence: str, quoted: bool
) -> None:
    counting = CountingEmbeddings(embeddings)
    result = SupportChecker(counting).check(sentence, PASSAGES)
    assert (result == SupportVerdict(True, "supported", 1.0)) is quoted
    assert counting.calls == (0 if quoted else 1)  # a quote is accepted without embedding


def test_short_fragment_inside_a_number_is_judged_by_the_rules(checker: SupportChecker) -> None:
    result = verdict(checker, "1.")
    assert not result.supported
    assert result.reason == "number 1 not in the cited passage"


def test_paraphrase_is_supported(checker: SupportChecker) -> None:
    result = verdict(checker, "The council approved the bridge in March 2021 after two years.")
    assert result.supported, result.reason
    assert 0.5 < result.score <= 1.0


def test_number_words_match_digits(checker: SupportChecker) -> None:
    result = verdict(checker, "The bridge was approved after 2 years of debate.")
    assert result.supported, result.reason


def test_changed_number_is_unsupported(checker: SupportChecker) -> None:
    result = verdict(checker, "Construction will cost about 3,500,000 euros.")
    assert not result.supported
    assert "3500000" in result.reason


def test_changed_year_is_unsupported(checker: SupportChecker) -> None:
    result = verdict(checker, "The city council approved the new bridge in March 2019.")
    assert not result.supported
    assert "2019" in result.reason


def test_changed_month_is_unsupported(checker: SupportChecker) -> None:
    result = verdict(checker, "The city council approved the new bridge in May 2021.")
    assert not result.supported
    assert "may" in result.reason


def test_dropped_negation_is_unsupported(checker: SupportChecker) -> None:
    result = verdict(checker, "The mayor said the bridge would carry cars.")
    assert not result.supported
    assert result.reason.startswith("negation differs")


def test_added_negation_is_unsupported(checker: SupportChecker) -> None:
    result = verdict(checker, "The city council did not approve the new bridge in March 2021.")
    assert not result.supported
    assert result.reason.startswith("negation differs")


def test_bound_is_not_a_negation(checker: SupportChecker) -> None:
    passages = ["The works will end no later than June 2026."]
    result = checker.check("The works will end by June 2026 at the latest.", passages)
    assert result.supported, result.reason


def test_swapped_name_is_unsupported(checker: SupportChecker) -> None:
    result = verdict(checker, "Mayor Elena Ruiz told the Harbour Times that cars are banned.")
    assert not result.supported
    assert "times" in result.reason


def test_derived_name_and_acronym_are_found(checker: SupportChecker) -> None:
    passages = ["Kenya's rail company named Ana Gil chief executive officer on Monday."]
    result = checker.check("The Kenyan rail company named Ana Gil its CEO on Monday.", passages)
    assert result.supported, result.reason


def test_opposite_word_is_unsupported(checker: SupportChecker) -> None:
    result = verdict(checker, "The city council rejected the new bridge in March 2021.")
    assert not result.supported
    assert "polarity differs" in result.reason


def test_reversed_direction_is_unsupported(checker: SupportChecker) -> None:
    passages = ["The company moved from losses to profits last year."]
    result = checker.check("The company moved from profits to losses last year.", passages)
    assert not result.supported
    assert result.reason.startswith("order reversed")


def test_addition_to_a_copy_is_unsupported(checker: SupportChecker) -> None:
    sentence = (
        "The city council approved the new bridge in March 2021 after two years of debate "
        "over fishing rights and tourism revenues."
    )
    result = verdict(checker, sentence)
    assert not result.supported
    # The learned check decides and names the rule it weighed most plainly.
    assert "adds 'over fishing rights tourism revenues'" in result.reason


def test_unrelated_sentence_is_unsupported(checker: SupportChecker) -> None:
    result = verdict(checker, "The volcanic soils of the region help vineyards thrive.")
    assert not result.supported
    assert "low" in result.reason


def test_check_many_embeds_in_one_batch(embeddings: Embeddings) -> None:
    counting = CountingEmbeddings(embeddings)
    sentences = [
        "The bridge will cost about 2,500,000 euros.",
        "The mayor told the Harbour Gazette the bridge would not carry cars.",
    ]
    results = SupportChecker(counting).check_many([(s, PASSAGES) for s in sentences])
    assert [r.supported for r in results] == [True, True]
    assert counting.calls == 1


def test_passages_are_embedded_once_for_every_sentence_that_cites_them(
    embeddings: Embeddings,
) -> None:
    counting = CountingEmbeddings(embeddings)
    checker = SupportChecker(counting)
    first = checker.check("The council approved the bridge after two years.", PASSAGES)
    before = len(counting.texts)
    second = checker.check("The bridge is not expected to be finished before 2026.", PASSAGES)
    assert first.supported and second.supported
    again = counting.texts[before:]
    assert not set(again) & set(PASSAGES), "the passages were embedded again"
    assert len(again) == len(set(again))
    # The verdicts are those of a checker that embeds everything afresh.
    fresh = SupportChecker(embeddings)
    assert checker.check(SUBTLE_ERRORS["entity"], [LIBRARY]) == fresh.check(
        SUBTLE_ERRORS["entity"], [LIBRARY]
    )


def test_a_sentence_a_hard_rule_rejects_embeds_no_word_windows(embeddings: Embeddings) -> None:
    counting = CountingEmbeddings(embeddings)
    sentence = "Members may borrow up to six books at a time."
    result = SupportChecker(counting).check(sentence, [LIBRARY])
    assert result.reason == "number 6 not in the cited passage"
    # The sentence and the passage (one sentence here); no window over the passage.
    assert sorted(counting.texts) == sorted([sentence, LIBRARY])


class CountingEmbeddings(Embeddings):
    """Passes calls through to the real model and counts the batches and the texts."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.calls = 0
        self.texts: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts += texts
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


@pytest.mark.slow  # every labelled pair of two data sets
@pytest.mark.parametrize(
    ("name", "learned", "floors"),
    [
        # The word-level rules alone; thresholds were tuned on the first set: 97.7% for all
        # three.
        ("support_pairs.jsonl", False, {"accuracy": 0.94, "precision": 0.93, "recall": 0.93}),
        # Held-out set, never used for thresholds: 85.7% / 100% / 73.7%.
        ("support_pairs_other.jsonl", False, {"accuracy": 0.82, "precision": 0.9, "recall": 0.68}),
        # The learned check (what the chain uses), trained on the replay set's tune part and
        # the first set (x3): 89.5% / 83.0% / 100% and, held out, 85.7% / 88.9% / 84.2%. It
        # weighs new words itself, as the chain's one-new-word limit did, so loose
        # paraphrases (sp-002: five new words) are still rejected here.
        ("support_pairs.jsonl", True, {"accuracy": 0.87, "precision": 0.8, "recall": 0.97}),
        ("support_pairs_other.jsonl", True, {"accuracy": 0.85, "precision": 0.85, "recall": 0.8}),
    ],
)
def test_labelled_support_pairs(
    checker: SupportChecker,
    rules_only: SupportChecker,
    name: str,
    learned: bool,
    floors: dict[str, float],
) -> None:
    checker = checker if learned else rules_only
    rows = [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]
    results = checker.check_many([(row["sentence"], [row["passage"]]) for row in rows])
    flagged = [not r.supported for r in results]
    unsupported = [not row["supported"] for row in rows]
    caught = sum(f and u for f, u in zip(flagged, unsupported, strict=True))
    figures = {
        "accuracy": sum(f == u for f, u in zip(flagged, unsupported, strict=True)) / len(rows),
        "precision": caught / max(sum(flagged), 1),
        "recall": caught / max(sum(unsupported), 1),
    }
    errors = [
        f"{row['id']} {row['kind']}: {r.reason}"
        for row, r, f, u in zip(rows, results, flagged, unsupported, strict=True)
        if f != u
    ]
    print(f"\n{name}: " + " ".join(f"{k}={v:.3f}" for k, v in figures.items()))
    print("\n".join(errors))
    for metric, floor in floors.items():
        assert figures[metric] >= floor, (metric, figures, errors)


# --- the learned support check (rag/support_model.py, trained by evals/train_support.py) ----

LIBRARY = (
    "Members of the Harbour Library may borrow up to five books at a time, and loans can be "
    "renewed online unless another reader has reserved the book."
)


@pytest.fixture(scope="module")
def rules_only(embeddings: Embeddings) -> SupportChecker:
    return SupportChecker(embeddings, model_path=None)


def test_the_learned_check_is_loaded_and_lifts_the_new_word_limit(
    checker: SupportChecker, rules_only: SupportChecker
) -> None:
    assert checker.model is not None and checker.max_new_terms is None
    assert rules_only.model is None and rules_only.max_new_terms == 1


@pytest.mark.parametrize(
    ("sentence", "rules_only_reason"),
    [
        ("Members of the Harbour Library may check out up to five books at a time.", "adds"),
    ],
)
def test_the_learned_check_accepts_a_faithful_paraphrase_the_rules_rejected(
    checker: SupportChecker, rules_only: SupportChecker, sentence: str, rules_only_reason: str
) -> None:
    result = checker.check(sentence, [LIBRARY])
    assert result.supported, result.reason
    assert result.score >= checker.model.threshold  # type: ignore[union-attr]
    assert rules_only_reason in rules_only.check(sentence, [LIBRARY]).reason


# One error each, written for these tests (not taken from the replay set).
SUBTLE_ERRORS = {
    "number": "Members of the Harbour Library may borrow up to six books at a time.",
    "entity": "Members of the Harbour Museum may borrow up to five books at a time.",
    "negation": "Loans cannot be renewed online unless another reader reserved the book.",
    "modality": "Loans can always be renewed online, even once another reader has reserved it.",
    "addition": "Members of the Harbour Library may borrow up to five books at a time, "
    "including rare manuscripts.",
    "overgeneralisation": "Every library in the city lets members borrow up to five books.",
    "cause": "Members may borrow up to five books at a time because the shelves are nearly empty.",
}


@pytest.mark.parametrize("error", sorted(SUBTLE_ERRORS))
def test_the_learned_check_rejects_one_subtle_error(checker: SupportChecker, error: str) -> None:
    result = checker.check(SUBTLE_ERRORS[error], [LIBRARY])
    assert not result.supported, (error, result)


@pytest.mark.parametrize(
    "sentence",
    [
        "Members of the Harbour Library may borrow up to five magazines at a time.",
        "Members of the Harbour Library may buy up to five books at a time.",
        "Loans can be renewed in person unless another reader has reserved the book.",
    ],
)
def test_a_copy_with_one_lower_case_word_swapped_is_rejected(
    checker: SupportChecker, sentence: str
) -> None:
    # The SmolLM2 path's classic slip. The check trained on the replay set alone accepted all
    # three; with the article's support pairs in training it weighs the swap rule as they do.
    result = checker.check(sentence, [LIBRARY])
    assert not result.supported and "in place of" in result.reason, result


def test_a_missing_coefficients_file_is_one_warning_and_the_rules_decide(
    embeddings: Embeddings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "support-model.json"
    with caplog.at_level(logging.WARNING, logger="rag.verification"):
        fallback = SupportChecker(embeddings, model_path=missing)
        SupportChecker(embeddings, model_path=missing)  # the second checker says nothing new
    assert fallback.model is None and fallback.max_new_terms == 1
    assert [r.getMessage() for r in caplog.records] == [
        f"The support model {missing} cannot be read (FileNotFoundError); the support checker "
        "uses its word-level rules instead."
    ]
    result = fallback.check("The city council rejected the new bridge in March 2021.", PASSAGES)
    assert not result.supported and "polarity differs" in result.reason


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        '{"features": ["cosine"], "mean": [0.5], "scale": [1.0], "coef": [], "intercept": 0.0,'
        ' "threshold": 0.5}',
        '{"features": ["moon_phase"], "mean": [0.5], "scale": [1.0], "coef": [1.0],'
        ' "intercept": 0.0, "threshold": 0.5}',
    ],
    ids=["not-json", "lengths-differ", "unknown-signal"],
)
def test_a_corrupt_coefficients_file_is_one_clear_warning_and_the_rules_decide(
    embeddings: Embeddings, tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    path = tmp_path / "support-model.json"
    path.write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="rag.verification"):
        fallback = SupportChecker(embeddings, model_path=path)
    assert fallback.model is None and fallback.max_new_terms == 1
    (message,) = [r.getMessage() for r in caplog.records]
    assert str(path) in message and message.endswith("uses its word-level rules instead.")
    assert "\n" not in message


def test_a_stored_model_round_trips_and_gives_a_probability() -> None:
    model = load_support_model(SUPPORT_MODEL_PATH)
    assert set(model.features) <= set(SIGNALS)
    signals = dict.fromkeys(model.features, 0.0)
    assert 0.0 < model.probability(signals) < 1.0
    assert SupportModel.model_validate_json(model.model_dump_json()) == model


def test_a_capitalised_opening_word_is_not_a_name(rules_only: SupportChecker) -> None:
    passages = ["You can set an explicit multipart boundary in the Content-Type header."]
    said = "Yes, you can set an explicit multipart boundary in the Content-Type header."
    assert rules_only.check(said, passages).supported
    swapped = "Russell Kroll set an explicit multipart boundary in the Content-Type header."
    assert "name 'kroll'" in rules_only.check(swapped, passages).reason


def test_a_contrast_backs_a_restated_negation(rules_only: SupportChecker) -> None:
    passages = ["Cookies should always be set on the client, rather than on a per-request basis."]
    result = rules_only.check("Cookies should be set on the client, not per request.", passages)
    assert result.supported, result.reason
    flipped = rules_only.check("Cookies should not be set on the client.", passages)
    assert not flipped.supported
