/**
 * Inference throughput (npm run bench:infer [-- --mp 12] [--rss-mp 24] [--skip-rss] [--skip-tune]).
 * Prints numbers; asserts nothing. The machine is shared and noisy: compare only numbers from one run.
 *
 * - SRCNN 9-5-5 and 9-1-5 shapes with RANDOM weights (speed does not depend on the values), same padding.
 * - A photo-like image of --mp megapixels (input size), upscaled ×2 and ×3 end to end with upscalePhoto
 *   (Y through the model, per-tile bicubic, CbCr, RGB out): seconds, output MP/s, effective GFLOP/s
 *   (useful FLOPs of the output pixels only, not the halo overlap).
 * - Raw ORT: the same session running the plan's batches (same count, same shape) on ready-made inputs, one
 *   after the other on this thread → pipeline efficiency = raw / e2e. Every batch is timed (a best-of sample
 *   would flatter raw against an e2e run that sees the machine's noise).
 * - PyTorch (Debian's /usr/bin/python3 + python3-torch), same weights, same batches → SR Studio / PyTorch.
 *   PyTorch times a sample of batches (best of 2) and extrapolates to the plan's batch count.
 * - The machine's measured peak (bench/peak.ts: ORT float32 MatMul, same threads); SR Studio's and PyTorch's
 *   effective GFLOP/s are printed as a percentage of it.
 * - --compare-in-thread: also runs each photo with ORT on the main thread (no worker), to show what the
 *   worker pipeline buys on this machine.
 * - Peak RSS of a --rss-mp (24) MP ×2 upscale in a child process (process.resourceUsage().maxRSS).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { physicalCoreCount } from '../src/engine/models/cpu-cores.ts';
import type { LoadedModel } from '../src/engine/models/loaded-model.ts';
import { openSession } from '../src/engine/models/session.ts';
import { GraphBuilder } from '../src/engine/onnx/graph-builder.ts';
import { planTiles } from '../src/engine/tiling/tile-plan.ts';
import { DEFAULT_BATCH, DEFAULT_TILE, openModelPass, passTiling } from '../src/engine/upscale/model-pass.ts';
import { upscalePhoto } from '../src/engine/upscale/upscale-photo.ts';
import { MODEL_META_KEY, type ModelMeta } from '../src/shared/model-meta.ts';
import { photoLikeImage } from '../test/helpers/models-photo.ts';
import { bestRunSeconds, describePeak, measurePeak, percentOfPeak } from './peak.ts';

type Shape = '9-5-5' | '9-1-5';
interface Layer {
  shape: [number, number, number, number];
  pad: number;
}

const LAYERS: Record<Shape, Layer[]> = {
  '9-5-5': [
    { shape: [64, 1, 9, 9], pad: 4 },
    { shape: [32, 64, 5, 5], pad: 2 },
    { shape: [1, 32, 5, 5], pad: 2 },
  ],
  '9-1-5': [
    { shape: [64, 1, 9, 9], pad: 4 },
    { shape: [32, 64, 1, 1], pad: 0 },
    { shape: [1, 32, 5, 5], pad: 2 },
  ],
};
const HALO: Record<Shape, number> = { '9-5-5': 8, '9-1-5': 6 };

/** FLOPs per output pixel: 2 per multiply-add. */
function flopsPerPixel(shape: Shape): number {
  return LAYERS[shape].reduce((sum, l) => sum + 2 * l.shape[0] * l.shape[1] * l.shape[2] * l.shape[3], 0);
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Random weights (He-like, small) and the model file, plus the raw weights for PyTorch. */
function buildModel(dir: string, shape: Shape, scale: number): { model: LoadedModel; weightsJson: string; weightsBin: string } {
  let seed = 42;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296 - 0.5;
  };
  const g = new GraphBuilder();
  let x = g.input('input', ['N', 1, 'H', 'W']);
  const raw: Float32Array[] = [];
  LAYERS[shape].forEach((layer, i) => {
    const [o, c, k] = layer.shape;
    const w = Float32Array.from({ length: o * c * k * k }, () => rand() * Math.sqrt(2 / (c * k * k)));
    const b = Float32Array.from({ length: o }, () => rand() * 0.01);
    raw.push(w, b);
    const p = layer.pad;
    x = g.op('Conv', [x, g.initializer(`w${i}`, layer.shape, w), g.initializer(`b${i}`, [o], b)], { pads: [p, p, p, p] });
    if (i < LAYERS[shape].length - 1) x = g.op('Relu', [x]);
  });
  g.op('Identity', [x], {}, 'output');
  g.output('output', ['N', 1, 'H', 'W']);
  const meta: ModelMeta = {
    id: `bench-srcnn-${shape}-x${scale}`,
    name: `SRCNN ${shape} ×${scale} (random weights)`,
    architecture: `srcnn-${shape}`,
    scale,
    colorMode: 'y',
    inputKind: 'upsampled',
    valueRange: [0, 1],
    halo: HALO[shape],
    provenance: 'bench/infer.bench.ts: random weights',
    scores: {},
  };
  const file = path.join(dir, `${meta.id}.onnx`);
  fs.writeFileSync(file, g.toModel({ [MODEL_META_KEY]: JSON.stringify(meta) }));
  const weightsJson = path.join(dir, `${shape}.json`);
  const weightsBin = path.join(dir, `${shape}.bin`);
  fs.writeFileSync(weightsJson, JSON.stringify(LAYERS[shape]));
  fs.writeFileSync(weightsBin, Buffer.concat(raw.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  return { model: { meta, path: file, source: 'file' }, weightsJson, weightsBin };
}

function photoOfMegapixels(mp: number) {
  const width = Math.round(Math.sqrt((mp * 1e6 * 4) / 3));
  const height = Math.round((width * 3) / 4);
  return { image: photoLikeImage(width, height), metadata: { format: 'png' } };
}

function rampInput(batch: number, channels: number, h: number, w: number): ort.Tensor {
  return new ort.Tensor(
    'float32',
    Float32Array.from({ length: batch * channels * h * w }, (_, i) => ((i * 2654435761) >>> 24) / 255),
    [batch, channels, h, w],
  );
}

/** Best-of-`repeats` seconds per `session.run` on a ready batch of the given shape. */
async function rawSecondsPerBatch(model: LoadedModel, batch: number, h: number, w: number, runs: number): Promise<number> {
  return bestRunSeconds(await openSession(model.path, { device: 'cpu' }), rampInput(batch, 1, h, w), runs);
}

/**
 * The plan the upscaler uses for this model and photo (model-pass.ts: the photo graph for these SRCNNs, or the
 * model alone with --no-photo-graph), and the seconds for its batches run back to back on ready-made inputs.
 */
async function rawSecondsForPlan(model: LoadedModel, image: { width: number; height: number }, photoGraph: boolean) {
  const pass = await openModelPass(model, { device: 'cpu', photoGraph });
  const { tile, halo } = passTiling(pass);
  const { ratio, crop, channels } = pass.geometry;
  // The source's size in the pass' input pixels: LR for the photo graph, the bicubic-upsampled size otherwise.
  const width = ratio === 1 ? image.width * model.meta.scale : image.width;
  const height = ratio === 1 ? image.height * model.meta.scale : image.height;
  const plan = planTiles({ width, height, tile, halo: Math.max(0, halo - crop), crop });
  const batches = Math.ceil(plan.tiles.length / DEFAULT_BATCH);
  const last = plan.tiles.length - (batches - 1) * DEFAULT_BATCH;
  const full = rampInput(DEFAULT_BATCH, channels, plan.windowHeight, plan.windowWidth);
  const tail = last === DEFAULT_BATCH ? full : rampInput(last, channels, plan.windowHeight, plan.windowWidth);
  const s = pass.session;
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) await s.session.run({ [s.inputName]: b === batches - 1 ? tail : full });
  const seconds = (performance.now() - t0) / 1000;
  // The model's own window in output pixels, which PyTorch runs: for the photo graph, its output window.
  const outWindow = { h: ratio * (plan.windowHeight - 2 * crop), w: ratio * (plan.windowWidth - 2 * crop) };
  return { seconds, batches, outWindow };
}

function pytorchSecondsPerBatch(weightsJson: string, weightsBin: string, batch: number, h: number, w: number): number | string {
  const python = '/usr/bin/python3';
  if (!fs.existsSync(python)) return 'skipped: /usr/bin/python3 not found';
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'skipped: python3-torch is not installed (apt-get install -y python3-torch)';
  const script = fileURLToPath(new URL('./reference/pytorch_infer.py', import.meta.url));
  const out = execFileSync(
    python,
    [script, weightsJson, weightsBin, String(batch), String(h), String(w), '2', String(physicalCoreCount())],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { seconds_per_batch: number }).seconds_per_batch;
}

async function childRss(): Promise<void> {
  const mp = arg('child-rss', 24);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-bench-rss-'));
  try {
    const { model } = buildModel(dir, '9-1-5', 2);
    const photo = photoOfMegapixels(mp);
    const t0 = performance.now();
    const out = await upscalePhoto(photo, { model, device: 'cpu' });
    const seconds = (performance.now() - t0) / 1000;
    // Linux keeps ru_maxrss across fork+exec, so resourceUsage() can report the parent's size; VmHWM is this
    // process' own high-water mark. The bench starts this child first, while the parent is still small.
    const maxRssMB = process.resourceUsage().maxRSS / 1024;
    const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.existsSync('/proc/self/status') ? fs.readFileSync('/proc/self/status', 'utf8') : '');
    const vmHwmMB = hwm ? Number(hwm[1]) / 1024 : undefined;
    process.stdout.write(
      `${JSON.stringify({ inputMP: (photo.image.width * photo.image.height) / 1e6, outputMP: (out.width * out.height) / 1e6, seconds, maxRssMB, vmHwmMB })}\n`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function tune(dir: string): Promise<void> {
  const { model } = buildModel(dir, '9-5-5', 2);
  console.log('\nTile/batch tuning, SRCNN 9-5-5 raw ORT (ms per output MP of window pixels, best of 3):');
  for (const [window, batch] of [
    [128, 16],
    [256, 1],
    [256, 2],
    [256, 4],
    [256, 8],
    [512, 1],
  ]) {
    const s = await rawSecondsPerBatch(model, batch, window, window, 3);
    const mp = (batch * window * window) / 1e6;
    console.log(`  ${window}²×${batch}: ${((s / mp) * 1000).toFixed(0)} ms/MP`);
  }
}

async function main(): Promise<void> {
  if (process.argv.includes('--child-rss')) return childRss();
  const mp = arg('mp', 12);
  const rssMp = arg('rss-mp', 24);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-bench-infer-'));
  console.log(`SR Studio inference bench: ORT ${ort.env.versions.common}, ${physicalCoreCount()} physical cores, ${os.cpus()[0]?.model}`);
  console.log('Weights are random (speed only). Raw ORT times every batch of the plan; PyTorch times a sample and extrapolates.');
  try {
    if (!process.argv.includes('--skip-rss')) {
      const script = fileURLToPath(import.meta.url);
      const child = spawnSync(process.execPath, ['--import', 'tsx', script, '--child-rss', String(rssMp)], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      if (child.status !== 0 || !line.startsWith('{')) console.log(`\nPeak RSS run failed: ${child.stderr.slice(-2000)}`);
      else {
        const r = JSON.parse(line) as { inputMP: number; outputMP: number; seconds: number; maxRssMB: number; vmHwmMB?: number };
        const hwm = r.vmHwmMB === undefined ? '' : `, VmHWM ${r.vmHwmMB.toFixed(0)} MB`;
        console.log(
          `\nPeak RSS, ${r.inputMP.toFixed(1)} MP → ${r.outputMP.toFixed(1)} MP (×2, SRCNN 9-1-5), child process: maxRSS ${r.maxRssMB.toFixed(0)} MB${hwm}, ${r.seconds.toFixed(1)} s (target < 1536 MB)`,
        );
      }
    }
    if (!process.argv.includes('--skip-tune')) await tune(dir);
    const peak = await measurePeak();
    console.log(`\n${describePeak(peak)}`);
    const compareInThread = process.argv.includes('--compare-in-thread');
    const photoGraph = !process.argv.includes('--no-photo-graph');
    const photo = photoOfMegapixels(mp);
    console.log(
      `\nPhoto ${photo.image.width}×${photo.image.height} (${((photo.image.width * photo.image.height) / 1e6).toFixed(1)} MP in), tile ${DEFAULT_TILE.upsampled} output pixels + halo, batch ${DEFAULT_BATCH}, ${photoGraph ? 'photo graph (bicubic in ORT)' : 'no photo graph (bicubic on the main thread)'}; % peak = of the measured peak`,
    );
    console.log(
      `model      scale  e2e s   out MP/s  GFLOP/s  % peak  raw ORT s  efficiency${compareInThread ? '  in-thread e2e s  eff.' : ''}  PyTorch s  % peak  SR Studio/PyTorch`,
    );
    for (const shape of ['9-5-5', '9-1-5'] as const) {
      for (const scale of [2, 3]) {
        const { model, weightsJson, weightsBin } = buildModel(dir, shape, scale);
        // Not part of the photo's time: creating the session, starting its inference worker, and the first
        // full-size batches (ORT plans memory per input shape), on both paths being compared.
        await upscalePhoto(photoOfMegapixels(0.3), { model, device: 'cpu', photoGraph });
        if (compareInThread) await upscalePhoto(photoOfMegapixels(0.3), { model, device: 'cpu', inThread: true, photoGraph });
        const t0 = performance.now();
        const out = await upscalePhoto(photo, { model, device: 'cpu', photoGraph });
        const e2e = (performance.now() - t0) / 1000;
        let inThreadSeconds: number | undefined;
        if (compareInThread) {
          const t1 = performance.now();
          await upscalePhoto(photo, { model, device: 'cpu', inThread: true, photoGraph });
          inThreadSeconds = (performance.now() - t1) / 1000;
        }
        const outMp = (out.width * out.height) / 1e6;
        const { seconds: raw, batches, outWindow } = await rawSecondsForPlan(model, photo.image, photoGraph);
        const torch = pytorchSecondsPerBatch(weightsJson, weightsBin, DEFAULT_BATCH, outWindow.h, outWindow.w);
        const torchTotal = typeof torch === 'number' ? torch * batches : undefined;
        const usefulGflop = (outMp * 1e6 * flopsPerPixel(shape)) / 1e9;
        const gflops = usefulGflop / e2e;
        const inThreadCells =
          inThreadSeconds === undefined
            ? ''
            : `  ${inThreadSeconds.toFixed(1).padStart(15)}  ${`${((100 * raw) / inThreadSeconds).toFixed(0)}%`.padStart(4)}`;
        const torchCells = torchTotal
          ? `${torchTotal.toFixed(0).padStart(9)}  ${percentOfPeak(usefulGflop / torchTotal, peak).padStart(6)}  ${(torchTotal / e2e).toFixed(1)}×`
          : String(torch);
        console.log(
          `${shape.padEnd(10)} ×${scale}     ${e2e.toFixed(1).padStart(6)}  ${(outMp / e2e).toFixed(2).padStart(8)}  ${gflops.toFixed(0).padStart(7)}  ${percentOfPeak(gflops, peak).padStart(6)}  ${raw.toFixed(1).padStart(9)}  ${((100 * raw) / e2e).toFixed(0).padStart(9)}%${inThreadCells}  ${torchCells}`,
        );
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
