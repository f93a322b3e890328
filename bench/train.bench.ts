/**
 * Training throughput: SR Studio's generated train step (forward + backward + Adam in one ORT run, driven by the
 * trainer's StepRunner) against PyTorch autograd + Adam on the same architecture, batch and patch size, in the
 * same run (the machine is noisy, so only the ratio measured side by side means anything).
 *
 *   npm run bench:train [-- --steps 10] [--rounds 2] [--degrade-only] [--batches 24]
 *
 * Cases: SRCNN 9-1-5 and 9-5-5 (×3, batch 64, 33×33 upsampled patches) and FSRCNN ×3 (batch 64, 11×11 LR
 * patches = 33×33 HR). PyTorch is Debian's /usr/bin/python3 with python3-torch; without it, that column is skipped.
 * Each row also gives both sides as a percentage of the machine's measured peak (bench/peak.ts), counting a
 * train step as 3× the forward FLOPs (forward, input gradients, weight gradients; Adam is negligible).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { physicalCoreCount } from '../src/engine/models/cpu-cores.ts';
import { Rng, Stream } from '../src/engine/seeded-random.ts';
import { type ArchSpec, initParams, inputKindOf, outputSizeFor, paramSpecs, parseArch } from '../src/engine/training/architectures.ts';
import { buildTrainStep } from '../src/engine/training/graph/index.ts';
import { layersOf } from '../src/engine/training/graph/layers.ts';
import { lrMultipliers } from '../src/engine/training/lr-multipliers.ts';
import { StepRunner } from '../src/engine/training/step-runner.ts';
import { openTrainSession } from '../src/engine/training/train-session.ts';
import { benchDegradeCost } from './degrade-cost.ts';
import { describePeak, forwardFlops, measurePeak, percentOfPeak } from './peak.ts';

const BATCH = 64;
const PATCH = 33;
const SCALE = 3;
const PYTHON = '/usr/bin/python3';
const REFERENCE = fileURLToPath(new URL('./reference/pytorch_train.py', import.meta.url));

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const STEPS = flag('--steps', 10);
const ROUNDS = flag('--rounds', 2);
const THREADS = physicalCoreCount();

const CASES: { label: string; name: string; torchName: string }[] = [
  { label: 'SRCNN 9-1-5 ×3', name: 'srcnn-9-1-5', torchName: 'srcnn-9-1-5' },
  { label: 'SRCNN 9-5-5 ×3', name: 'srcnn-9-5-5', torchName: 'srcnn-9-5-5' },
  { label: 'FSRCNN ×3', name: 'fsrcnn', torchName: 'fsrcnn' },
];

async function oursSamplesPerSecond(arch: ArchSpec): Promise<number> {
  const inputSize = inputKindOf(arch) === 'lr' ? PATCH / SCALE : PATCH;
  const outputSize = outputSizeFor(arch, inputSize);
  const graph = buildTrainStep(arch, { batch: BATCH, inputSize, loss: 'mse', lrMultipliers: lrMultipliers(arch) });
  const { session } = await openTrainSession(graph.bytes, 'cpu');
  const rng = Rng.keyed(1, Stream.init);
  const params = initParams(arch, () => rng.next());
  const zeros = () => new Map([...params].map(([n, v]) => [n, new Float32Array(v.length)]));
  const runner = new StepRunner(session, graph, { params, adamM: zeros(), adamV: zeros() }, paramSpecs(arch), BATCH, inputSize, outputSize);
  const batch = {
    step: 0,
    x: Float32Array.from({ length: BATCH * inputSize * inputSize }, () => rng.next()),
    target: Float32Array.from({ length: BATCH * outputSize * outputSize }, () => rng.next()),
  };
  for (let t = 1; t <= 3; t++) await runner.run(batch, 1e-4, t); // warm-up, as for PyTorch
  const started = performance.now();
  for (let t = 4; t < 4 + STEPS; t++) await runner.run(batch, 1e-4, t);
  const seconds = (performance.now() - started) / 1000;
  await session.release();
  return (STEPS * BATCH) / seconds;
}

function torchSamplesPerSecond(torchName: string): { value: number | null; note?: string; version?: string } {
  const result = spawnSync(PYTHON, [REFERENCE, torchName, String(SCALE), String(BATCH), String(PATCH), String(STEPS), String(THREADS)], {
    encoding: 'utf8',
  });
  if (result.status !== 0) return { value: null, note: (result.stderr || result.error?.message || 'failed').trim().split('\n').pop() };
  const parsed = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { samples_per_second: number; torch: string };
  return { value: parsed.samples_per_second, version: parsed.torch };
}

function torchAvailable(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'python3-torch is not installed (apt-get install -y python3-torch)';
  return undefined;
}

if (process.argv.includes('--degrade-only')) {
  await benchDegradeCost(flag('--batches', 24));
  process.exit(0);
}

const missingTorch = torchAvailable();
console.log(
  `bench:train — batch ${BATCH}, ${PATCH}×${PATCH} HR patches, ×${SCALE}, ${STEPS} timed steps, best of ${ROUNDS} rounds, ${THREADS} threads`,
);
if (missingTorch) console.log(`PyTorch reference skipped: ${missingTorch}.`);
const peak = await measurePeak();
console.log(describePeak(peak));
/** A sample/s rate as a percentage of the measured peak: a train step ≈ 3× the forward FLOPs. */
const ofPeak = (arch: ArchSpec, samplesPerSecond: number) => {
  const inputSize = inputKindOf(arch) === 'lr' ? PATCH / SCALE : PATCH;
  return percentOfPeak((3 * forwardFlops(layersOf(arch), inputSize) * samplesPerSecond) / 1e9, peak);
};
let headerShown = false;
for (const c of CASES) {
  const arch = parseArch(c.name, SCALE);
  let ours = 0;
  let torch: number | null = null;
  let torchVersion = '';
  let note = '';
  // Interleave the two so that both see the same background load.
  for (let round = 0; round < ROUNDS; round++) {
    ours = Math.max(ours, await oursSamplesPerSecond(arch));
    if (!missingTorch) {
      const t = torchSamplesPerSecond(c.torchName);
      if (t.value !== null) torch = Math.max(torch ?? 0, t.value);
      else note = t.note ?? '';
      torchVersion = t.version ?? torchVersion;
    }
  }
  const ratio = torch ? ours / torch : null;
  if (!headerShown) {
    console.log(
      `${'case'.padEnd(16)} ${'SR Studio'.padStart(10)} ${`PyTorch ${torchVersion}`.padStart(12)} ${'ratio'.padStart(8)}   (samples/s; % of peak: SR Studio, PyTorch)`,
    );
    headerShown = true;
  }
  console.log(
    `${c.label.padEnd(16)} ${ours.toFixed(0).padStart(10)} ${(torch === null ? '—' : torch.toFixed(0)).padStart(12)} ${(ratio === null ? '—' : `${ratio.toFixed(2)}×`).padStart(8)}   ${ofPeak(arch, ours).padStart(4)} ${(torch === null ? '—' : ofPeak(arch, torch)).padStart(4)}${
      ratio !== null ? (ratio >= 3 ? '  (≥ 3× target met)' : '  (below the 3× target)') : note ? `  (${note})` : ''
    }`,
  );
}

await benchDegradeCost(flag('--batches', 24));
