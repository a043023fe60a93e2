"""Record a real model's answers to the replay set's test questions, through the real chain.

Start an OpenAI-compatible server, e.g. ``python -m llama_cpp.server --model M.gguf
--n_threads 1 --port P``, then ``python -m evals.real_model_run --base-url
http://127.0.0.1:P/v1 --model-file M.gguf --out evals/data/replay/real-NAME.jsonl``. Each
question is asked with the ``openai`` backend (answerability model off, as the replay set's
candidates were recorded); a LangChain callback records the model's raw reply and the prompt's
numbered candidates, and every sentence's fate under the guard is written beside them. Labels
are left empty, or kept from the existing file for sentences of an unchanged reply; fill them
in by hand, then score with ``python -m evals.real_model_score``.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib.metadata
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage

from evals.real_model import (
    RealAnswer,
    RealRun,
    RealSentence,
    default_checker,
    load,
    regrade,
    save,
)
from evals.replay import Candidates, load_candidates, load_written, numbered_candidates
from evals.replay import prompt_question as question_of
from evals.replay_candidates import document_questions
from evals.runner import build_eval_store
from rag.backends import get_chat_model
from rag.generation import SupportCheck
from rag.pipeline import Answerer, ModelFactory
from rag.settings import Settings


class ReplyRecorder(BaseCallbackHandler):
    """Keeps each prompt a chat model is sent and the text it streams back."""

    def __init__(self) -> None:
        self.prompts: list[str] = []
        self.replies: list[str] = []

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], **kwargs: Any
    ) -> None:
        """A new call: its last message is the answer prompt."""
        self.prompts.append(messages[0][-1].text if messages and messages[0] else "")
        self.replies.append("")

    def on_llm_new_token(self, token: str | list[str | dict[str, Any]], **kwargs: Any) -> None:
        """One streamed piece of the current reply (kept even if the chain stops reading)."""
        if self.replies and isinstance(token, str):
            self.replies[-1] += token


def recording(recorder: ReplyRecorder) -> ModelFactory:
    """The usual chat model of each backend, reporting to ``recorder``."""

    def make(name: str, settings: Settings) -> Any:
        model = get_chat_model(name, settings)
        model.callbacks = [recorder]
        return model

    return make


def answered_test_questions() -> list[Candidates]:
    """The replay set's answered test questions (as ``evals/replay_run.py`` selects them)."""
    answered = {item.id for item in load_written()}
    return [q for q in load_candidates().values() if q.part == "test" and q.id in answered]


def record_document(
    doc_id: str, questions: Sequence[Candidates], settings: Settings, checker: SupportCheck,
    factory: ModelFactory, recorder: ReplyRecorder, backend: str = "openai",
) -> list[RealAnswer]:  # fmt: skip
    """Ask each question over an index of the document alone; questions refused before the
    model is called are left out."""
    path, _ = document_questions(doc_id)
    rows: list[RealAnswer] = []
    with tempfile.TemporaryDirectory(prefix="groundwork-real-") as workdir:
        store = build_eval_store([path], settings, Path(workdir))
        answerer = Answerer(settings, store, model_factory=factory, checker=checker)
        for question in questions:
            before = len(recorder.prompts)
            answer = answerer.ask(question.question, llm=backend)
            calls = [
                (p, r)
                for p, r in zip(recorder.prompts[before:], recorder.replies[before:], strict=True)
                if numbered_candidates(p)
            ]
            if not calls:
                print(f"{question.id}: refused before the model was asked", file=sys.stderr)
                continue
            prompt, raw = calls[0]
            row = RealAnswer(id=question.id, doc_id=doc_id, question=question.question,
                             prompt_question=question_of(prompt) or question.question,
                             candidates=numbered_candidates(prompt), raw=raw,
                             shown=answer.answer, fallback=answer.fallback,
                             sentences=[])  # fmt: skip
            rows.append(with_fates(row, checker))
    return rows


def with_fates(row: RealAnswer, checker: SupportCheck) -> RealAnswer:
    """``row`` with each sentence's fate under the guard, checked against what the chain showed."""
    graded = regrade(row, checker)
    if graded.fallback != row.fallback or (not row.fallback and graded.shown != row.shown):
        print(f"{row.id}: the replayed guard disagrees with the chain", file=sys.stderr)
    sentences = [RealSentence(text=j.text, markers=list(j.markers), fate=j.fate, reason=j.reason,
                              cited=list(j.cited)) for j in graded.sentences]  # fmt: skip
    return row.model_copy(update={"sentences": sentences})


def keep_labels(rows: Iterable[RealAnswer], earlier: Iterable[RealAnswer]) -> list[RealAnswer]:
    """``rows`` with the labels of ``earlier`` for the same question, reply and sentence."""
    known = {(a.id, a.raw, s.text): s for a in earlier for s in a.sentences}
    out = []
    for row in rows:
        sentences = []
        for s in row.sentences:
            old = known.get((row.id, row.raw, s.text))
            fields = {"label": old.label, "support": old.support, "note": old.note} if old else {}
            sentences.append(s.model_copy(update=fields))
        out.append(row.model_copy(update={"sentences": sentences}))
    return out


def run_header(model_file: Path, base_url: str, settings: Settings) -> RealRun:
    """Which model, server and chain the answers come from."""
    digest = hashlib.sha256(model_file.read_bytes()).hexdigest()
    try:
        version = importlib.metadata.version("llama_cpp_python")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    git = ["git", "rev-parse", "--short", "HEAD"]
    here = Path(__file__).parent
    commit = subprocess.run(git, capture_output=True, text=True, cwd=here, check=False).stdout
    commit = commit.strip()
    return RealRun(model=model_file.name, sha256=digest, llama_cpp=version,
                   date=datetime.date.today().isoformat(),
                   server=f"python -m llama_cpp.server --model {model_file.name} --n_ctx 2048 "
                          f"--n_threads 1 (at {base_url})",
                   chain=f"groundwork {commit or 'unknown'}, --llm openai, answerability off, "
                         f"temperature 0, max_tokens {settings.llm_max_tokens}")  # fmt: skip


def main(argv: Iterable[str] | None = None) -> int:
    """Record every test question's answer and write the file (labels kept where unchanged)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model-file", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--doc", action="append", help="only these documents")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not args.model_file.is_file():
        print(f"error: no model file at {args.model_file}", file=sys.stderr)
        return 2
    settings = Settings(answerability=False, llm_base_url=args.base_url,
                        llm_timeout_s=args.timeout)  # fmt: skip
    header = run_header(args.model_file, args.base_url, settings)
    recorder, checker = ReplyRecorder(), default_checker()
    by_doc: dict[str, list[Candidates]] = {}
    for question in answered_test_questions():
        if not args.doc or question.doc_id in args.doc:
            by_doc.setdefault(question.doc_id, []).append(question)
    rows = [row for doc_id, questions in by_doc.items()
            for row in record_document(doc_id, questions, settings, checker,
                                       recording(recorder), recorder)]  # fmt: skip
    earlier = load(args.out)[1] if args.out.is_file() else []
    save(args.out, header, keep_labels(rows, earlier))
    print(f"{len(rows)} answers written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
