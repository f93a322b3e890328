import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobsRepo } from '../../src/engine/store/jobs-repo.ts';
import { RunsRepo } from '../../src/engine/store/runs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';
import type { EventPayload } from '../../src/shared/contract/index.ts';
import { type Harness, startEngine, waitForState } from '../helpers/engine-host-harness.ts';
import { recordJobStates, statesOf, tinyTrainingParams, writeTrainingFolders, writeUpscaleBatch } from '../helpers/queue-fixtures.ts';

let engine: Harness;
let folders: { train: string; val: string };
beforeAll(async () => {
  // A slow restart leaves time to look at the store while no engine runs.
  engine = await startEngine({ initialBackoffMs: 1500 });
  folders = await writeTrainingFolders(path.join(engine.stateDir, 'images'));
});
afterAll(async () => {
  await engine.dispose();
});

describe('the durable job queue of the forked engine host', () => {
  it('runs jobs one at a time in order: batches queued behind a training run wait, then run; a queued one can be cancelled and re-queued', async () => {
    const { supervisor } = engine;
    const states = recordJobStates(supervisor);
    const { run } = await supervisor.request('training.start', tinyTrainingParams(folders, { steps: 60, validateEvery: 30 }));
    const first = await writeUpscaleBatch(path.join(engine.stateDir, 'batch-1'));
    const second = await writeUpscaleBatch(path.join(engine.stateDir, 'batch-1b'));
    const { job } = await supervisor.request('jobs.start', first);
    const { job: later } = await supervisor.request('jobs.start', second);
    expect(job).toMatchObject({ kind: 'upscale', state: 'queued', total: 2, done: 0 });
    const queued = await supervisor.request('jobs.list', { states: ['queued'] });
    expect(queued.jobs.map((j) => j.id)).toEqual([later.id, job.id]);
    // Taken out of the line while it waits, then put back: it keeps its place after the first batch.
    expect((await supervisor.request('jobs.cancel', { jobId: later.id })).job.state).toBe('cancelled');
    expect((await supervisor.request('jobs.resume', { jobId: later.id })).job.state).toBe('queued');

    await expect.poll(() => statesOf(states, later.id).at(-1), { timeout: 60_000 }).toBe('done');
    const order = states
      .filter((e) => [run.jobId, job.id, later.id].includes(e.jobId))
      .filter((e) => e.state !== 'queued' && e.state !== 'cancelled')
      .map((e) => `${e.jobId === later.id ? 'later' : e.kind}:${e.state}`);
    expect(order).toEqual(['training:running', 'training:done', 'upscale:running', 'upscale:done', 'later:running', 'later:done']);
    expect(statesOf(states, job.id)[0]).toBe('queued');
    expect(fs.readdirSync(first.outputFolder)).toHaveLength(2);
    expect(fs.readdirSync(second.outputFolder)).toHaveLength(2);
  });

  it('keeps a queued job across kill -9 of the engine, runs it after the restart, and leaves the running run interrupted and resumable', async () => {
    const { supervisor } = engine;
    const states = recordJobStates(supervisor);
    const metrics: EventPayload<'training.metrics'>[] = [];
    supervisor.on('training.metrics', (event) => metrics.push(event));
    const { run } = await supervisor.request(
      'training.start',
      tinyTrainingParams(folders, { steps: 100_000, validateEvery: 100_000, checkpointEvery: 10 }),
    );
    const batch = await writeUpscaleBatch(path.join(engine.stateDir, 'batch-2'));
    const { job } = await supervisor.request('jobs.start', batch);
    expect(job.state).toBe('queued');
    await expect.poll(() => metrics.some((m) => m.runId === run.id && m.step >= 15), { timeout: 60_000 }).toBe(true);

    const crashed = waitForState(supervisor, 'crashed');
    process.kill(supervisor.pid!, 'SIGKILL');
    await crashed;
    // No engine runs now: the store still holds the batch as queued (and the dead engine's run as running).
    const store = openStore(engine.stateDir);
    try {
      expect(new JobsRepo(store).get(Number(job.id))?.status).toBe('queued');
      expect(new RunsRepo(store).get(Number(run.id))?.status).toBe('running');
    } finally {
      store.close();
    }

    await waitForState(supervisor, 'ready', 30_000);
    await expect.poll(() => statesOf(states, job.id).at(-1), { timeout: 60_000 }).toBe('done');
    expect(fs.readdirSync(batch.outputFolder)).toHaveLength(2);
    const { runs } = await supervisor.request('training.runs', {});
    const interrupted = runs.find((r) => r.id === run.id);
    expect(interrupted).toMatchObject({ state: 'interrupted', jobId: run.jobId });
    const jobs = await supervisor.request('jobs.list', { states: ['interrupted'] });
    expect(jobs.jobs.map((j) => j.id)).toContain(run.jobId);

    // Resumable: it continues from its latest checkpoint (step 10 or later), then a cancel stops it for good.
    const checkpointStep = interrupted?.step ?? 0;
    expect(checkpointStep).toBeGreaterThanOrEqual(10);
    const before = metrics.length;
    await supervisor.request('training.resume', { runId: run.id });
    await expect.poll(() => metrics.slice(before).some((m) => m.runId === run.id), { timeout: 60_000 }).toBe(true);
    // Checkpoints fall every 10 steps. The first point after the resume may repeat the checkpoint's own step (its
    // validation is re-sent); it is never below it, which would mean training restarted from scratch.
    expect(metrics.slice(before).find((m) => m.runId === run.id)?.step).toBeGreaterThanOrEqual(Math.floor(checkpointStep / 10) * 10);
    const cancelled = await supervisor.request('training.cancel', { runId: run.id });
    expect(cancelled.run.state).toBe('cancelled');
  });
});
