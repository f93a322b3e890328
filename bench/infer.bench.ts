/**
 * Inference throughput (npm run bench:infer [-- --mp 12] [--models 9-5-5,9-1-5,fsrcnn,fsrcnn-prelu|none] [--skip-int8] [--skip-bundled] [--rss-mp 24]
 * [--skip-rss] [--skip-tune]). Prints numbers; asserts nothing. The machine is shared and noisy: compare only numbers
 * from one run.
 *
 * - The networks SR Studio ships (exporter graphs, skips included) with RANDOM weights (speed does not depend on the
 *   values): SRCNN 9-5-5 (the srcnn-xN defaults), 9-1-5 (the earlier default), FSRCNN 56-32-4 with ReLU (fsrcnn-xN)
 *   and with the paper's PReLUs (fsrcnn-prelu, the earlier fsrcnn-xN), at ×2 and ×3.
 * - A photo-like image of --mp megapixels (input size), upscaled end to end with upscalePhoto (Y through the model,
 *   CbCr, RGB out): seconds, output MP/s, effective GFLOP/s (useful FLOPs of the output pixels only, not the halo).
 * - Each network also as int8 (`models quantize`'s graph: calibrated on photo-like patches), on the same photo in the
 *   same run: output MP/s, its speed-up over float32 (int8/fp32 = fp32 seconds / int8 seconds; the two photos run in
 *   turn, best of 2 each, and one full batch of each in turn, best of 7), and its effective GOP/s (the float model's
 *   useful operations per second) as a percentage of the measured int8 peak.
 * - The bundled models (resources/models: srcnn-x2/x3, fsrcnn-x2/x3 and their int8 variants), trained weights, end
 *   to end in turn: what a user's upscale runs (--skip-bundled leaves them out).
 * - Raw ORT: the same session running the plan's batches (same count, same shape) on ready-made inputs, one
 *   after the other on this thread → pipeline efficiency = raw / e2e. Every batch is timed (a best-of sample
 *   would flatter raw against an e2e run that sees the machine's noise).
 * - PyTorch (Debian's /usr/bin/python3 + python3-torch, float32), same weights, same batches → SR Studio / PyTorch.
 *   PyTorch times a sample of batches (best of 2) and extrapolates to the plan's batch count.
 * - The machine's measured peaks (bench/peak.ts: ORT float32 MatMul and ORT int8 QLinearMatMul, same threads);
 *   float rows are a percentage of the float32 peak, int8 rows of the int8 peak.
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
import { loadModel } from '../src/engine/models/registry.ts';
import { openSession } from '../src/engine/models/session.ts';
import { planTiles } from '../src/engine/tiling/tile-plan.ts';
import { DEFAULT_BATCH, DEFAULT_TILE, openModelPass, passTiling } from '../src/engine/upscale/model-pass.ts';
import { upscalePhoto } from '../src/engine/upscale/upscale-photo.ts';
import { photoLikeImage } from '../test/helpers/models-photo.ts';
import { BENCH_ARCHS, type BenchKind, type BenchModel, benchModel } from './infer-models.ts';
import { int8Variant } from './int8-variant.ts';
import { bestRunSeconds, describePeak, measureInt8Peak, measurePeak, type Peak, percentOfPeak } from './peak.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
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
async function planOf(model: LoadedModel, image: { width: number; height: number }, photoGraph: boolean) {
  const pass = await openModelPass(model, { device: 'cpu', photoGraph });
  const { tile, halo } = passTiling(pass);
  const { ratio, crop } = pass.geometry;
  // The source's size in the pass' input pixels: LR for the photo graph, the bicubic-upsampled size otherwise.
  const width = ratio === 1 ? image.width * model.meta.scale : image.width;
  const height = ratio === 1 ? image.height * model.meta.scale : image.height;
  return { pass, plan: planTiles({ width, height, tile, halo: Math.max(0, halo - crop), crop }) };
}

async function rawSecondsForPlan(model: LoadedModel, image: { width: number; height: number }, photoGraph: boolean) {
  const { pass, plan } = await planOf(model, image, photoGraph);
  const { ratio, crop, channels } = pass.geometry;
  const batches = Math.ceil(plan.tiles.length / DEFAULT_BATCH);
  const last = plan.tiles.length - (batches - 1) * DEFAULT_BATCH;
  const full = rampInput(DEFAULT_BATCH, channels, plan.windowHeight, plan.windowWidth);
  const tail = last === DEFAULT_BATCH ? full : rampInput(last, channels, plan.windowHeight, plan.windowWidth);
  const s = pass.session;
  const session = await s.onThread();
  const t0 = performance.now();
  for (let b = 0; b < batches; b++) await session.run({ [s.inputName]: b === batches - 1 ? tail : full });
  const seconds = (performance.now() - t0) / 1000;
  // The window the network itself sees, which PyTorch runs: for the photo graph its HR window (the model inside
  // works on the bicubic-upsampled tile), else the plan's own window.
  const modelWindow = pass.photoGraph
    ? { h: ratio * (plan.windowHeight - 2 * crop), w: ratio * (plan.windowWidth - 2 * crop) }
    : { h: plan.windowHeight, w: plan.windowWidth };
  return { seconds, batches, modelWindow };
}

/**
 * fp32 seconds over int8 seconds for one full batch of the plan, the two sessions run in turn (best of `rounds`
 * each): a ratio that a loaded machine disturbs far less than two end-to-end runs minutes apart.
 */
async function interleavedSpeedup(
  fp32: LoadedModel,
  int8: LoadedModel,
  image: { width: number; height: number },
  photoGraph: boolean,
  rounds = 7,
) {
  const sides = await Promise.all([fp32, int8].map((m) => planOf(m, image, photoGraph)));
  const { plan, pass } = sides[0];
  const input = rampInput(DEFAULT_BATCH, pass.geometry.channels, plan.windowHeight, plan.windowWidth);
  const best = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
  for (let round = 0; round <= rounds; round++) {
    for (const [i, side] of sides.entries()) {
      const s = side.pass.session;
      const session = await s.onThread();
      const t0 = performance.now();
      await session.run({ [s.inputName]: input });
      // Round 0 warms both up.
      if (round > 0) best[i] = Math.min(best[i], performance.now() - t0);
    }
  }
  return best[0] / best[1];
}

function pytorchSecondsPerBatch(network: string, weights: string, batch: number, h: number, w: number): number | string {
  const python = '/usr/bin/python3';
  if (!fs.existsSync(python)) return 'skipped: /usr/bin/python3 not found';
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'skipped: python3-torch is not installed (apt-get install -y python3-torch)';
  const script = fileURLToPath(new URL('./reference/pytorch_infer.py', import.meta.url));
  const out = execFileSync(python, [script, network, weights, String(batch), String(h), String(w), '2', String(physicalCoreCount())], {
    encoding: 'utf8',
  });
  return (JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { seconds_per_batch: number }).seconds_per_batch;
}

async function childRss(): Promise<void> {
  const mp = arg('child-rss', 24);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-bench-rss-'));
  try {
    const { model } = benchModel(dir, '9-1-5', 2);
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
  const { model } = benchModel(dir, '9-5-5', 2);
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

interface RowOptions {
  compareInThread: boolean;
  photoGraph: boolean;
  photo: ReturnType<typeof photoOfMegapixels>;
}

/** Seconds and output megapixels of one end-to-end upscale of the bench photo. */
interface PhotoTime {
  seconds: number;
  outMp: number;
}

/**
 * End-to-end seconds of each model on the bench photo, best of `rounds` runs taken in turn (fp32, int8, fp32, int8…),
 * so that both see the same stretch of a shared machine's load. Session creation, the worker's start and the first
 * full-size batches (ORT plans memory per input shape) are left out by a warm-up upscale of a small photo.
 */
async function e2eInTurn(models: LoadedModel[], options: RowOptions, rounds: number): Promise<PhotoTime[]> {
  const { photo, photoGraph, compareInThread } = options;
  for (const model of models) {
    await upscalePhoto(photoOfMegapixels(0.3), { model, device: 'cpu', photoGraph });
    if (compareInThread) await upscalePhoto(photoOfMegapixels(0.3), { model, device: 'cpu', inThread: true, photoGraph });
  }
  const best = models.map(() => ({ seconds: Number.POSITIVE_INFINITY, outMp: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, model] of models.entries()) {
      const t0 = performance.now();
      const out = await upscalePhoto(photo, { model, device: 'cpu', photoGraph });
      best[i] = { seconds: Math.min(best[i].seconds, (performance.now() - t0) / 1000), outMp: (out.width * out.height) / 1e6 };
    }
  }
  return best;
}

/** One table row: `model` (the bench network or its int8 twin) end to end (`e2e`), raw, in-thread and against PyTorch. */
async function printRow(
  bench: BenchModel,
  model: LoadedModel,
  precision: 'fp32' | 'int8',
  peak: Peak,
  options: RowOptions,
  e2e: PhotoTime,
  /** For an int8 row: its float32 row's model and time. */
  fp32?: { model: LoadedModel; e2e: PhotoTime },
): Promise<void> {
  const { photo, photoGraph, compareInThread } = options;
  const { seconds, outMp } = e2e;
  let inThreadSeconds: number | undefined;
  if (compareInThread) {
    const t1 = performance.now();
    await upscalePhoto(photo, { model, device: 'cpu', inThread: true, photoGraph });
    inThreadSeconds = (performance.now() - t1) / 1000;
  }
  const { seconds: raw, batches, modelWindow } = await rawSecondsForPlan(model, photo.image, photoGraph);
  const inThreadCells =
    inThreadSeconds === undefined
      ? ''
      : `  ${inThreadSeconds.toFixed(1).padStart(15)}  ${`${((100 * raw) / inThreadSeconds).toFixed(0)}%`.padStart(4)}`;
  const usefulGflop = (outMp * 1e6 * bench.flopsPerOutputPixel) / 1e9;
  const gflops = usefulGflop / seconds;
  let torchCells = '';
  if (precision === 'fp32') {
    const torch = pytorchSecondsPerBatch(bench.torchNetwork, bench.torchWeights, DEFAULT_BATCH, modelWindow.h, modelWindow.w);
    const torchTotal = typeof torch === 'number' ? torch * batches : undefined;
    torchCells = torchTotal
      ? `${torchTotal.toFixed(1).padStart(9)}  ${percentOfPeak(usefulGflop / torchTotal, peak).padStart(6)}  ${(torchTotal / seconds).toFixed(1)}×`
      : String(torch);
  }
  if (fp32)
    torchCells = `(one batch, fp32/int8 timed in turn: ${(await interleavedSpeedup(fp32.model, model, photo.image, photoGraph)).toFixed(2)}×)`;
  const ratio = fp32 === undefined ? '' : `${(fp32.e2e.seconds / seconds).toFixed(2)}×`;
  console.log(
    `${bench.kind.padEnd(12)} ${precision}  ×${model.meta.scale}     ${seconds.toFixed(2).padStart(6)}  ${(outMp / seconds).toFixed(2).padStart(8)}  ${gflops.toFixed(0).padStart(9)}  ${percentOfPeak(gflops, peak).padStart(6)}  ${ratio.padStart(9)}  ${raw.toFixed(2).padStart(9)}  ${((100 * raw) / seconds).toFixed(0).padStart(9)}%${inThreadCells}  ${torchCells}`,
  );
}

/**
 * The bundled models as users run them: each trained float32 default against its bundled int8 variant, end to end
 * on the bench photo (in turn, best of 3 each), and one batch of each in turn. The random-weight rows below measure
 * the architectures; these measure the files `srstudio upscale` picks (`--precision auto` runs the int8 ones).
 */
async function bundledRows(options: RowOptions): Promise<void> {
  const models = fileURLToPath(new URL('../resources/models/', import.meta.url));
  console.log('\nBundled models (trained weights), end to end, float32 against the bundled int8 variant (in turn, best of 3 each)');
  console.log('model        fp32 s  int8 s  fp32 MP/s  int8 MP/s  int8/fp32  one batch in turn');
  for (const id of ['srcnn-x2', 'srcnn-x3', 'fsrcnn-x2', 'fsrcnn-x3']) {
    const [fp32, int8] = await Promise.all(
      [id, `${id}-int8`].map((m) => loadModel(path.join(models, `${m}.onnx`), { stateDir: models, builtinDir: models })),
    );
    const [a, b] = await e2eInTurn([fp32, int8], options, 3);
    const batch = await interleavedSpeedup(fp32, int8, options.photo.image, options.photoGraph);
    console.log(
      `${id.padEnd(11)}  ${a.seconds.toFixed(2).padStart(6)}  ${b.seconds.toFixed(2).padStart(6)}  ${(a.outMp / a.seconds).toFixed(2).padStart(9)}  ${(b.outMp / b.seconds).toFixed(2).padStart(9)}  ${`${(a.seconds / b.seconds).toFixed(2)}×`.padStart(9)}  ${batch.toFixed(2)}×`,
    );
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
    const int8 = !process.argv.includes('--skip-int8');
    const int8Peak = int8 ? await measureInt8Peak() : undefined;
    console.log(`\n${describePeak(peak)}${int8Peak ? `\n${describePeak(int8Peak)}` : ''}`);
    const options: RowOptions = {
      compareInThread: process.argv.includes('--compare-in-thread'),
      photoGraph: !process.argv.includes('--no-photo-graph'),
      photo: photoOfMegapixels(mp),
    };
    const { image } = options.photo;
    console.log(
      `\nPhoto ${image.width}×${image.height} (${((image.width * image.height) / 1e6).toFixed(1)} MP in), tiles of ${DEFAULT_TILE.upsampled} output pixels (SRCNN) or ${DEFAULT_TILE.lr} input pixels (FSRCNN) + halo, batch ${DEFAULT_BATCH}, ${options.photoGraph ? 'photo graph (bicubic in ORT)' : 'no photo graph (bicubic on the main thread)'}`,
    );
    console.log(
      "% peak: of the measured float32 peak for fp32 rows, of the int8 peak for int8 rows; int8/fp32: the fp32 row's seconds over the int8 row's",
    );
    console.log(
      `model        prec  scale  e2e s   out MP/s  G(FL)OP/s  % peak  int8/fp32  raw ORT s  efficiency${options.compareInThread ? '  in-thread e2e s  eff.' : ''}  PyTorch s  % peak  SR Studio/PyTorch`,
    );
    // `--models none`: only the bundled models.
    const kinds = (
      process.argv.includes('--models') ? String(process.argv[process.argv.indexOf('--models') + 1]).split(',') : Object.keys(BENCH_ARCHS)
    ).filter((k): k is BenchKind => k in BENCH_ARCHS);
    if (int8Peak && !process.argv.includes('--skip-bundled')) await bundledRows(options);
    for (const kind of kinds) {
      for (const scale of [2, 3]) {
        const bench = benchModel(dir, kind, scale);
        const variant = int8Peak ? (await int8Variant(bench.model, dir)).model : undefined;
        // With an int8 twin, both run in turn, best of 2 each: their ratio then sees one stretch of the machine's load.
        const [fp32, int8] = await e2eInTurn(variant ? [bench.model, variant] : [bench.model], options, variant ? 2 : 1);
        await printRow(bench, bench.model, 'fp32', peak, options, fp32);
        if (variant && int8Peak) await printRow(bench, variant, 'int8', int8Peak, options, int8, { model: bench.model, e2e: fp32 });
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
