"""Y PSNR (BT.601, integer Y, shave = scale, as SR Studio's eval) of every model run by run-model.sh, minus bicubic's
(MATLAB-style, common.py) on the same input, per recipe and set. Usage: /usr/bin/python3 score.py SCALE"""
import glob, os, sys

sys.path.insert(0, os.path.dirname(__file__))
import numpy as np
from common import bicubic_up, load, psnr_y

ROOT = os.environ.get("FOREIGN_ROOT", "/tmp/foreign")
RECIPES = ["magick-camera", "corrnoise", "jpegonly", "light", "poisson", "oversharp", "oversharp-mild"]
s = int(sys.argv[1])
tags = sorted({os.path.basename(p) for p in glob.glob(f"{ROOT}/out/*/*_x{s}/*") if os.path.isdir(p)})
print(f"{'recipe':15s} {'set':6s} {'bicubic':>8s} " + " ".join(f"{t:>14s}" for t in tags) + "   (dB over bicubic)")
for recipe in RECIPES:
    for st in os.environ.get("FOREIGN_SETS", "set5 set14").split() + ["cam"]:
        key = f"{st}/{recipe}_x{s}"
        rows = []
        for lr_path in sorted(glob.glob(f"{ROOT}/data/{key}/*.jpg")):
            name = os.path.basename(lr_path)[:-4]
            hr = load(f"{ROOT}/data/{st}/hr_x{s}/{name}.png")
            outs = [f"{ROOT}/out/{key}/{t}/{name}.png" for t in tags]
            rows.append([psnr_y(bicubic_up(load(lr_path), s), hr, s)] + [psnr_y(load(o), hr, s) if os.path.exists(o) else np.nan for o in outs])
        if not rows:
            continue
        m = np.mean(rows, axis=0)
        print(f"{recipe:15s} {st:6s} {m[0]:8.2f} " + " ".join(f"{v - m[0]:+14.2f}" for v in m[1:]), flush=True)
