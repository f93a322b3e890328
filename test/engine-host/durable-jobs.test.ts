import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobsRepo } from '../../src/engine/store/jobs-repo.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { forkSpawner } from '../../src/engine-host/engine-process.ts';
import { EngineSupervisor } from '../../src/engine-host/supervisor.ts';

let stateDir: string | undefined;
let supervisor: EngineSupervisor | undefined;
afterEach(async () => {
  await supervisor?.stop();
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
});

describe('the engine host and the durable job journal', () => {
  it('marks jobs left running by a dead engine as interrupted when it starts, and lists them', async () => {
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'srs-jobs-'));
    const store = openStore(stateDir);
    const repo = new JobsRepo(store);
    const orphan = repo.create('upscale', { inputs: ['/a.png', '/b.png'] });
    repo.addItems(orphan.id, [
      { input: '/a.png', output: '/out/a.png', status: 'done' },
      { input: '/b.png', output: '/out/b.png' },
    ]);
    repo.setStatus(orphan.id, 'running');
    // The engine that owned it is gone: a pid that cannot be alive.
    store.db.prepare('UPDATE jobs SET owner_pid = ? WHERE id = ?').run(2 ** 22 + 12345, orphan.id);
    const finished = repo.create('eval', {});
    repo.setStatus(finished.id, 'done');
    store.close();

    supervisor = new EngineSupervisor({ spawn: forkSpawner({ stateDir }) });
    await supervisor.start();
    const { jobs } = await supervisor.request('jobs.list', {});
    expect(jobs.map((j) => [j.id, j.kind, j.state])).toEqual([
      [String(finished.id), 'evaluation', 'done'],
      [String(orphan.id), 'upscale', 'interrupted'],
    ]);
    expect(jobs[1]).toMatchObject({ done: 1, total: 2, title: `Upscale 2 images (#${orphan.id})` });
    const onlyInterrupted = await supervisor.request('jobs.list', { states: ['interrupted'] });
    expect(onlyInterrupted.jobs.map((j) => j.id)).toEqual([String(orphan.id)]);
  });
});
