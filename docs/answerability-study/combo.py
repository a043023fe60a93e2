exec(open("gate_eval.py").read().split('show("baseline"')[0])
show("baseline", evaluate(qs, 4, baseline(4)))
for tau in (0.08, 0.1, 0.12):
    show(f"c8+n8 w=0.2 gate p>={tau} + weak, base", evaluate(qs, 4, pol(8,8,0.2,tau,"base",True)))
