"""One row per (set, degradation, photo) -> $STUDY/table.csv: the profile's estimates (datasets profile --json,
perPhoto), the halo measure (halo.py), and x2 Y PSNR of bicubic and of photo-x2 at each strength.
Foreign recipes: PSNR as score.py (MATLAB bicubic, BT.601 integer Y, shave 2). Our presets: eval --json images[].
Run with /usr/bin/python3 (made by run.sh)."""
import csv, glob, json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "foreign-degradations"))
sys.path.insert(0, HERE)
from common import bicubic_up, load, psnr_y  # noqa: E402
from halo import halo  # noqa: E402

ST = os.environ.get("STUDY", "/tmp/strength-study")
STRENGTHS = os.environ.get("STRENGTHS", "0 0.33 0.67 1").split()
RECIPES = ["magick-camera", "corrnoise", "jpegonly", "light", "poisson", "oversharp", "oversharp-mild"]


def all_features():
    """(set, degradation, name) -> estimates; profiled files are links named SET__DEGRADATION__FILE (run.sh)."""
    out = {}
    for f in glob.glob(f"{ST}/profiles/chunk*.json"):
        for p in json.load(open(f))["perPhoto"]:
            st, r, b = os.path.basename(p["path"]).split("__")
            n = b.split("_x2_")[0] if "_x2_" in b else os.path.splitext(b)[0]
            j, nz, bl = p.get("jpeg") or {}, p.get("noise") or {}, p.get("blur") or {}
            out[(st, r, n)] = dict(quality=j.get("quality", ""), luma=nz.get("luma", ""), colour=nz.get("colour", ""),
                                   blur=bl.get("sigma", ""), w=p.get("width"), h=p.get("height"),
                                   path=os.path.realpath(p["path"]))
    return out


FEATS = all_features()
rows = []
for st in os.environ.get("SETS", "val set5 set14 cam").split():
    for r in RECIPES:
        for lr_path in sorted(glob.glob(f"{ST}/foreign/data/{st}/{r}_x2/*.jpg")):
            n = os.path.basename(lr_path)[:-4]
            hr = load(f"{ST}/foreign/data/{st}/hr_x2/{n}.png")
            row = dict(set=st, recipe=r, name=n, bic=psnr_y(bicubic_up(load(lr_path), 2), hr, 2))
            for s in STRENGTHS:
                row["s" + s] = psnr_y(load(f"{ST}/foreign/out/{st}/{r}_x2/s{s}/{n}.png"), hr, 2)
            row.update(FEATS[(st, r, n)])
            row["halo"] = halo(lr_path)[0]
            rows.append(row)
        print(st, r, flush=True)
    if st == "cam":
        continue
    for pre in ["photo", "camera-check"]:
        ps = {}
        for tag in ["bic"] + ["s" + s for s in STRENGTHS]:
            for im in json.load(open(f"{ST}/presets/{st}-{pre}-{tag}.json"))["images"]:
                ps.setdefault(os.path.splitext(im["name"])[0], {})[tag] = im["psnr"]
        for n, v in sorted(ps.items()):
            row = dict(set=st, recipe=pre, name=n, **v)
            row.update(FEATS[(st, pre, n)])
            row["halo"] = halo(row["path"])[0]
            rows.append(row)
        print(st, pre, flush=True)

keys = ["set", "recipe", "name", "bic"] + ["s" + s for s in STRENGTHS] + ["quality", "luma", "colour", "blur", "halo", "w", "h", "path"]
with open(f"{ST}/table.csv", "w", newline="") as f:
    wr = csv.DictWriter(f, keys)
    wr.writeheader()
    wr.writerows(rows)
print("rows", len(rows))
