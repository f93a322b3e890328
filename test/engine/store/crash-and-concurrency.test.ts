import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobsRepo } from '../../../src/engine/store/jobs-repo.ts';
import { userVersion } from '../../../src/engine/store/migrate.ts';
import { LATEST_SCHEMA_VERSION } from '../../../src/engine/store/migrations/index.ts';
import { RunsRepo } from '../../../src/engine/store/runs-repo.ts';
import { openStore } from '../../../src/engine/store/store.ts';
import { killHard, spawnTsScript, waitForExit, waitForLine } from '../../helpers/store-child.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

const helpers = path.resolve(import.meta.dirname, '..', '..', 'helpers');

describe('store with real processes', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('survives kill -9 during a loop of training metric writes', async () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    const child = spawnTsScript(path.join(helpers, 'store-child-metrics.ts'), [temp.dir]);
    const runLine = await waitForLine(child, (l) => l.startsWith('run '));
    await waitForLine(child, (l) => l === 'steady');
    await killHard(child);
    expect(child.signalCode).toBe('SIGKILL');

    const store = openStore(temp.dir);
    try {
      expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
      const runs = new RunsRepo(store);
      const runId = Number(runLine.split(' ')[1]);
      expect(runs.get(runId)?.status).toBe('running');
      expect(runs.markRunningAsInterrupted()).toBe(1);
      expect(runs.get(runId)?.status).toBe('interrupted');
      // Every committed step is whole: both metrics of each step, steps 1..N without holes.
      const points = runs.metrics(runId);
      const steps = [...new Set(points.map((p) => p.step))];
      expect(steps.length).toBeGreaterThanOrEqual(200);
      expect(points.length).toBe(steps.length * 2);
      expect(steps[steps.length - 1]).toBe(steps.length);
      // The run can resume from its latest checkpoint.
      const latest = runs.latestCheckpoint(runId);
      expect(latest?.step).toBeGreaterThanOrEqual(200);
      expect(latest?.step).toBeLessThanOrEqual(steps.length);
    } finally {
      store.close();
    }
  });

  it('three processes opening a brand-new store at once migrate it exactly once', async () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    const children = [0, 1, 2].map(() => spawnTsScript(path.join(helpers, 'store-child-open.ts'), [temp.dir]));
    const codes = await Promise.all(children.map((child) => waitForExit(child)));
    expect(codes).toEqual([0, 0, 0]);
    const ids = children.map((child) => Number(child.lines.find((l) => l.startsWith('job '))?.split(' ')[1])).sort();
    expect(ids).toEqual([1, 2, 3]);
    const store = openStore(temp.dir);
    expect(userVersion(store.db)).toBe(LATEST_SCHEMA_VERSION);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });

  it('lets one process read while another writes, and two processes write at once (WAL + busy_timeout)', async () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    const store = openStore(temp.dir);
    const jobs = new JobsRepo(store);
    const job = jobs.create('upscale', {});
    const total = 400;
    jobs.addItems(
      job.id,
      Array.from({ length: total }, (_, i) => ({ input: `/in/${i}.png`, output: `/out/${i}.png` })),
    );
    jobs.setStatus(job.id, 'running');

    const reader = spawnTsScript(path.join(helpers, 'store-child-reader.ts'), [temp.dir, String(job.id), String(total)]);
    const writer = spawnTsScript(path.join(helpers, 'store-child-metrics.ts'), [temp.dir]);
    await waitForLine(reader, (l) => l === 'ready');
    await waitForLine(writer, (l) => l.startsWith('run '));

    // The parent is the engine writing the batch journal, one commit per file, while the other two run.
    for (const item of jobs.items(job.id)) {
      jobs.markItem(item.id, 'done', { width: 10, height: 10, seconds: 0.001 });
      if (item.seq % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    jobs.setStatus(job.id, 'done');

    await waitForExit(reader);
    const summary = JSON.parse(reader.lines.find((l) => l.startsWith('{')) ?? '{}') as {
      reads: number;
      maxDone: number;
      nonMonotonic: number;
    };
    await killHard(writer);

    expect(summary.maxDone).toBe(total);
    expect(summary.reads).toBeGreaterThan(1);
    expect(summary.nonMonotonic).toBe(0);
    expect(jobs.items(job.id, 'done')).toHaveLength(total);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    const runs = new RunsRepo(store);
    expect(runs.metrics(runs.list()[0].id).length).toBeGreaterThan(0);
    store.close();
  });
});
