import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainEvent } from '../../src/engine/training/events.ts';
import type { Emit } from '../../src/engine-host/jobs/job-queue.ts';
import { TrainingMetricsStream } from '../../src/engine-host/jobs/training-metrics-stream.ts';
import type { EventName, EventPayload } from '../../src/shared/contract/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function collector() {
  const events: { name: EventName; payload: unknown }[] = [];
  const emit: Emit = (name, payload) => events.push({ name, payload });
  const metrics = () => events.filter((e) => e.name === 'training.metrics').map((e) => e.payload as EventPayload<'training.metrics'>);
  return { emit, events, metrics };
}

function step(n: number, total = 1000): TrainEvent {
  const data = { waits: 0, waitMs: 0, batches: n, warmupMs: 0 };
  return { type: 'step', run: 1, step: n, totalSteps: total, batch: 8, loss: 1 / n, lr: 1e-3, samplesPerSecond: 800, data };
}

describe('live training metrics: coalesced loss, never-dropped validation', () => {
  it('sends a burst of 1000 loss reports as a handful of events, the last one included', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-stream-'));
    dirs.push(folder);
    const { emit, metrics, events } = collector();
    const stream = new TrainingMetricsStream(7, 3, emit, folder, 50);
    for (let n = 1; n <= 1000; n++) stream.onTrainEvent(step(n));
    // Leading edge only so far; the rest waits for the interval.
    expect(metrics().map((m) => m.step)).toEqual([1]);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(metrics().map((m) => m.step)).toEqual([1, 1000]);
    expect(metrics()[1]).toMatchObject({ runId: '7', loss: 1 / 1000, totalSteps: 1000, etaSeconds: 0, psnr: null });
    // Every step still updates the job's progress (the host's outbox coalesces those per job).
    expect(events.filter((e) => e.name === 'job.progress').at(-1)?.payload).toMatchObject({ jobId: '3', kind: 'training', done: 1000 });
    await stream.settled();
  });

  it('sends every validation point at once with the latest loss and bicubic baseline, and writes its sample crops', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-stream-'));
    dirs.push(folder);
    const { emit, metrics } = collector();
    const stream = new TrainingMetricsStream(7, 3, emit, folder, 10_000);
    const plane = (w: number, h: number, f: (x: number, y: number) => number) => ({
      width: w,
      height: h,
      data: Float32Array.from({ length: w * h }, (_, i) => f(i % w, Math.floor(i / w))),
    });
    for (const at of [100, 200, 300]) {
      stream.onTrainEvent(step(at - 1));
      stream.onTrainEvent(step(at));
      stream.onTrainEvent({
        type: 'validation',
        run: 1,
        step: at,
        psnr: 30 + at / 100,
        ssim: 0.9,
        bicubic: { psnr: 29, ssim: 0.88 },
        isBest: true,
        sample: {
          name: 'bird.png',
          inputKind: 'lr',
          input: plane(100, 80, (x) => x / 100),
          output: plane(200, 160, (x) => x / 200),
          truth: plane(200, 160, (x, y) => (x + y) % 256),
        },
      });
    }
    await stream.settled();
    const validations = metrics().filter((m) => m.psnr !== null);
    expect(validations.map((m) => [m.step, m.psnr, m.bicubicPsnr, m.loss])).toEqual([
      [100, 31, 29, 1 / 100],
      [200, 32, 29, 1 / 200],
      [300, 33, 29, 1 / 300],
    ]);
    const last = validations[2].sample!;
    expect(last).toMatchObject({ step: 300, image: 'bird.png', model: { width: 128, height: 128 } });
    expect(await sharp(last.truth.path).metadata()).toMatchObject({ width: 128, height: 128, channels: 1 });
    // Only the last two steps' PNGs stay (a page may still be loading the previous one), plus the index the run
    // summary reads: step 100's are gone.
    expect(fs.readdirSync(folder).sort()).toEqual([
      'sample.json',
      'step-00000200-bicubic.png',
      'step-00000200-model.png',
      'step-00000200-truth.png',
      'step-00000300-bicubic.png',
      'step-00000300-model.png',
      'step-00000300-truth.png',
    ]);
  });
});
