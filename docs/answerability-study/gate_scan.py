exec(open("gate_eval.py").read().split('show("baseline"')[0])
for tau in (0.06, 0.07, 0.08, 0.09, 0.1, 0.12, 0.14):
    for w in (0.2, 0.3):
        show(f"c16+n16 w={w} gate p>={tau} base", evaluate(qs, 4, pol(16,16,w,tau,"base")))
    show(f"c8+n8 w=0.2 gate p>={tau} base", evaluate(qs, 4, pol(8,8,0.2,tau,"base")))
