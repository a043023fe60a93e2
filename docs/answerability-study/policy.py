"""Compare ranking/refusal policies offline on cached candidates (study.py) + model scores.
python -u policy.py DATA.pkl MODEL_DIR [K] [M]"""

import bisect
import pickle
import sys
from pathlib import Path

import numpy as np

from evals.metrics.correctness import key_facts
from rag.answer_types import Answer
from rag.answerability import candidate_text
from rag.quoting import needs_antecedent
from rag.sentences import split_sentences


def contains_all(text, must, mustnot):
    a = Answer(question="", answer=text, refused=False, backend="x")
    return key_facts(a, must, mustnot).value == 1.0


def load(path):
    recs = pickle.load(open(path, "rb"))
    texts = {r["doc_text"]: r["text"] for r in recs if "doc_text" in r}
    qs = [r for r in recs if "doc_text" not in r]
    return qs, texts


def previous_of(texts):
    cache = {}

    def prev(doc, start):
        if doc not in cache:
            spans = split_sentences(texts[doc])
            cache[doc] = ([s.end for s in spans], spans)
        ends, spans = cache[doc]
        i = bisect.bisect_right(ends, start) - 1
        if i < 0:
            return None
        s = spans[i]
        return texts[doc][s.start : s.end]

    return prev


def score_all(qs, texts, model_dir, k, m, cache_path):
    if Path(cache_path).exists():
        return pickle.load(open(cache_path, "rb"))
    from rag.answerability import AnswerabilityModel

    model = AnswerabilityModel(Path(model_dir))
    prev = previous_of(texts)
    scores = {}
    for n, q in enumerate(qs):
        cands = q["by_k"][k]["cands"][:m]
        asked = q["standalone"]
        ct = [candidate_text(c["text"], prev(q["doc"], c["start"])) for c in cands]
        scores[q["id"]] = model.score(asked, ct)
        if n % 200 == 0:
            print(n, flush=True)
    pickle.dump(scores, open(cache_path, "wb"))
    return scores


def sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x)))


def evaluate(qs, k, choose):
    """choose(q, cands) -> list of chosen candidate dicts ([] = refuse)."""
    ans_ok = ans_n = un_ok = un_n = 0
    shown = gold_shown = answered = 0
    by_genre = {}
    for q in qs:
        cands = q["by_k"][k]["cands"]
        chosen = choose(q, cands)
        if q["answerable"]:
            ans_n += 1
            text = " ".join(c["text"] for c in chosen)
            ok = bool(chosen) and contains_all(text, q["must_include"], q["must_not_include"])
            ans_ok += ok
        else:
            un_n += 1
            ok = not chosen
            un_ok += ok
        g = by_genre.setdefault(q["genre"], [0, 0, 0, 0])
        if q["answerable"]:
            g[0] += ok
            g[1] += 1
        else:
            g[2] += ok
            g[3] += 1
        if chosen:
            answered += 1
            shown += len(chosen)
            gold_shown += sum(c["gold"] for c in chosen)
    return {
        "answerable": ans_ok / max(ans_n, 1),
        "refused": un_ok / max(un_n, 1),
        "sent/ans": shown / max(answered, 1),
        "gold_share": gold_shown / max(shown, 1),
        "genre": {g: (v[0] / max(v[1], 1), v[2] / max(v[3], 1)) for g, v in by_genre.items()},
    }


def baseline(k):
    def choose(q, cands):
        if q["by_k"][k]["weak"] or not cands:
            return []
        best = cands[0]
        chosen = [best] + [c for c in cands[1:2] if c["score"] >= 0.85 * best["score"]]
        return chosen

    return choose


def model_policy(scores, m, tau, ratio=0.5, limit=2, fuse=0.0, keep_weak=False, k=4):
    def choose(q, cands):
        if keep_weak and q["by_k"][k]["weak"]:
            return []
        s = np.asarray(scores[q["id"]])
        if len(s) == 0:
            return []
        base = np.array([c["score"] for c in cands[: len(s)]])
        fused = (1 - fuse) * s + fuse * base
        order = np.argsort(-fused)
        if s[order[0]] < tau:
            return []
        best = order[0]
        chosen = [cands[best]]
        for i in order[1:limit]:
            if s[i] >= max(tau, ratio * s[best]) and s[i] >= 0.5:
                chosen.append(cands[i])
        return chosen

    return choose


def gold_in(qs, k, m):
    a = [q for q in qs if q["answerable"] and q["gold"]]
    return np.mean([any(c["gold"] for c in q["by_k"][k]["cands"][:m]) for q in a])


def show(name, r):
    print(f"{name:45s} ans {r['answerable']:.3f} ref {r['refused']:.3f} "
          f"sent {r['sent/ans']:.2f} gold {r['gold_share']:.3f}")


def with_union(qs, cosine_path, k, m_chunk, m_cos):
    """Each question's candidates: today's top m_chunk (k chunks) + whole-document cosine top m_cos."""
    cos = pickle.load(open(cosine_path, "rb"))
    for q in qs:
        cands = list(q["by_k"][k]["cands"][:m_chunk])
        seen = {c["start"] for c in cands}
        for start, end, text, sim in cos[q["id"]][:m_cos]:
            if start in seen:
                continue
            seen.add(start)
            gold = any(start < e and b < end for b, e in q["gold"])
            cands.append({"start": start, "end": end, "text": text, "score": 0.7 * sim,
                          "dense": sim, "lexical": 0.0, "type_fit": None, "gold": gold})
        q["by_k"]["u"] = {"weak": q["by_k"][k]["weak"], "cands": cands}


def main():
    data, model_dir = sys.argv[1], sys.argv[2]
    k = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    m = int(sys.argv[4]) if len(sys.argv) > 4 else 16
    qs, texts = load(data)
    print(f"{len(qs)} questions, {sum(q['answerable'] for q in qs)} answerable")
    for mm in (1, 4, 8, 16, 24, 40):
        print(f"gold among top {mm} (k={k}): {gold_in(qs, k, mm):.3f}")
    show(f"baseline k={k}", evaluate(qs, k, baseline(k)))
    cache = f"{data}.{Path(model_dir).name}.k{k}m{m}.scores"
    scores = score_all(qs, texts, model_dir, k, m, cache)
    for tau in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        for fuse in (0.0, 0.3):
            for limit in (1, 2):
                show(f"model tau={tau} fuse={fuse} limit={limit}",
                     evaluate(qs, k, model_policy(scores, m, tau, fuse=fuse, limit=limit)))
    for tau in (0.3, 0.5):
        show(f"model+weak tau={tau}", evaluate(qs, k, model_policy(scores, m, tau, keep_weak=True, k=k)))


if __name__ == "__main__":
    main()
