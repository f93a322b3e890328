"""Fit a per-photo strength rule on the validation split only (table.csv rows with set == val), then score it on
Set5 / Set14 / cam. Rule family: a decision tree of depth <= 2 on the input's own estimates, each leaf one strength
of STRENGTHS; objective: mean Y PSNR. Run with /usr/bin/python3 fit.py [table.csv]."""
import csv, itertools, math, os, sys
import numpy as np

ST = os.environ.get("STUDY", "/tmp/strength-study")
STRENGTHS = os.environ.get("STRENGTHS", "0 0.67 1").split()
MIN_LEAF = int(os.environ.get("MIN_LEAF", "10"))
FOREIGN = ["magick-camera", "corrnoise", "jpegonly", "light", "poisson", "oversharp", "oversharp-mild"]
PRESETS = ["photo", "camera-check"]

rows = list(csv.DictReader(open(sys.argv[1] if len(sys.argv) > 1 else f"{ST}/table.csv")))


def num(v, default):
    try:
        x = float(v)
        return default if math.isnan(x) else x
    except (TypeError, ValueError):
        return default


# Features, as the app would see them: quality = the JPEG's quality, 100 for a lossless file (PNG);
# luma = profile noise sigma luma (0 when none is visible); blur = profile blur sigma; halo = halo.py.
FEATS = {
    "quality": lambda r: num(r["quality"], 100.0),
    "luma": lambda r: num(r["luma"], 0.0),
    "blur": lambda r: num(r["blur"], 1.0),
    "halo": lambda r: num(r["halo"], 0.0),
    "colour": lambda r: num(r["colour"], 0.0),
}
FEATSETS = {
    "all": ["quality", "luma", "blur", "halo", "colour"],
    "profile-only": ["quality", "luma", "blur", "colour"],
    "pixels-only": ["luma", "blur", "halo", "colour"],
    "blur+halo": ["blur", "halo"],
}


def arrays(rs):
    X = {f: np.array([fn(r) for r in rs]) for f, fn in FEATS.items()}
    P = np.array([[float(r["s" + s]) for s in STRENGTHS] for r in rs])
    return X, P


# ---- tree search (exhaustive, depth <= 2) ----
def best_leaf(P, idx):
    tot = P[idx].sum(0)
    k = int(np.argmax(tot))
    return tot[k], ("leaf", k)


def best_stump(X, P, idx, feats):
    best = best_leaf(P, idx)
    for f in feats:
        x = X[f][idx]
        o = np.argsort(x, kind="stable")
        xs, Ps = x[o], P[idx][o]
        cs = np.cumsum(Ps, 0)
        tot = cs[-1]
        for i in range(MIN_LEAF, len(xs) - MIN_LEAF + 1):
            if xs[i - 1] == xs[i]:
                continue
            left, right = cs[i - 1], tot - cs[i - 1]
            v = left.max() + right.max()
            if v > best[0] + 1e-9:
                t = (xs[i - 1] + xs[i]) / 2
                best = (v, ("split", f, t, ("leaf", int(left.argmax())), ("leaf", int(right.argmax()))))
    return best


def best_tree(X, P, idx, feats, depth):
    if depth == 0:
        return best_leaf(P, idx)
    if depth == 1:
        return best_stump(X, P, idx, feats)
    best = best_stump(X, P, idx, feats)
    for f in feats:
        x = X[f][idx]
        u = np.unique(x)
        for a, b in zip(u[:-1], u[1:]):
            t = (a + b) / 2
            L, R = idx[x <= t], idx[x > t]
            if len(L) < MIN_LEAF or len(R) < MIN_LEAF:
                continue
            vl, tl = best_stump(X, P, L, feats)
            vr, tr = best_stump(X, P, R, feats)
            if vl + vr > best[0] + 1e-9:
                best = (vl + vr, ("split", f, t, tl, tr))
    return best


def apply(tree, X, i):
    while tree[0] == "split":
        _, f, t, l, r = tree
        tree = l if X[f][i] <= t else r
    return tree[1]


def show(tree, ind=""):
    if tree[0] == "leaf":
        return f"{ind}strength {STRENGTHS[tree[1]]}\n"
    _, f, t, l, r = tree
    return f"{ind}if {f} <= {t:.3g}:\n" + show(l, ind + "    ") + f"{ind}else:\n" + show(r, ind + "    ")


val = [r for r in rows if r["set"] == "val"]
Xv, Pv = arrays(val)
names = sorted({r["name"] for r in val})
groups = sorted({r["recipe"] for r in val})
i1 = STRENGTHS.index("1")

print(f"validation rows: {len(val)} ({len(names)} photos x {len(groups)} degradations); strengths {STRENGTHS}; min leaf {MIN_LEAF}\n")
print("Cross-validation on the validation split (mean dB over strength 1; leave one photo out / leave one degradation out):")
cv = {}
for fs, feats in FEATSETS.items():
    for depth in [0, 1, 2]:
        res = []
        for key, folds in [("name", names), ("recipe", groups)]:
            g = np.zeros(len(val))
            for hold in folds:
                tr = np.array([i for i, r in enumerate(val) if r[key] != hold])
                te = [i for i, r in enumerate(val) if r[key] == hold]
                _, tree = best_tree(Xv, Pv, tr, FEATSETS[fs], depth)
                for i in te:
                    g[i] = Pv[i, apply(tree, Xv, i)] - Pv[i, i1]
            res.append(g.mean())
        full = best_tree(Xv, Pv, np.arange(len(val)), feats, depth)
        ins = full[0] / len(val) - Pv[:, i1].mean()
        cv[(fs, depth)] = (res, full[1], ins)
        print(f"  {fs:13s} depth {depth}: in-sample {ins:+.3f}  LOPO {res[0]:+.3f}  LODO {res[1]:+.3f}")
print(f"  oracle (in-sample ceiling): {(Pv.max(1) - Pv[:, i1]).mean():+.3f}\n")

# ---- the chosen rules, applied to the test sets ----
chosen = [(fs, d) for fs in FEATSETS for d in [0, 1, 2]]
for fs, d in chosen:
    print(f"rule {fs} depth {d}:\n" + show(cv[(fs, d)][1], "    "))


def table(rules, sets, recipes, title):
    print(title)
    hdr = f"| {'set':5s} | {'degradation':14s} | fixed 1 | " + " | ".join(f"{n:>10s}" for n, _ in rules) + " | oracle {" + ",".join(STRENGTHS) + "} |"
    print(hdr)
    print("|" + "---|" * (hdr.count("|") - 1))
    summ = {}
    for st in sets:
        for rec in recipes:
            rs = [r for r in rows if r["set"] == st and r["recipe"] == rec]
            if not rs:
                continue
            X, P = arrays(rs)
            bic = np.array([float(r["bic"]) for r in rs])
            vals = [(P[:, i1] - bic).mean()]
            for _, tree in rules:
                vals.append(np.mean([P[i, apply(tree, X, i)] - bic[i] for i in range(len(rs))]))
            vals.append((P.max(1) - bic).mean())
            summ.setdefault(st, []).append(vals)
            print(f"| {st:5s} | {rec:14s} | " + " | ".join(f"{v:+.2f}" for v in vals) + " |")
        if st in summ and len(summ[st]) > 1:
            m = np.mean(summ[st], 0)
            print(f"| {st:5s} | **mean**       | " + " | ".join(f"{v:+.2f}" for v in m) + " |")
    print()


rules = [(f"{fs[:3]}-d{d}", cv[(fs, d)][1]) for fs, d in chosen if d > 0] + [("best fixed", cv[("all", 0)][1])]
table(rules, ["val", "set5", "set14", "cam"], FOREIGN, "Foreign recipes, x2, mean dB over bicubic:")
table(rules, ["val", "set5", "set14"], PRESETS, "Our presets (seed 1), x2, mean dB over bicubic (inputs are PNG: quality reads 100):")

# ---- the ceiling: per-photo oracle over the shipped model (strength 1), dB ----
print("Per-photo oracle among {" + ",".join(STRENGTHS) + "} minus fixed strength 1 (dB):")
print("| set | " + " | ".join(FOREIGN + ["foreign mean"] + PRESETS) + " |")
print("|" + "---|" * (len(FOREIGN) + 4))
for st in ["val", "set5", "set14", "cam"]:
    vals = []
    for rec in FOREIGN + PRESETS:
        rs = [r for r in rows if r["set"] == st and r["recipe"] == rec]
        if not rs:
            vals.append(None)
            continue
        X, P = arrays(rs)
        vals.append((P.max(1) - P[:, i1]).mean())
    fm = np.mean([v for v in vals[: len(FOREIGN)]])
    vals = vals[: len(FOREIGN)] + [fm] + vals[len(FOREIGN):]
    print(f"| {st} | " + " | ".join("—" if v is None else f"{v:+.2f}" for v in vals) + " |")
