#!/bin/bash
# Per-photo restoration strength for photo-x2 (x2): measure, fit a rule on the validation split only, score it.
# Usage (from the repository root): scripts/research/auto-strength/run.sh   -> $STUDY/fit.out (default /tmp/strength-study)
# Needs: imagemagick libjpeg-turbo-progs python3-pil python3-scipy python3-numpy (degrade.py). 30+ min on 2 cores
# (much of it CLI start-up: `npm run build:cli` first where the bundle is stale).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
ST="${STUDY:-/tmp/strength-study}"; export STUDY="$ST"
cli() { node "$repo/bin/srstudio.js" "$@" --state "$ST/state"; }
mkdir -p "$ST/shared/val"

# 1. The validation split of data set 1 (its 15 held-out photos), copied to $ST/shared/val. Data set 1 lives in the
#    app's own store ($SRSTUDIO_HOME or the app-data folder); everything else uses a scratch state in $ST/state.
node "$repo/bin/srstudio.js" datasets export 1 "$ST/manifest.json" >/dev/null
/usr/bin/python3 - "$ST" <<'PY'
import json, os, shutil, sys
st = sys.argv[1]
for i in json.load(open(f"{st}/manifest.json"))["images"]:
    if i["split"] == "val" and not i.get("removed"):
        shutil.copy(os.path.normpath(os.path.join(st, i["path"])), f"{st}/shared/val/")
PY

# 2. Foreign recipes (degrade.py) at x2 for val (fit) and Set5 / Set14 / cam (test).
fd="$repo/scripts/research/foreign-degradations/degrade.py"
FOREIGN_ROOT="$ST/foreign" FOREIGN_SETS=val FOREIGN_SCALES=2 SHARED_DATASETS="$ST/shared" /usr/bin/python3 "$fd" >/dev/null
FOREIGN_ROOT="$ST/foreign" FOREIGN_SETS="set5 set14" FOREIGN_SCALES=2 /usr/bin/python3 "$fd" >/dev/null

# 3. Upscale every input at strengths 0 (fsrcnn-x2), 1/3, 2/3, 1 (the shipped photo-x2).
for set in val set5 set14 cam; do for r in magick-camera corrnoise jpegonly light poisson oversharp oversharp-mild; do
  for spec in "0 fsrcnn-x2 1" "0.33 photo-x2 0.3333" "0.67 photo-x2 0.6667" "1 photo-x2 1"; do read tag model s <<<"$spec"
    out="$ST/foreign/out/$set/${r}_x2/s$tag"; rm -rf "$out"; mkdir -p "$out"
    cli upscale "$ST/foreign/data/$set/${r}_x2" --model "$model" --strength "$s" --precision fp32 --format png --overwrite \
      --name "{name}" -o "$out" >"$out.log" 2>&1 || { echo "FAILED $out"; exit 1; }
done; done; done

# 4. Our presets (photo, camera check; seed 1): per-image PSNR, and the degraded inputs (PNG) for the features.
mkdir -p "$ST/presets"
for set in val set5 set14; do d=/work/shared/datasets/$set; [ $set = val ] && d="$ST/shared/val"
  for pre in photo camera-check; do deg=photo; [ $pre = camera-check ] && deg="$repo/docs/recipes/camera-check.json"
    cli eval --data "$d" --scale 2 --method bicubic --degrade "$deg" --seed 1 --json --save-inputs "$ST/presets/inputs/$set-$pre" >"$ST/presets/$set-$pre-bic.json"
    for spec in "0 0" "0.33 0.3333" "0.67 0.6667" "1 1"; do read tag s <<<"$spec"
      cli eval --data "$d" --scale 2 --method photo-x2 --strength "$s" --degrade "$deg" --seed 1 --json >"$ST/presets/$set-$pre-s$tag.json"
done; done; done

# 5. datasets profile on every input, through links named SET__DEGRADATION__FILE, 76 to a folder (one process per
#    folder keeps the noise calibration tables between photos).
rm -rf "$ST/links" "$ST/profiles"; mkdir -p "$ST/profiles"; n=0
add() { for f in "$1"/*; do k=$((n / 76)); mkdir -p "$ST/links/chunk$k"; ln -s "$f" "$ST/links/chunk$k/$2__$(basename "$f")"; n=$((n + 1)); done; }
for set in val set5 set14 cam; do for r in magick-camera corrnoise jpegonly light poisson oversharp oversharp-mild; do
  add "$ST/foreign/data/$set/${r}_x2" "${set}__$r"; done; done
for d in "$ST"/presets/inputs/*; do b=$(basename "$d"); add "$d" "${b%%-*}__${b#*-}"; done
for c in "$ST"/links/chunk*; do
  cli datasets profile "$c" --json --sample 1000 --out "$ST/profiles/recipe-scratch.json" >"$ST/profiles/$(basename "$c").json"
done

# 6. Table, fit on val only, score on the test sets.
/usr/bin/python3 "$here/collect.py"
STRENGTHS="0 0.67 1" /usr/bin/python3 "$here/fit.py" "$ST/table.csv" | tee "$ST/fit.out"
