"""A small classifier for the refuse decision alone (issue #15's third alternative), on dev only.
Features per question over the shipped pool (today's top 8 + 8 nearest): the model's best p, the
p of the fused top, its runner-up gap, how many candidates reach p >= 0.1, today's best score and
dense cosine, and today's weak flag. Leave-one-document-out logistic regression on the 8 dev
documents; compared with the shipped gate (weak OR best p < 0.1) at matched operating points.
python -u refuse_classifier.py dev.pkl ../../rag/models/answerability"""
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
exec(open("union_eval.py").read().split("ans = [q for q")[0].replace('print(n, flush=True)', 'pass'))
from policy import evaluate, show

def fused(c, w=0.2): return w * c["p"] + (1 - w) * c["score"]

def features(q):
    pool = subset(q, 8, 8)
    top4 = q["by_k"][4]["cands"]
    if not pool:
        return [0, 0, 0, 0, 0, 0, 1]
    ps = sorted((c["p"] for c in pool), reverse=True)
    best = max(pool, key=fused)
    return [ps[0], best["p"], ps[0] - (ps[1] if len(ps) > 1 else 0), sum(p >= 0.1 for p in ps),
            top4[0]["score"] if top4 else 0, top4[0].get("dense", 0) if top4 else 0,
            float(q["by_k"][4]["weak"])]

X = np.array([features(q) for q in qs]); y = np.array([q["answerable"] for q in qs])
docs = np.array([q["doc"] for q in qs]); prob = np.zeros(len(qs))
for d in sorted(set(docs)):
    tr, te = docs != d, docs == d
    sc = StandardScaler().fit(X[tr])
    clf = LogisticRegression(C=1.0, max_iter=1000).fit(sc.transform(X[tr]), y[tr])
    prob[te] = clf.predict_proba(sc.transform(X[te]))[:, 1]
for q, p in zip(qs, prob): q["clf"] = p
auc = np.mean([[a > u for u in prob[~y]] for a in prob[y]])
print(f"LODO classifier refusal AUC {auc:.3f}")

def answer(q):
    pool = sorted(subset(q, 8, 8), key=lambda c: -fused(c))
    if not pool: return []
    best = pool[0]
    return [best] + [c for c in pool[1:2] if c["score"] >= 0.85 * best["score"]]

def shipped(q, _c):
    if q["by_k"][4]["weak"] or not subset(q, 8, 8) or max(c["p"] for c in subset(q, 8, 8)) < 0.1: return []
    return answer(q)

def by_clf(t, with_weak):
    def choose(q, _c):
        if with_weak and q["by_k"][4]["weak"]: return []
        return [] if q["clf"] < t else answer(q)
    return choose

show("shipped: weak or best p < 0.1", evaluate(qs, 4, shipped))
for t in (0.3, 0.4, 0.5, 0.6, 0.7):
    show(f"classifier p(answerable) >= {t}", evaluate(qs, 4, by_clf(t, False)))
    show(f"weak or classifier < {t}", evaluate(qs, 4, by_clf(t, True)))
