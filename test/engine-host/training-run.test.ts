import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../src/shared/contract/index.ts';
import { type Harness, startEngine } from '../helpers/engine-host-harness.ts';
import { recordJobStates, statesOf, tinyTrainingParams, writeTrainingFolders } from '../helpers/queue-fixtures.ts';

let engine: Harness;
let folders: { train: string; val: string };
beforeAll(async () => {
  engine = await startEngine();
  folders = await writeTrainingFolders(path.join(engine.stateDir, 'images'));
});
afterAll(async () => {
  await engine.dispose();
});

describe('training runs through the forked engine host', () => {
  it('trains a tiny SRCNN as a job: live loss and validation-vs-bicubic metrics, listed runs, stored curve, promotion to a model', async () => {
    const { supervisor } = engine;
    const metrics: EventPayload<'training.metrics'>[] = [];
    supervisor.on('training.metrics', (event) => metrics.push(event));
    const states = recordJobStates(supervisor);

    const { run } = await supervisor.request('training.start', tinyTrainingParams(folders));
    expect(run).toMatchObject({ totalSteps: 30, scale: 2, datasetId: null, data: folders.train });
    await expect.poll(() => statesOf(states, run.jobId).at(-1), { timeout: 60_000 }).toBe('done');
    expect(statesOf(states, run.jobId)).toEqual(['running', 'done']);

    const mine = metrics.filter((m) => m.runId === run.id);
    const validations = mine.filter((m) => m.psnr !== null);
    // Validation points are never coalesced away: steps 10, 20 and 30, each with bicubic's score on the same images.
    expect(validations.map((m) => m.step)).toEqual([10, 20, 30]);
    for (const point of validations) {
      // Ten steps from random weights is far from bicubic; the point is that both numbers arrive, finite.
      expect(point.psnr).toBeGreaterThan(0);
      expect(point.ssim).toBeGreaterThan(0);
      expect(point.bicubicPsnr).toBeGreaterThan(20);
      expect(point.bicubicSsim).toBeGreaterThan(0.5);
    }
    const losses = mine.filter((m) => m.psnr === null);
    expect(losses.length).toBeGreaterThan(0);
    expect(losses.every((m) => m.loss > 0 && m.samplesPerSecond > 0 && m.totalSteps === 30)).toBe(true);
    // The last loss report is merged into the final validation point rather than sent twice.
    expect(mine.at(-1)).toMatchObject({ step: 30, etaSeconds: 0 });
    expect(mine.at(-1)?.loss).toBeGreaterThan(0);

    // Each validation point carries a bicubic / model / truth crop of the first validation image (32×32 here).
    expect(validations.map((m) => m.sample?.step)).toEqual([10, 20, 30]);
    const sample = validations[2].sample!;
    expect(sample.image).toBe('img_0.png');
    for (const ref of [sample.bicubic, sample.model, sample.truth]) {
      expect(await sharp(ref.path).metadata()).toMatchObject({ width: 32, height: 32, format: 'png' });
      expect(ref.path.startsWith(engine.stateDir)).toBe(true);
    }
    // Bicubic and the truth differ (the crop shows what the model must recover); only the last two steps are kept.
    const [bicubicPixels, truthPixels] = await Promise.all([sample.bicubic, sample.truth].map((r) => sharp(r.path).raw().toBuffer()));
    expect(bicubicPixels.equals(truthPixels)).toBe(false);
    expect(fs.existsSync(validations[0].sample!.model.path)).toBe(false);

    const { runs } = await supervisor.request('training.runs', {});
    const listed = runs.find((r) => r.id === run.id);
    expect(listed).toMatchObject({ state: 'done', step: 30, totalSteps: 30, sample: { step: 30 } });
    expect(listed?.bestPsnr).toBeCloseTo(Math.max(...validations.map((m) => m.psnr ?? 0)), 6);

    // The stored curve: a loss point per step (a short run logs every step), validation points with the baseline.
    const { points } = await supervisor.request('training.metrics', { runId: run.id });
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(points.filter((p) => p.psnr !== null).map((p) => [p.step, p.bicubicPsnr])).toEqual(
      validations.map((m) => [m.step, m.bicubicPsnr]),
    );
    const since = await supervisor.request('training.metrics', { runId: run.id, sinceStep: 25, maxPoints: 3 });
    expect(since.points.every((p) => p.step > 25)).toBe(true);
    expect(since.points.length).toBeLessThanOrEqual(3);
    expect(since.points.at(-1)?.step).toBe(30);

    // The run's model lives in its run folder until promoted; then it is a user model like any import.
    const before = await supervisor.request('models.list', {});
    expect(before.models.some((m) => m.path === listed?.modelPath)).toBe(false);
    const promoted = await supervisor.request('training.promote', { runId: run.id, id: 'my-tiny-srcnn', name: 'My tiny SRCNN' });
    expect(promoted.modelId).toBe('my-tiny-srcnn');
    const after = await supervisor.request('models.list', {});
    const model = after.models.find((m) => m.meta.id === 'my-tiny-srcnn');
    expect(model).toMatchObject({ origin: 'user', meta: { name: 'My tiny SRCNN', scale: 2 } });
    expect(fs.existsSync(promoted.path)).toBe(true);
    await expect(supervisor.request('training.promote', { runId: run.id, id: 'my-tiny-srcnn' })).rejects.toMatchObject({
      code: 'BAD_ARGUMENT',
    });
  });

  it('pauses a run with a checkpoint, resumes it from there to the end', async () => {
    const { supervisor } = engine;
    const metrics: EventPayload<'training.metrics'>[] = [];
    supervisor.on('training.metrics', (event) => metrics.push(event));
    const states = recordJobStates(supervisor);

    // Long enough that it cannot finish before the pause arrives: at a millisecond or two a step on a quiet
    // machine, 150 steps could end between the first (coalesced) metrics event and the pause request.
    const total = 2000;
    const { run } = await supervisor.request(
      'training.start',
      tinyTrainingParams(folders, { steps: total, validateEvery: 1000, checkpointEvery: 50 }),
    );
    await expect.poll(() => metrics.some((m) => m.runId === run.id && m.step >= 5), { timeout: 60_000 }).toBe(true);
    const paused = await supervisor.request('training.pause', { runId: run.id });
    expect(paused.run.state).toBe('paused');
    expect(paused.run.step).toBeGreaterThan(0);
    expect(paused.run.step).toBeLessThan(total);
    expect(statesOf(states, run.jobId).at(-1)).toBe('paused');
    const jobs = await supervisor.request('jobs.list', {});
    expect(jobs.jobs.find((j) => j.id === run.jobId)).toMatchObject({ kind: 'training', state: 'paused', total });
    // Pausing wrote a checkpoint at the step it stopped on.
    const checkpoints = fs.readdirSync(path.join(engine.stateDir, 'checkpoints', `run-${run.id}`));
    expect(checkpoints).toContain(`step-${String(paused.run.step).padStart(8, '0')}.ckpt`);
    await expect(supervisor.request('training.pause', { runId: run.id })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });

    const pausedAt = paused.run.step;
    const countBefore = metrics.filter((m) => m.runId === run.id).length;
    await supervisor.request('training.resume', { runId: run.id });
    await expect.poll(() => statesOf(states, run.jobId).at(-1), { timeout: 60_000 }).toBe('done');
    const resumed = metrics.filter((m) => m.runId === run.id).slice(countBefore);
    // It continued after the paused step instead of starting over.
    expect(resumed[0].step).toBeGreaterThan(pausedAt);
    const { runs } = await supervisor.request('training.runs', {});
    expect(runs.find((r) => r.id === run.id)).toMatchObject({ state: 'done', step: total });
    await expect(supervisor.request('training.resume', { runId: run.id })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });

  it("trains on a data set by id, validating on the data set's own val split", async () => {
    const { supervisor } = engine;
    const metrics: EventPayload<'training.metrics'>[] = [];
    supervisor.on('training.metrics', (event) => metrics.push(event));
    const states = recordJobStates(supervisor);
    const { dataset } = await supervisor.request('datasets.create', { name: 'tiny', paths: [folders.train] });
    await supervisor.request('datasets.split', { id: dataset.id, fractions: { train: 0.5, val: 0.5 } });

    const params = { ...tinyTrainingParams(folders, { steps: 10, validateEvery: 5 }), data: undefined, validation: undefined };
    const { run } = await supervisor.request('training.start', { ...params, datasetId: dataset.id });
    expect(run).toMatchObject({ datasetId: dataset.id, data: `dataset:${dataset.id}` });
    await expect.poll(() => statesOf(states, run.jobId).at(-1), { timeout: 60_000 }).toBe('done');
    expect(metrics.filter((m) => m.runId === run.id && m.psnr !== null).map((m) => m.step)).toEqual([5, 10]);
  });

  it('refuses bad settings before queueing anything, naming the problem', async () => {
    const { supervisor } = engine;
    await expect(
      supervisor.request('training.start', tinyTrainingParams(folders, { data: path.join(engine.stateDir, 'nope') })),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(supervisor.request('training.start', tinyTrainingParams(folders, { architecture: 'srcnn-banana' }))).rejects.toMatchObject(
      { code: 'BAD_ARGUMENT', message: expect.stringContaining('srcnn-banana') },
    );
    await expect(supervisor.request('training.start', { ...tinyTrainingParams(folders), datasetId: '3' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(supervisor.request('training.metrics', { runId: '999' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
