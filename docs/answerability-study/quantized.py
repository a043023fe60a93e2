"""int8 dynamic quantisation of the answerability model's Linear layers at load time (no new
weights): speed per pair and the shipped policy's dev figures vs the fp32 scores (issue #15
latency). python -u quantized.py dev.pkl ../../rag/models/answerability [max_length]"""
import sys, time, pickle
from pathlib import Path
import numpy as np
import torch
exec(open("union_eval.py").read().split("ans = [q for q")[0].replace('print(n, flush=True)', 'pass'))
from policy import evaluate, show
from rag.answerability import AnswerabilityModel, candidate_text

torch.set_num_threads(1)
MAXLEN = next((int(a) for a in sys.argv[3:] if a.isdigit()), None)
model = AnswerabilityModel(Path(sys.argv[2]))
if MAXLEN:
    model.model.max_length = MAXLEN
fp32 = {q["id"]: [c["p"] for c in q["pool"]] for q in qs}
if "--int8" in sys.argv:  # in place: the CrossEncoder keeps its tokenizer and head
    torch.quantization.quantize_dynamic(model.model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
t = time.perf_counter(); n = 0
for q in qs:
    pool = subset(q, 8, 8)
    ct = [candidate_text(c["text"], prev(q["doc"], c["start"])) for c in pool]
    for c, s in zip(pool, model.score(q["standalone"], ct)): c["p"] = s
    n += len(pool)
secs = time.perf_counter() - t
print(f"{'int8' if '--int8' in sys.argv else 'fp32'} max_length {MAXLEN or 'shipped'}: {1000 * secs / n:.2f} ms/pair over {n} pairs (1 thread, shared machine)")
diff = [abs(c["p"] - f) for q in qs for c, f in zip(q["pool"], fp32[q["id"]]) if c in subset(q, 8, 8)]
print(f"mean |p - p_fp32| {np.mean(diff):.4f}, max {np.max(diff):.4f}")

def fused(c, w=0.2): return w * c["p"] + (1 - w) * c["score"]
def shipped(q, _c):
    pool = subset(q, 8, 8)
    if q["by_k"][4]["weak"] or not pool or max(c["p"] for c in pool) < 0.1: return []
    pool = sorted(pool, key=lambda c: -fused(c)); best = pool[0]
    return [best] + [c for c in pool[1:2] if c["score"] >= 0.85 * best["score"]]
show("shipped policy, these scores", evaluate(qs, 4, shipped))
