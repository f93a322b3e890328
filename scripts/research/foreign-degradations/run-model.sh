#!/bin/bash
# Upscales every foreign-degraded input (degrade.py) with one model, then scores all the models run so far against
# bicubic (score.py). Usage: run-model.sh TAG MODEL SCALE [UPSCALE OPTION...]   (MODEL: an id such as photo-x2, or an
# .onnx path; e.g. run-model.sh photo-s0.5 photo-x2 2 --strength 0.5)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${FOREIGN_ROOT:-/tmp/foreign}"
tag=$1 model=$2 s=$3
shift 3
for set in ${FOREIGN_SETS:-set5 set14} cam; do
  for recipe in magick-camera corrnoise jpegonly light poisson oversharp oversharp-mild; do
    out="$root/out/$set/${recipe}_x$s/$tag"
    rm -rf "$out" && mkdir -p "$out"
    node "$here/../../../bin/srstudio.js" upscale "$root/data/$set/${recipe}_x$s" --model "$model" --precision fp32 --format png \
      --overwrite --name "{name}" -o "$out" --state "$root/state" "$@" >"$out.log" 2>&1 || echo "FAILED: $out (see $out.log)"
  done
done
/usr/bin/python3 "$here/score.py" "$s"
