import pickle, sys, numpy as np
from pathlib import Path
from rag.settings import Settings
from rag.store import open_store, read_all
from rag.embeddings import get_embeddings
from policy import load
qs, texts = load(sys.argv[1])
settings = Settings()
emb = get_embeddings()
by_doc = {}
for q in qs: by_doc.setdefault(q['doc'], []).append(q)
hits = {n: [] for n in (8, 16, 24, 32, 48)}
union = {n: [] for n in (8, 16, 24)}
out = {}
for doc, dq in by_doc.items():
    idx = Path('/work/scratch/idx') / doc
    store = open_store(settings.model_copy(update={'data_dir': idx, 'chroma_host': None}), emb)
    found = read_all(store.sentences, ['embeddings', 'metadatas', 'documents'])
    metas = found['metadatas']; M = np.asarray(found['embeddings'], np.float32)
    starts = np.array([int(m['start']) for m in metas]); ends = np.array([int(m['end']) for m in metas])
    Q = np.asarray(emb.embed_documents([q['standalone'] for q in dq]), np.float32)
    S = Q @ M.T
    for q, row in zip(dq, S):
        order = np.argsort(-row)
        out[q['id']] = [(int(starts[i]), int(ends[i]), found['documents'][i], float(row[i])) for i in order[:48]]
        if not q['answerable']: continue
        gold = q['gold']
        isg = [any(starts[i] < e and b < ends[i] for b, e in gold) for i in order[:48]]
        for n in hits: hits[n].append(any(isg[:n]))
        chunk = q['by_k'][8]['cands'][:16]
        for n in union: union[n].append(any(isg[:n]) or any(c['gold'] for c in chunk))
for n, v in hits.items(): print('whole-doc cosine top', n, round(np.mean(v), 3))
for n, v in union.items(): print('chunk k8 top16 + cosine top', n, round(np.mean(v), 3))
pickle.dump(out, open(sys.argv[1] + '.cosine', 'wb'))
