#!/usr/bin/env bash
# Trains, measures and ships SR Studio's bundled models with SR Studio's own trainer (ONNX Runtime): SRCNN
# (resources/models/srcnn-x{2,3,4}.onnx, the upscale defaults) and the best architecture, FSRCNN with a bicubic skip
# (resources/models/fsrcnn-x{2,3,4}.onnx). Re-runnable: each step is a subcommand, run from the repository root.
#
#   scripts/train-defaults.sh dataset             # once: the 'defaults' dataset (T91 + BSD200) and its 5 % val split
#   scripts/train-defaults.sh train N             # start the ×N SRCNN run (prints its run id when it ends or is stopped);
#                                                 # SRCNN_STEPS=K sets its length (default 20,000)
#   scripts/train-defaults.sh train-best N        # start the ×N FSRCNN run (PReLU, as in the paper)
#   scripts/train-defaults.sh train-relu N PARENT # fine-tune a trained ×N FSRCNN (PARENT: its .onnx) into the shipped
#                                                 # ReLU form, whose activations fuse into the convolutions (int8 too)
#   scripts/train-defaults.sh train-photo N       # start the ×N photo model run: fsrcnn-xN fine-tuned on the 'photo' degradations
#   scripts/train-defaults.sh resume RUN [STEPS]  # continue a run from its latest checkpoint (STEPS: a new total)
#   scripts/train-defaults.sh ship N RUN          # SRCNN run RUN's best model → resources/models/srcnn-xN.onnx, scored on Set5/Set14
#   scripts/train-defaults.sh ship-best N RUN     # FSRCNN run RUN's best model → resources/models/fsrcnn-xN.onnx, scored likewise
#   scripts/train-defaults.sh ship-photo N RUN [MODEL]  # photo run RUN's best model (or MODEL) → resources/models/photo-xN.onnx, on Set5/Set14:
#                                                 # clean, degraded by 'photo' (seed 1) and by docs/recipes/camera-check.json (seed 1)
#   scripts/train-defaults.sh ship-int8 FAMILY N  # int8 variant of FAMILY-xN (srcnn|fsrcnn|photo) → resources/models/FAMILY-xN-int8.onnx,
#                                                 # calibrated and scored on the dataset's val split, then both scored on Set5/Set14
#
# Rules: train on T91 + BSD200 only. Set5 and Set14 are never trained on and never used to pick a checkpoint: the
# best checkpoint is chosen on the held-out val split of the training data; Set5/Set14 are measured after shipping.
#
# The shipped models came from these runs (state folder: the default, ~/.local/share/sr-studio, dataset 1):
#   SRCNN ×2: run 7 of a later state folder (`SRCNN_STEPS=18000 train 2`, trained alone, 2026-12-04 19:05–20:19 UTC,
#   73 min);
#   SRCNN ×4: run 21 (the same, continued twice with `resume 21`, 2026-11-26 03:31–05:49 UTC, 108 min of training);
#   SRCNN ×3: run 6 of that state folder (`train 3` as it is now: 20,000 steps, val every 500, trained alone,
#   2026-12-04 16:31–18:13 UTC, 102 min);
#   FSRCNN ×2, ×3, ×4, stage 1 (PReLU, fsrcnn-56-32-4-res): runs 13, 15 and 14 (run 15 continued from 30,000 to 34,000
#   steps); stage 2 (ReLU, the shipped fsrcnn-56-32-4-res-relu): runs 8, 9 and 10 of the later state folder (`train-relu N`
#   from the stage-1 model, then `resume RUN 26000`; 2026-12-05, 35–38 min each).
#   Photo ×2, ×3, ×4: runs 2, 6, 12 and 16; 14 and 18; 5, 13 and 17 of the default state folder (2026-12-06/07; all
#   grown wider and deeper on the way, and last trained on docs/recipes/photo-sharpened.json); each card gives the
#   exact commands (×3's first stage: `train-photo 3` with --steps 5000, 13 min) and how each step was chosen. All three
#   ship their 0.75 blend with the clean model (`ship-photo N RUN BLEND.onnx`, the blend `--strength 0.75` writes to the
#   cache), chosen on the validation split under degradations no model trains on (docs/photo-models.md).
# Each model card gives its run's exact commands, segments and wall time. All trained with one ORT thread; the older ones
# two at a time, which halves each run's samples per second. Train one at a time: the 2-hour budget then buys 20,000
# steps of 9-5-5 instead of 12,000.
# To train one further: scripts/train-defaults.sh resume RUN LARGER_TOTAL (the cosine schedule is a function of the
# total, so a new total continues with the rates of the longer schedule), then ship again.
set -euo pipefail

cd "$(dirname "$0")/.."
SRSTUDIO=(node bin/srstudio.js)
# Training runs get one ORT thread: the defaults trained two at a time on 2 cores (docs/training.md: SRSTUDIO_THREADS). The thread
# count is the machine's, not a run setting, so a resume sets it again.
TRAIN=(env SRSTUDIO_THREADS="${SRSTUDIO_THREADS:-1}" "${SRSTUDIO[@]}" train)
STATE_ARGS=()
if [[ -n "${STATE:-}" ]]; then STATE_ARGS=(--state "$STATE"); fi
STATE_DIR="${STATE:-${SRSTUDIO_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/sr-studio}}"

# 9-5-5 at ~210 samples/s on one thread with the other core idle: 20,000 steps of 64 patches in about 102 minutes fit
# the 2-hour budget (two runs side by side get ~110 samples/s each: then 12,000 steps).
ARCH=srcnn-9-5-5-same-res
SRCNN_STEPS="${SRCNN_STEPS:-20000}"
# FSRCNN with a wider mapping than the paper's (56, 12, 4) (width paid more than depth in pilots), plus a global skip
# over the in-graph MATLAB-bicubic upsample of its LR input: it starts at bicubic quality, and working at low resolution
# it sees many more patches per second than SRCNN. Per scale: architecture, HR patch side, steps.
best_settings() {
  case "$1" in
    2) echo "fsrcnn-56-32-4-res 32 38000" ;;
    3) echo "fsrcnn-56-32-4-res 48 30000" ;;
    4) echo "fsrcnn-56-32-4-res 64 22000" ;;
    *) echo "no best-architecture settings for ×$1" >&2; exit 2 ;;
  esac
}
DATASET_NAME=defaults

dataset_id() {
  "${SRSTUDIO[@]}" datasets list --json "${STATE_ARGS[@]}" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const d=JSON.parse(s).find(x=>x.name===process.argv[1]);if(d)console.log(d.id)})' "$DATASET_NAME"
}

case "${1:-}" in
  dataset)
    if [[ -n "$(dataset_id)" ]]; then echo "dataset '$DATASET_NAME' exists: $(dataset_id)"; exit 0; fi
    "${SRSTUDIO[@]}" datasets create "$DATASET_NAME" /work/shared/datasets/t91 /work/shared/datasets/bsd200 "${STATE_ARGS[@]}"
    "${SRSTUDIO[@]}" datasets split "$(dataset_id)" --val 0.05 --seed 1 "${STATE_ARGS[@]}"
    ;;
  train)
    scale="${2:?usage: train N}"
    id="$(dataset_id)"
    [[ -n "$id" ]] || { echo "run '$0 dataset' first" >&2; exit 2; }
    # SRCNN 9-5-5 (the paper's 64/32 widths) with same padding and a global residual over the bicubic input: it starts
    # at bicubic quality. Adam 1e-3 (the last layer 1e-4, as in the paper) with cosine decay to 1e-5.
    "${TRAIN[@]}" --arch "$ARCH" --scale "$scale" --data "dataset:$id" --val "dataset:$id" \
      --steps "$SRCNN_STEPS" --batch 64 --patch 33 --lr 1e-3 --schedule cosine --seed 1 \
      --val-every 500 --checkpoint-every 500 --sampling uniform --json "${STATE_ARGS[@]}"
    ;;
  train-best)
    scale="${2:?usage: train-best N}"
    id="$(dataset_id)"
    [[ -n "$id" ]] || { echo "run '$0 dataset' first" >&2; exit 2; }
    # HR patches that are multiples of the scale, as LR models need: 16×16 LR inputs at every scale.
    read -r arch patch steps < <(best_settings "$scale")
    "${TRAIN[@]}" --arch "$arch" --scale "$scale" --data "dataset:$id" --val "dataset:$id" \
      --steps "$steps" --batch 64 --patch "$patch" --lr 1e-3 --schedule cosine --seed 1 \
      --val-every 250 --checkpoint-every 250 --json "${STATE_ARGS[@]}"
    ;;
  train-relu)
    scale="${2:?usage: train-relu N PARENT.onnx}"
    parent="${3:?usage: train-relu N PARENT.onnx}"
    id="$(dataset_id)"
    [[ -n "$id" ]] || { echo "run '$0 dataset' first" >&2; exit 2; }
    # Same network with ReLU in place of its 7 PReLUs: every weight of PARENT carries over (the slopes are dropped),
    # and a short run at a third of the learning rate wins back most of what the swap costs. Then, as the runs of the
    # shipped models were: `resume RUN 26000` (the cosine schedule stretches to the new total).
    read -r arch patch _ < <(best_settings "$scale")
    "${TRAIN[@]}" --arch "$arch-relu" --scale "$scale" --init "$parent" --data "dataset:$id" --val "dataset:$id" \
      --steps 6000 --batch 64 --patch "$patch" --lr 3e-4 --schedule cosine --seed 1 \
      --val-every 250 --checkpoint-every 250 --json "${STATE_ARGS[@]}"
    ;;
  train-photo)
    scale="${2:?usage: train-photo N}"
    id="$(dataset_id)"
    [[ -n "$id" ]] || { echo "run '$0 dataset' first" >&2; exit 2; }
    # The bundled clean FSRCNN fine-tuned on the 'photo' degradations (docs/degradation.md), so that the two share an
    # architecture and lineage: restoration strength blends their weights. 48×48 LR patches at ×2, 32×32 at ×4 (a
    # JPEG block needs context around it), batch 16, a tenth of the clean model's first learning rate... then cosine.
    # ×3 takes 48×48 too: with 32×32 its short step could not hide the degradation (photo-x3's card).
    patch=$((scale == 4 ? 128 : 48 * scale))
    "${TRAIN[@]}" --arch fsrcnn-56-32-4-res-relu --scale "$scale" --init "resources/models/fsrcnn-x$scale.onnx" \
      --data "dataset:$id" --val "dataset:$id" --degrade photo --steps 12000 --batch 16 --patch "$patch" --lr 5e-4 \
      --schedule cosine --seed 1 --val-every 500 --checkpoint-every 250 --json "${STATE_ARGS[@]}"
    ;;
  resume)
    run="${2:?usage: resume RUN [STEPS]}"
    "${TRAIN[@]}" --resume "$run" ${3:+--steps "$3"} --json "${STATE_ARGS[@]}"
    ;;
  ship | ship-best)
    scale="${2:?usage: $1 N RUN}"
    run="${3:?usage: $1 N RUN}"
    family=$([[ "$1" == ship ]] && echo srcnn || echo fsrcnn)
    model="$(ls "$STATE_DIR"/models/run-"$run"-*.onnx | head -n 1)"
    out="resources/models/$family-x$scale.onnx"
    scores="$(mktemp -d)"
    trap 'rm -rf "$scores"' EXIT
    # A snapshot: a run still training rewrites its model whenever validation improves, and the scores must belong
    # to the weights that ship.
    cp "$model" "$scores/model.onnx"
    ship=(npx tsx scripts/ship-default-model.ts --from "$scores/model.onnx" --scale "$scale" --out "$out" --id "$family-x$scale" --run "$run")
    "${ship[@]}"
    for set in set5 set14; do
      "${SRSTUDIO[@]}" eval --data "/work/shared/datasets/$set" --scale "$scale" --method "$out" --device cpu --json >"$scores/$set.json"
    done
    "${ship[@]}" --eval "$scores/set5.json" --eval "$scores/set14.json"
    ;;
  ship-photo)
    scale="${2:?usage: ship-photo N RUN [MODEL.onnx]}"
    run="${3:?usage: ship-photo N RUN [MODEL.onnx]}"
    # MODEL: another step of the run (scripts/research/checkpoint-model.ts), where the chosen step is not the run's best.
    model="${4:-$(ls "$STATE_DIR"/models/run-"$run"-*.onnx | head -n 1)}"
    out="resources/models/photo-x$scale.onnx"
    scores="$(mktemp -d)"
    trap 'rm -rf "$scores"' EXIT
    cp "$model" "$scores/model.onnx"
    ship=(npx tsx scripts/ship-default-model.ts --from "$scores/model.onnx" --scale "$scale" --out "$out" --id "photo-x$scale" --run "$run")
    "${ship[@]}"
    evals=()
    for set in set5 set14; do
      for degrade in clean photo docs/recipes/camera-check.json; do
        file="$scores/$set-$(basename "$degrade" .json).json"
        "${SRSTUDIO[@]}" eval --data "/work/shared/datasets/$set" --scale "$scale" --method "$out" --degrade "$degrade" --seed 1 --device cpu --json >"$file"
        evals+=(--eval "$file")
      done
    done
    "${ship[@]}" "${evals[@]}"
    ;;
  ship-int8)
    family="${2:?usage: ship-int8 srcnn|fsrcnn|photo N}"
    scale="${3:?usage: ship-int8 srcnn|fsrcnn|photo N}"
    id="$(dataset_id)"
    [[ -n "$id" ]] || { echo "run '$0 dataset' first" >&2; exit 2; }
    parent="resources/models/$family-x$scale.onnx"
    out="resources/models/$family-x$scale-int8.onnx"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    # Calibrated on the validation split the parent chose its checkpoint on (never Set5/Set14), and scored there
    # against the parent, by `models quantize` itself.
    "${SRSTUDIO[@]}" models quantize "$parent" --calibrate "dataset:$id" --id "$family-x$scale-int8" --out "$work/model.onnx" \
      --json "${STATE_ARGS[@]}" >"$work/quantize.json"
    # A photo model is judged where it is meant to work too: on the inputs degraded by 'photo' (seed 1).
    degrade=clean
    [[ "$family" == photo ]] && degrade=photo
    for set in set5 set14; do
      for which in parent int8; do
        model=$([[ "$which" == parent ]] && echo "$parent" || echo "$work/model.onnx")
        "${SRSTUDIO[@]}" eval --data "/work/shared/datasets/$set" --scale "$scale" --method "$model" --device cpu --json >"$work/$set-$which.json"
        "${SRSTUDIO[@]}" eval --data "/work/shared/datasets/$set" --scale "$scale" --method "$model" --degrade "$degrade" --seed 1 --device cpu --json >"$work/$set-$which-degraded.json"
      done
    done
    npx tsx scripts/ship-int8-model.ts --from "$work/model.onnx" --out "$out" --eval "$work/set5-int8.json" --eval "$work/set14-int8.json" \
      --eval "$work/set5-int8-degraded.json" --eval "$work/set14-int8-degraded.json"
    # The card's numbers: the validation scores, and Set5/Set14 of both models measured just now.
    node -e '
      const fs = require("fs"); const [dir] = process.argv.slice(1);
      const q = JSON.parse(fs.readFileSync(`${dir}/quantize.json`, "utf8"));
      const f = (x) => x.toFixed(4);
      console.log(`${q.id}: validation (${q.quantizedFrom.calibration}, ${q.quantizedFrom.photos} photos) int8 ${f(q.quantizedFrom.psnr)} / ${f(q.quantizedFrom.ssim)}, parent ${f(q.quantizedFrom.parentPsnr)} / ${f(q.quantizedFrom.parentSsim)}`);
      for (const set of ["set5", "set14", "set5-degraded", "set14-degraded"]) {
        const file = (w) => `${dir}/${set.replace("-degraded", "")}-${w}${set.endsWith("-degraded") ? "-degraded" : ""}.json`;
        const [p, i] = ["parent", "int8"].map((w) => JSON.parse(fs.readFileSync(file(w), "utf8")).mean);
        console.log(`${set}: int8 ${f(i.psnr)} / ${f(i.ssim)}, parent ${f(p.psnr)} / ${f(p.ssim)}, loss ${f(p.psnr - i.psnr)} dB`);
      }
      for (const l of q.layers) console.log(`  ${l.name} ${l.shape}: ${l.precision}${l.phaseBlock ? ` (phase form, stride ${l.phaseBlock})` : ""}`);
    ' "$work"
    ;;
  *)
    sed -n '2,16p' "$0" >&2
    exit 2
    ;;
esac
