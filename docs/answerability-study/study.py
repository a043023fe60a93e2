"""Cache, per question, the candidate sentences today's pipeline ranks (before the gate), with
gold labels, so ranking / refusal policies can be compared offline.  Usage:
python -u study.py SPLIT OUT.pkl [K ...]"""

import pickle
import sys
import time
from pathlib import Path

from evals.corpus import CORPUS_DIR, load_questions, question_file, split_documents
from evals.runner import build_eval_store
from rag.pipeline import Answerer
from rag.embeddings import get_embeddings
from rag.ranking import candidate_sentences
from rag.injection import unquotable
from rag.question import clean_question, standalone_question, without_instructions
from rag.settings import Settings
from rag.store import open_store

IDX = Path("/work/scratch/idx")


def spans_of(evidence, text):
    out = []
    for quote in evidence:
        start = text.find(quote)
        while quote and start >= 0:
            out.append((start, start + len(quote)))
            start = text.find(quote, start + 1)
    return out


def previous_sentence(text, start):
    from rag.sentences import split_sentences

    return None


def main():
    split, out = sys.argv[1], sys.argv[2]
    ks = [int(k) for k in sys.argv[3:]] or [4, 8]
    settings = Settings()
    records = []
    docs = split_documents(split) if split != "article" else []
    for doc in docs:
        t0 = time.time()
        idx = IDX / doc.doc_id
        doc_settings = settings.model_copy(update={"data_dir": idx, "chroma_host": None})
        if (idx / "done").exists():
            store = open_store(doc_settings, get_embeddings())
        else:
            store = build_eval_store([CORPUS_DIR / "docs" / doc.file], settings, idx)
            (idx / "done").write_text("ok")
        answerer = Answerer(doc_settings, store)
        (doc_id,) = store.document_ids()
        text = store.document_text(doc_id)
        questions = load_questions(question_file(doc.doc_id))
        for q in questions:
            question = clean_question(q.question, settings.max_question_chars)
            history = [t for t in q.history]
            standalone = standalone_question(without_instructions(question), history, None)
            qv = store.embeddings.embed_query(standalone)
            gold = spans_of(q.evidence, text)
            rec = {"id": q.id, "doc": doc.doc_id, "genre": doc.genre, "format": doc.format,
                   "question": q.question, "standalone": standalone, "history": history,
                   "answerable": q.answerable, "category": q.category,
                   "must_include": q.must_include, "must_not_include": q.must_not_include,
                   "gold": gold, "by_k": {}}
            for k in ks:
                chunks = answerer.retriever.model_copy(update={"k": k}).invoke(standalone)
                ranked = [s for s in candidate_sentences(standalone, qv, chunks, store)
                          if not unquotable(s.text)]
                weak = answerer._weak(ranked, qv)
                cands = []
                for s in ranked[:40]:
                    # the sentence before, in the document text (context for the model)
                    cands.append({"start": s.start, "end": s.end, "text": s.text,
                                  "score": s.score, "dense": s.dense, "lexical": s.lexical,
                                  "type_fit": s.type_fit,
                                  "gold": any(s.start < e and b < s.end for b, e in gold)})
                rec["by_k"][k] = {"weak": weak, "cands": cands}
            records.append(rec)
        print(doc.doc_id, len(questions), f"{time.time() - t0:.0f}s", flush=True)
        # document text for context lookups
        records.append({"doc_text": doc.doc_id, "text": text})
    with open(out, "wb") as f:
        pickle.dump(records, f)


if __name__ == "__main__":
    main()
