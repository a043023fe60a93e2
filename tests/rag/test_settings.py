import pytest

from rag.errors import InvalidSettings
from rag.settings import load_settings


@pytest.fixture(autouse=True)
def no_dotenv(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no developer's .env


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("GROUNDWORK_TOP_K", "abc", "GROUNDWORK_TOP_K: 'abc' is not an integer"),
        ("GROUNDWORK_PORT", "99999",
         "GROUNDWORK_PORT: '99999' is out of range (it must be at least 1 and at most 65535)"),
        ("GROUNDWORK_LLM", "nope",
         "GROUNDWORK_LLM: 'nope' is not one of extractive, llamacpp, openai, ollama"),
        ("GROUNDWORK_RETRIEVAL", "magic",
         "GROUNDWORK_RETRIEVAL: 'magic' is not one of dense, bm25, hybrid"),
        ("GROUNDWORK_REFUSAL_THRESHOLD", "high",
         "GROUNDWORK_REFUSAL_THRESHOLD: 'high' is not a number"),
        ("GROUNDWORK_MAX_PAGE_CHARS", "0",
         "GROUNDWORK_MAX_PAGE_CHARS: '0' is out of range (it must be at least 1)"),
        ("GROUNDWORK_CORPUS_PATHS", "notes.txt",
         'GROUNDWORK_CORPUS_PATHS: is not valid JSON (e.g. ["a.txt", "b.md"])'),
    ],
)  # fmt: skip
def test_a_bad_variable_is_named_in_one_line_with_what_it_accepts(
    monkeypatch, variable, value, message
):
    monkeypatch.setenv(variable, value)
    with pytest.raises(InvalidSettings) as info:
        load_settings()
    assert str(info.value) == message


def test_every_bad_variable_is_named_on_the_same_line(monkeypatch):
    monkeypatch.setenv("GROUNDWORK_TOP_K", "abc")
    monkeypatch.setenv("GROUNDWORK_FUSION", "max")
    with pytest.raises(InvalidSettings) as info:
        load_settings()
    assert str(info.value) == (
        "GROUNDWORK_TOP_K: 'abc' is not an integer; "
        "GROUNDWORK_FUSION: 'max' is not one of score, rrf"
    )


def test_the_test_only_backend_is_refused_without_its_test_registration(
    monkeypatch, without_fake_backend
):
    monkeypatch.setenv("GROUNDWORK_LLM", "fake")
    with pytest.raises(InvalidSettings, match="'fake' is not one of extractive, llamacpp,"):
        load_settings()


def test_good_values_load(monkeypatch):
    monkeypatch.setenv("GROUNDWORK_TOP_K", "7")
    monkeypatch.setenv("GROUNDWORK_LLM", "llamacpp")
    settings = load_settings()
    assert settings.top_k == 7 and settings.llm == "llamacpp"
