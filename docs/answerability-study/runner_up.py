"""Which runner-up to quote beside the best sentence: today's rule (score >= 0.85 x best score)
alone, or also requiring the model's probability to be close to the best one's.
python runner_up.py dev.pkl ../../rag/models/answerability"""
exec(open("gate_eval.py").read().split('show("baseline"')[0])


def runner_up(kind, r=0.0):
    def choose(q, _c):
        if q["by_k"][4]["weak"]:
            return []
        pool = subset(q, 8, 8)
        if not pool or max(c["p"] for c in pool) < 0.1:
            return []
        pool = sorted(pool, key=lambda c: -fused(c, 0.2))
        best = pool[0]
        chosen = [best]
        for c in pool[1:2]:
            ok = kind != "none" and c["score"] >= 0.85 * best["score"]
            if kind == "rel":
                ok = ok and c["p"] >= r * best["p"]
            elif kind == "relmax":
                ok = ok and c["p"] >= r * max(x["p"] for x in pool)
            elif kind == "abs":
                ok = ok and c["p"] >= r
            if ok:
                chosen.append(c)
        return chosen
    return choose


show("shipped", evaluate(qs, 4, runner_up("base")))
show("no runner-up", evaluate(qs, 4, runner_up("none")))
for r in (0.3, 0.5, 0.7, 0.9, 1.0):
    show(f"and p >= {r} x best's p", evaluate(qs, 4, runner_up("rel", r)))
    show(f"and p >= {r} x max p", evaluate(qs, 4, runner_up("relmax", r)))
for r in (0.1, 0.15, 0.2, 0.3):
    show(f"and p >= {r}", evaluate(qs, 4, runner_up("abs", r)))
