/**
 * Profiles one train step (forward + backward + Adam in one ORT run) for SRCNN 9-1-5, 9-5-5 (batch 64, 33×33),
 * FSRCNN ×3 and ESPCN ×3 (11×11 LR patches), prints samples/s and the ops that take the time.
 *
 *   npx tsx bench/profile-train-step.ts [--steps 5] [--rounds 4] [--only srcnn-9-1-5] [--top 8] [--session '{…}'] [--tuning '{"inputGrad":"convTranspose"}' ...]
 *
 * The machine is noisy: compare variants within one run (several --tuning values run interleaved, best round kept).
 *
 * Measured 2026-11-25 on the shared 2-core box under load average ~18 (other work on the same cores, so absolute
 * numbers are several times below an idle machine; only same-run ratios mean anything), batch 64, best of 3×3 steps:
 *
 *   case                tuned defaults   doc-prototype spellings*   ratio
 *   srcnn-9-1-5 33²      134 samples/s    94                         1.43×
 *   srcnn-9-5-5 33²       36              30                         1.20×
 *   fsrcnn-56-12-4 ×3    172             132                         1.30×
 *
 *   * --tuning '{"oneByOneWeightGrad":"gemm","reluMask":"where","weightGrad":"gradKernel","shiftedMatMulMaxOut":0}'
 *
 * What the profiles showed (per-op times, same runs): a Conv with ONE output channel (SRCNN's last layer) is
 * 3-5× slower than MatMul + shifted sum; Greater+Where masks cost 2-4× Sign+Mul; weight gradients as one Conv
 * with a 21×21 or 25×25 kernel run far below GEMM speed (T(x)-as-kernel or per-offset Gemms instead); the
 * one-hot im2col Conv beat 81 Slices; ConvTranspose for stride-1 input gradients is several times slower than
 * the flipped-kernel Conv.
 *
 * 2026-11-25, load average 8-11, srcnn-9-5-5 only, best of 4×3 steps, interleaved (tuning.ts `weightGrad`):
 *
 *   weight gradient of conv2 (64→32, 5×5)         conv2 wgrad ops          step
 *   'shiftedMatMul' (25 Slices + 25 Gemms)         Gemm 155 + Slice 135 ms  133 samples/s
 *   'rowShift' (row-shift.ts, now 'auto')          MatMul 69 + Gather 19    200 samples/s
 *                                                  + Pad/Concat 32 ms
 *
 * What is left: conv2's forward (FusedConv ≈ 94 ms) and input gradient (Conv ≈ 94 ms) are ~45% of the step;
 * their row-shift spellings (`forward`/`inputGrad`: 'rowShift') tied or lost here. `--session` showed no gain
 * from graphOptimizationLevel 'extended' (NCHWc off: slower Convs) and no clear one from allow_spinning 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { type ArchSpec, initParams, outputSizeFor, paramSpecs, parseArch } from '../src/engine/training/architectures.ts';
import { buildTrainStep, type Tuning } from '../src/engine/training/graph/index.ts';

interface Case {
  label: string;
  arch: ArchSpec;
  inputSize: number;
  lrMultipliers?: Record<string, number>;
}

const BATCH = 64;
const CASES: Case[] = [
  { label: 'srcnn-9-1-5', arch: parseArch('srcnn-9-1-5', 3), inputSize: 33, lrMultipliers: { 'conv3.w': 0.1, 'conv3.b': 0.1 } },
  { label: 'srcnn-9-5-5', arch: parseArch('srcnn-9-5-5', 3), inputSize: 33, lrMultipliers: { 'conv3.w': 0.1, 'conv3.b': 0.1 } },
  // FSRCNN ×3 on 11×11 LR patches (33×33 HR), as the sampler feeds it.
  { label: 'fsrcnn-56-12-4-x3', arch: parseArch('fsrcnn', 3), inputSize: 11 },
  { label: 'espcn-x3', arch: parseArch('espcn', 3), inputSize: 11 },
  // The shipped ×2 default's settings: FSRCNN (56, 32, 4) with the bicubic skip on 16×16 LR patches.
  { label: 'fsrcnn-56-32-4-res-x2', arch: parseArch('fsrcnn-56-32-4-res', 2), inputSize: 16 },
];

function argument(name: string): string[] {
  const values: string[] = [];
  process.argv.forEach((arg, i) => {
    if (arg === name && process.argv[i + 1]) values.push(process.argv[i + 1]);
  });
  return values;
}

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

interface Prepared {
  label: string;
  session: ort.InferenceSession;
  feeds: Record<string, ort.Tensor>;
  run(): Promise<void>;
  bestMs: number;
}

/** Builds the step's session and feeds; `run()` does one step and feeds the new state back, as the loop will. */
async function prepare(c: Case, tuning: Partial<Tuning>, profileDir: string, index: number): Promise<Prepared> {
  const step = buildTrainStep(c.arch, { batch: BATCH, inputSize: c.inputSize, loss: 'mse', lrMultipliers: c.lrMultipliers, tuning });
  const session = await ort.InferenceSession.create(step.bytes, {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: 2,
    interOpNumThreads: 1,
    enableProfiling: true,
    profileFilePrefix: path.join(profileDir, `v${index}-`),
    logSeverityLevel: 3,
    ...sessionOptions,
  });
  const rnd = random(1);
  const outSize = outputSizeFor(c.arch, c.inputSize);
  const feeds: Record<string, ort.Tensor> = {
    x: new ort.Tensor('float32', Float32Array.from({ length: BATCH * c.inputSize ** 2 }, rnd), [BATCH, 1, c.inputSize, c.inputSize]),
    target: new ort.Tensor('float32', Float32Array.from({ length: BATCH * outSize ** 2 }, rnd), [BATCH, 1, outSize, outSize]),
    lr: new ort.Tensor('float32', Float32Array.of(1e-4), []),
    t: new ort.Tensor('float32', Float32Array.of(1), []),
  };
  const params = initParams(c.arch, rnd);
  for (const spec of paramSpecs(c.arch)) {
    feeds[spec.name] = new ort.Tensor('float32', params.get(spec.name)!, spec.shape);
    feeds[`${spec.name}.m`] = new ort.Tensor('float32', new Float32Array(params.get(spec.name)!.length), spec.shape);
    feeds[`${spec.name}.v`] = new ort.Tensor('float32', new Float32Array(params.get(spec.name)!.length), spec.shape);
  }
  let t = 1;
  const run = async () => {
    const out = await session.run(feeds);
    for (const spec of paramSpecs(c.arch)) {
      feeds[spec.name] = out[step.outputs.param(spec.name)];
      feeds[`${spec.name}.m`] = out[step.outputs.m(spec.name)];
      feeds[`${spec.name}.v`] = out[step.outputs.v(spec.name)];
    }
    t += 1;
    feeds.t = new ort.Tensor('float32', Float32Array.of(t), []);
  };
  const tuningText = Object.keys(tuning).length > 0 ? ` ${JSON.stringify(tuning)}` : '';
  return { label: `${c.label}${tuningText}`, session, feeds, run, bestMs: Number.POSITIVE_INFINITY };
}

/**
 * Runs the variants of one case interleaved, `rounds` times `steps` steps, and keeps each variant's best round:
 * on a shared 2-core machine the best round is the one least disturbed by other work.
 */
async function compare(c: Case, tunings: Partial<Tuning>[], steps: number, rounds: number, profileDir: string): Promise<void> {
  const variants: Prepared[] = [];
  for (const [i, tuning] of tunings.entries()) variants.push(await prepare(c, tuning, profileDir, i));
  for (const v of variants) for (let i = 0; i < 2; i += 1) await v.run(); // warm-up: allocations, NCHWc reorders
  for (let round = 0; round < rounds; round += 1) {
    for (const v of variants) {
      const started = performance.now();
      for (let i = 0; i < steps; i += 1) await v.run();
      v.bestMs = Math.min(v.bestMs, (performance.now() - started) / steps);
    }
  }
  for (const [i, v] of variants.entries()) {
    console.log(`\n${v.label}: ${((BATCH * 1000) / v.bestMs).toFixed(0)} samples/s (best round ${v.bestMs.toFixed(1)} ms/step)`);
    v.session.endProfiling(); // onnxruntime-node writes `<prefix><timestamp>.json` and returns nothing
    const file = fs.readdirSync(profileDir).find((f) => f.startsWith(`v${i}-`));
    if (file) printTopOps(path.join(profileDir, file), 2 + rounds * steps);
    await v.session.release();
  }
}

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}

function printTopOps(file: string, runs: number): void {
  const events = JSON.parse(fs.readFileSync(file, 'utf8')) as ProfileEvent[];
  const byNode = new Map<string, { op: string; us: number }>();
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const node = e.name.replace(/_kernel_time$/, '');
    const entry = byNode.get(node) ?? { op: e.args?.op_name ?? '?', us: 0 };
    entry.us += e.dur;
    total += e.dur;
    byNode.set(node, entry);
  }
  const byOp = new Map<string, number>();
  for (const { op, us } of byNode.values()) byOp.set(op, (byOp.get(op) ?? 0) + us);
  console.log(`  kernel time ${(total / runs / 1000).toFixed(1)} ms/step; by op type:`);
  for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 8))
    console.log(`    ${op.padEnd(22)} ${(us / runs / 1000).toFixed(2)} ms`);
  console.log('  top nodes:');
  for (const [node, { op, us }] of [...byNode].sort((a, b) => b[1].us - a[1].us).slice(0, topNodes)) {
    console.log(`    ${`${node} (${op})`.padEnd(44)} ${(us / runs / 1000).toFixed(2)} ms`);
  }
  fs.rmSync(file, { force: true });
}

const steps = Number(argument('--steps')[0] ?? 5);
const rounds = Number(argument('--rounds')[0] ?? 4);
const only = argument('--only');
const topNodes = Number(argument('--top')[0] ?? 8);
/** Extra ORT session options for every variant, e.g. --session '{"extra":{"session":{"intra_op.allow_spinning":"0"}}}'. */
const sessionOptions = JSON.parse(argument('--session')[0] ?? '{}') as ort.InferenceSession.SessionOptions;
const tunings = argument('--tuning').map((t) => JSON.parse(t) as Partial<Tuning>);
const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-profile-'));
try {
  for (const c of CASES.filter((x) => only.length === 0 || only.includes(x.label))) {
    await compare(c, tunings.length > 0 ? tunings : [{}], steps, rounds, profileDir);
  }
} finally {
  fs.rmSync(profileDir, { recursive: true, force: true });
}
