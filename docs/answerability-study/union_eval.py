"""Score the union pool (today's k=8 top 16 + cosine top 16) once; compare policies on subsets.
python -u union_eval.py DATA.pkl MODEL_DIR"""
import pickle, sys, itertools
from pathlib import Path
import numpy as np
from policy import load, previous_of, evaluate, show, contains_all
from rag.answerability import candidate_text

data, model_dir = sys.argv[1], sys.argv[2]
qs, texts = load(data)
cos = pickle.load(open(data + ".cosine", "rb"))
prev = previous_of(texts)
for q in qs:
    cands = [dict(c, src="chunk", rank=i) for i, c in enumerate(q["by_k"][8]["cands"][:16])]
    seen = {c["start"] for c in cands}
    for j, (start, end, text, sim) in enumerate(cos[q["id"]][:16]):
        if start in seen:
            for c in cands:
                if c["start"] == start: c["cos_rank"] = j
            continue
        seen.add(start)
        cands.append({"start": start, "end": end, "text": text, "score": 0.7 * sim, "src": "cos",
                      "cos_rank": j, "gold": any(start < e and b < end for b, e in q["gold"])})
    q["pool"] = cands
cache = Path(f"{data}.{Path(model_dir).name}.union.scores")
if cache.exists():
    scores = pickle.load(open(cache, "rb"))
else:
    from rag.answerability import AnswerabilityModel
    model = AnswerabilityModel(Path(model_dir))
    scores = {}
    for n, q in enumerate(qs):
        ct = [candidate_text(c["text"], prev(q["doc"], c["start"])) for c in q["pool"]]
        scores[q["id"]] = model.score(q["standalone"], ct)
        if n % 100 == 0: print(n, flush=True)
    pickle.dump(scores, open(cache, "wb"))
for q in qs:
    for c, s in zip(q["pool"], scores[q["id"]]): c["p"] = s

def subset(q, m_chunk, m_cos):
    return [c for c in q["pool"] if (c["src"] == "chunk" and c["rank"] < m_chunk) or c.get("cos_rank", 99) < m_cos]

def fused(c, w):
    return w * c["p"] + (1 - w) * c["score"]

def policy(m_chunk, m_cos, tau, runner, limit=2, w=1.0, weak=False):
    def choose(q, _cands):
        if weak and q["by_k"][4]["weak"]: return []
        pool = subset(q, m_chunk, m_cos)
        if not pool: return []
        pool = sorted(pool, key=lambda c: -fused(c, w))
        if fused(pool[0], w) < tau: return []
        chosen = [pool[0]]
        for c in pool[1:limit]:
            if fused(c, w) >= runner: chosen.append(c)
        return chosen
    return choose

ans = [q for q in qs if q["answerable"]]
print("gold in pool / model top1 gold:")
for mc, mcos in [(4,0),(8,0),(16,0),(8,8),(12,8),(16,8),(16,16),(8,16)]:
    gin = np.mean([any(c["gold"] for c in subset(q, mc, mcos)) for q in ans])
    top = np.mean([bool(subset(q, mc, mcos)) and max(subset(q, mc, mcos), key=lambda c: c["p"])["gold"] for q in ans])
    size = np.mean([len(subset(q, mc, mcos)) for q in qs])
    print(f"  chunk {mc:2d} + cos {mcos:2d}: pool {size:5.1f}  gold in {gin:.3f}  top1 gold {top:.3f}")
# refusal AUC: best p answerable vs unanswerable
best_a = [max(c["p"] for c in subset(q,16,16)) for q in qs if q["answerable"]]
best_u = [max(c["p"] for c in subset(q,16,16)) for q in qs if not q["answerable"]]
print("refusal AUC", np.mean([[a > u for u in best_u] for a in best_a]))
from policy import baseline
show("baseline k=4", evaluate(qs, 4, baseline(4)))
best_s = lambda q: max(c["score"] for c in subset(q,16,0)) if subset(q,16,0) else 0
sa=[best_s(q) for q in qs if q["answerable"]]; su=[best_s(q) for q in qs if not q["answerable"]]
print("refusal AUC today's score", np.mean([[a > u for u in su] for a in sa]))
for w in (0.0, 0.2, 0.3, 0.5, 0.7, 1.0):
    for mc, mcos in [(16,0),(16,16)]:
        top = np.mean([bool(subset(q, mc, mcos)) and max(subset(q, mc, mcos), key=lambda c: fused(c,w))["gold"] for q in ans])
        fa=[max(fused(c,w) for c in subset(q,mc,mcos)) for q in qs if q["answerable"] and subset(q,mc,mcos)]
        fu=[max(fused(c,w) for c in subset(q,mc,mcos)) for q in qs if not q["answerable"] and subset(q,mc,mcos)]
        auc=np.mean([[a > u for u in fu] for a in fa])
        print(f"w={w} c{mc}+n{mcos}: top1 gold {top:.3f} refusal AUC {auc:.3f}")
import sys as _s
W = [float(x) for x in _s.argv[3:]] or [0.3, 0.5]
for w in W:
    for mc, mcos in [(16,0),(16,16)]:
        for tau in np.quantile([max(fused(c,w) for c in subset(q,mc,mcos)) for q in qs if subset(q,mc,mcos)], [0.1,0.2,0.3,0.4,0.5]):
            for runner in (0.6, 0.8, 2):
                show(f"w={w} c{mc}+n{mcos} tau {tau:.3f} runner {runner}", evaluate(qs, 4, policy(mc, mcos, tau, runner, w=w)))
