"""Quality of the shipped policy (today's gate AND best p >= 0.1, order 0.2 p + 0.8 score) as the
pool the model scores shrinks — the model's cost is linear in pool size (latency, issue #15).
python -u pool_size.py dev.pkl ../../rag/models/answerability"""
exec(open("union_eval.py").read().split("ans = [q for q")[0].replace('print(n, flush=True)', 'pass'))
from policy import evaluate, show
import numpy as np

def fused(c, w=0.2): return w * c["p"] + (1 - w) * c["score"]

def shipped(mc, mcos):
    def choose(q, _c):
        pool = subset(q, mc, mcos)
        if q["by_k"][4]["weak"] or not pool or max(c["p"] for c in pool) < 0.1: return []
        pool = sorted(pool, key=lambda c: -fused(c))
        best = pool[0]
        return [best] + [c for c in pool[1:2] if c["score"] >= 0.85 * best["score"]]
    return choose

for mc, mcos in [(8, 8), (8, 4), (6, 6), (6, 4), (4, 4), (4, 8), (8, 0)]:
    size = np.mean([len(subset(q, mc, mcos)) for q in qs])
    show(f"pool chunk top {mc} + nearest {mcos} (mean {size:.1f} scored)", evaluate(qs, 4, shipped(mc, mcos)))
