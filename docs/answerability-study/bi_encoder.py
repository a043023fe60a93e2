"""Bi-encoder MNRL fine-tune of the packaged MiniLM on train-split (question, gold sentence) pairs; dev sentence recall."""
import json, sys, time, random, re
from pathlib import Path
import numpy as np, torch
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
from sentence_transformers import SentenceTransformer, InputExample, losses
from torch.utils.data import DataLoader
from evals.corpus import CORPUS_DIR, document_text, load_questions, question_file, split_documents
from evals.answerability_data import asked
from rag.embeddings import packaged_model_path
from rag.sentences import split_sentences

OUT = Path(sys.argv[1])
EPOCHS = int(sys.argv[3]) if len(sys.argv) > 3 else 1
random.seed(13); np.random.seed(13); torch.manual_seed(13)

def strip_context(c): return c.split(" [context] ")[0]

def triplets():
    rows = json.loads(Path('/work/scratch/ce/pairs/pairs-train-6-True-c02c7239d26e.json').read_text())
    byq = {}
    for r in rows: byq.setdefault(r['question_id'], []).append(r)
    ex = []
    for qid, rs in byq.items():
        gold = [r for r in rs if r['label'] > 0]
        if not gold: continue
        negs = sorted([r for r in rs if r['label'] == 0], key=lambda r: r['rank'])
        neg = strip_context(negs[0]['candidate']) if negs else None
        for g in gold[:2]:
            t = [rs[0]['question'], strip_context(g['candidate'])] + ([neg] if neg else [strip_context(random.choice(rows)['candidate'])])
            ex.append(InputExample(texts=t))
    return ex

def dev_eval(model, label):
    r1 = []; r8 = []; r16 = []; mrr = []; best_a = []; best_u = []
    for doc in split_documents('dev'):
        qs = load_questions(question_file(doc.doc_id))
        text = document_text(CORPUS_DIR / 'docs' / doc.file)
        sents = [text[s.start:s.end] for s in split_sentences(text)]
        M = model.encode(sents, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        Q = model.encode([asked(q) for q in qs], batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        S = Q @ M.T
        for q, row in zip(qs, S):
            if q.answerable and q.answer_sentences:
                order = np.argsort(-row)
                gold = set(q.answer_sentences)
                rank = next(i for i, s in enumerate(order) if int(s) in gold)
                r1.append(rank < 1); r8.append(rank < 8); r16.append(rank < 16); mrr.append(1 / (rank + 1))
                best_a.append(row.max())
            elif not q.answerable:
                best_u.append(row.max())
    a = np.array(best_a); u = np.array(best_u)
    auc = float(np.mean(a[:, None] > u[None, :]))
    print(f"{label}: n={len(r1)} gold@1 {np.mean(r1):.3f} @8 {np.mean(r8):.3f} @16 {np.mean(r16):.3f} MRR {np.mean(mrr):.3f} refusal AUC(max cos) {auc:.3f} (unans {len(u)})", flush=True)

base = SentenceTransformer(str(packaged_model_path()), device='cpu')
if '--base' in sys.argv:
    t = time.time(); dev_eval(base, 'base'); print('eval s', round(time.time() - t)); sys.exit()
ex = triplets(); print('triplets', len(ex), flush=True)
loader = DataLoader(ex, shuffle=True, batch_size=32)
loss = losses.MultipleNegativesRankingLoss(base)
t = time.time()
base.old_fit([(loader, loss)], epochs=EPOCHS, warmup_steps=len(loader) * EPOCHS // 10, optimizer_params={'lr': 2e-5}, show_progress_bar=False)
print('trained s', round(time.time() - t), flush=True)
base.save(str(OUT))
dev_eval(base, f'mnrl e{EPOCHS}')
