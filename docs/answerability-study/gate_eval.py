import pickle, numpy as np, sys
exec(open("union_eval.py").read().split("ans = [q for q")[0].replace('print(n, flush=True)','pass'))
from policy import evaluate, show, baseline
def pol(mc, mcos, w, tau, second, weak=False):
    def choose(q, _c):
        pool = subset(q, mc, mcos)
        if not pool: return []
        if max(c["p"] for c in pool) < tau: return []
        if weak and q["by_k"][4]["weak"]: return []
        pool = sorted(pool, key=lambda c: -fused(c, w))
        best = pool[0]; chosen = [best]
        if second == "base":
            chosen += [c for c in pool[1:2] if c["score"] >= 0.85 * best["score"]]
        elif second == "p":
            chosen += [c for c in pool[1:2] if c["p"] >= 0.5]
        return chosen
    return choose
def fused(c, w): return w * c["p"] + (1 - w) * c["score"]
show("baseline", evaluate(qs, 4, baseline(4)))
for mc, mcos in [(16,0),(16,16),(8,8)]:
  for w in (0.0, 0.2):
    for tau in (0.05, 0.1, 0.2, 0.3, 0.5):
      for second in ("none", "base", "p"):
        show(f"c{mc}+n{mcos} w={w} gate p>={tau} second={second}", evaluate(qs, 4, pol(mc, mcos, w, tau, second)))
for tau in (0.05, 0.1, 0.2):
    show(f"c16+n16 w=0.2 gate p>={tau} + weak, base", evaluate(qs, 4, pol(16,16,0.2,tau,"base",True)))
