/**
 * What real-photo degradation costs a training step (issue: it must stay hidden behind the step, ≤ 10 % of it).
 *
 *   npm run bench:train -- --degrade-only [--batches 24]      (also printed at the end of a plain `npm run bench:train`)
 *
 * Per scale, with the bundled photo models' training settings (photo-x2 and photo-x3: FSRCNN 56-32-4 with ReLU on 48×48
 * LR patches, 96×96 and 144×144 HR; photo-x4: 56-32-8 on 128×128; batch 16, the `photo` recipe), on photo-like images
 * written to a temp folder:
 * - degrade: CPU time of making one batch (crop, blur, resize, noise, the batch's JPEG) on one thread, measured in
 *   this process;
 * - step: one train step (forward, backward, Adam) on ONNX Runtime with one thread, as the bundled models trained;
 * - hidden: a real run of the trainer's prefetcher (a worker thread degrading ahead) feeding steps, and the share of
 *   the loop's time spent waiting for data: what the degradation costs the run when it is not hidden. As in a real
 *   run, where the worker fills its queue while the session opens and the first validation runs, the loop starts
 *   once the queue is full: the steady state, not the first batch's latency (which alone was 11 % of an 8-step loop).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { preset } from '../src/engine/degrade/index.ts';
import { Rng, Stream } from '../src/engine/seeded-random.ts';
import { initParams, inputKindOf, outputSizeFor, paramSpecs, parseArch } from '../src/engine/training/architectures.ts';
import { DegradedSampler } from '../src/engine/training/degraded-sampler.ts';
import { buildTrainStep } from '../src/engine/training/graph/index.ts';
import { lrMultipliers } from '../src/engine/training/lr-multipliers.ts';
import { patchGeometry } from '../src/engine/training/patch-geometry.ts';
import { BatchPrefetcher, DEFAULT_PREFETCH_DEPTH } from '../src/engine/training/prefetcher.ts';
import { StepRunner } from '../src/engine/training/step-runner.ts';
import { openTrainSession } from '../src/engine/training/train-session.ts';
import { makePhoto } from '../test/helpers/imaging-photo.ts';

const SETTINGS = [
  { scale: 2, patch: 96, arch: 'fsrcnn-56-32-4-res-relu' },
  { scale: 3, patch: 144, arch: 'fsrcnn-56-32-4-res-relu' },
  { scale: 4, patch: 128, arch: 'fsrcnn-56-32-8-res-relu' },
] as const;
const BATCH = 16;

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

export async function benchDegradeCost(batches: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'srstudio-bench-degrade-'));
  try {
    const photos = Array.from({ length: 6 }, (_, i) => makePhoto({ width: 480, height: 320, seed: i + 1, noise: 2 }));
    const paths: string[] = [];
    for (const [i, p] of photos.entries()) {
      const path = join(dir, `photo_${i}.png`);
      await sharp(p.data, { raw: { width: p.width, height: p.height, channels: 3 } })
        .png()
        .toFile(path);
      paths.push(path);
    }
    const recipe = preset('photo').recipe;
    console.log(
      `\nReal-photo degradation against the train step (the photo models' settings, batch ${BATCH}, the photo recipe, ${batches} batches):`,
    );
    console.log(
      `${'scale'.padEnd(6)} ${'architecture'.padEnd(24)} ${'degrade (CPU ms)'.padStart(17)} ${'step (ms, 1 thread)'.padStart(20)} ${'degrade/step'.padStart(13)} ${'loop waits'.padStart(11)}`,
    );
    for (const setting of SETTINGS) {
      const { scale, patch } = setting;
      const arch = parseArch(setting.arch, scale);
      const geometry = patchGeometry(scale, inputKindOf(arch), patch, (n) => outputSizeFor(arch, n));
      const sampler = new DegradedSampler(photos, geometry, recipe, 1, BATCH, true);
      await sampler.batch(0);
      const since = process.cpuUsage();
      for (let b = 1; b <= batches; b++) await sampler.batch(b);
      const degradeMs = cpuMs(since) / batches;

      const previous = process.env.SRSTUDIO_THREADS;
      process.env.SRSTUDIO_THREADS = '1';
      const graph = buildTrainStep(arch, { batch: BATCH, inputSize: geometry.inputSize, loss: 'mse', lrMultipliers: lrMultipliers(arch) });
      const { session } = await openTrainSession(graph.bytes, 'cpu');
      if (previous === undefined) delete process.env.SRSTUDIO_THREADS;
      else process.env.SRSTUDIO_THREADS = previous;
      const rng = Rng.keyed(1, Stream.init);
      const params = initParams(arch, () => rng.next());
      const zeros = () => new Map([...params].map(([n, v]) => [n, new Float32Array(v.length)]));
      const runner = new StepRunner(
        session,
        graph,
        { params, adamM: zeros(), adamV: zeros() },
        paramSpecs(arch),
        BATCH,
        geometry.inputSize,
        geometry.outputSize,
      );
      const fixed = await sampler.batch(1);
      for (let t = 1; t <= 2; t++) await runner.run(fixed, 1e-4, t);
      let started = performance.now();
      for (let t = 3; t < 3 + batches; t++) await runner.run(fixed, 1e-4, t);
      const stepMs = (performance.now() - started) / batches;

      // The run as the trainer makes it: the worker degrades ahead while ORT steps.
      const prefetcher = await BatchPrefetcher.start({
        paths,
        scale,
        geometry,
        sampling: { mode: 'uniform', stride: 14, augment: true },
        seed: 1,
        batchSize: BATCH,
        degradation: recipe,
      });
      await prefetcher.take(0);
      // The queue fills (the trainer's depth of batches, each about degradeMs of the worker's time) before the loop starts.
      await new Promise((resolve) => setTimeout(resolve, DEFAULT_PREFETCH_DEPTH * degradeMs * 1.5));
      started = performance.now();
      for (let step = 1; step <= batches; step++) await runner.run(await prefetcher.take(step), 1e-4, step + 2);
      const loopMs = performance.now() - started;
      const waited = prefetcher.stats.waitMs;
      await prefetcher.close();
      await session.release();
      console.log(
        `×${String(scale).padEnd(5)} ${setting.arch.padEnd(24)} ${degradeMs.toFixed(0).padStart(17)} ${stepMs.toFixed(0).padStart(20)} ${`${((100 * degradeMs) / stepMs).toFixed(0)} %`.padStart(13)} ${`${((100 * waited) / loopMs).toFixed(0)} %`.padStart(11)}`,
      );
    }
    console.log('Target: the loop waits ≤ 10 % of its time (the worker degrades on the core the one-thread step leaves free).');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
