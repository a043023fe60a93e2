import json

import pytest

from evals.dataset import DATA_DIR, default_datasets, load_dataset, missing_evidence
from rag.errors import GroundworkError
from tests.conftest import ARTICLE

CATEGORIES = {"factual", "multi_hop", "paraphrase_hard", "unanswerable", "false_premise",
              "follow_up", "injection"}  # fmt: skip


def test_article_sets_cover_every_category_and_evidence_is_in_the_article():
    items = [item for path in default_datasets() for item in load_dataset(path)]
    assert len(items) >= 40
    assert {item.category for item in items} == CATEGORIES
    assert missing_evidence(items, ARTICLE.read_text(encoding="utf-8")) == []
    for item in items:
        assert bool(item.evidence) == item.answerable or item.category == "injection"
        assert all(fact == fact.lower() for fact in item.must_include)


def test_dev_and_test_halves_do_not_share_questions():
    dev, test = (load_dataset(p) for p in default_datasets())
    assert not {i.id for i in dev} & {i.id for i in test}
    assert not {i.question for i in dev} & {i.question for i in test}


def test_support_pair_passages_are_in_the_article():
    text = ARTICLE.read_text(encoding="utf-8")
    pairs = [json.loads(line) for line in (DATA_DIR / "support_pairs.jsonl").open()]
    assert len(pairs) >= 60
    assert all(pair["passage"] in text for pair in pairs)
    assert sum(not pair["supported"] for pair in pairs) >= len(pairs) // 3


def test_bad_lines_are_reported_with_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    good = {
        "id": "a", "category": "factual", "question": "q", "answer": "a", "evidence": [],
        "answerable": False, "history": [], "must_include": [], "must_not_include": [],
    }  # fmt: skip
    extra = {**good, "id": "b", "extra": 1}
    path.write_text(json.dumps(good) + "\n" + json.dumps(extra) + "\n")
    with pytest.raises(GroundworkError, match=r"bad\.jsonl:2"):
        load_dataset(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "category": "trivia"}) + "\n")
    with pytest.raises(GroundworkError, match=r"bad\.jsonl:2"):
        load_dataset(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(GroundworkError, match="duplicate ids a"):
        load_dataset(path)
