import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobsRepo } from '../../../src/engine/store/jobs-repo.ts';
import { openStore } from '../../../src/engine/store/store.ts';
import { spawnTsScript, waitForExit, waitForLine } from '../../helpers/store-child.ts';
import { makeTempDir } from '../../helpers/store-temp.ts';

const helpers = path.resolve(import.meta.dirname, '..', '..', 'helpers');
const JOBS = 400;

describe('JobsRepo.claim across real processes', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('two processes claiming the same jobs at the same moment never both win one; a dead winner’s jobs can be claimed again', async () => {
    const temp = makeTempDir();
    cleanup = temp.cleanup;
    const store = openStore(temp.dir);
    const jobs = new JobsRepo(store);
    jobs.atomically(() => {
      for (let i = 0; i < JOBS; i++) jobs.create('upscale', { i });
    });
    const startFile = path.join(temp.dir, 'start');
    const releaseFile = path.join(temp.dir, 'release');

    const children = [0, 1].map(() => spawnTsScript(path.join(helpers, 'store-child-claim.ts'), [temp.dir, startFile, releaseFile]));
    try {
      // Both are loaded and polling before either may start, so their claim loops overlap.
      await Promise.all(children.map((child) => waitForLine(child, (l) => l === 'ready')));
      fs.writeFileSync(startFile, '');
      const results = await Promise.all(
        children.map(async (child) => JSON.parse(await waitForLine(child, (l) => l.startsWith('{'))) as { pid: number; won: number[] }),
      );

      const [first, second] = results;
      expect(first.pid).toBe(children[0].pid);
      expect(second.pid).toBe(children[1].pid);
      // Every job went to exactly one process, and the store agrees on who owns it.
      expect(first.won.filter((id) => second.won.includes(id))).toEqual([]);
      expect([...first.won, ...second.won].sort((a, b) => a - b)).toEqual(
        jobs
          .list()
          .map((j) => j.id)
          .sort((a, b) => a - b),
      );
      for (const { pid, won } of results) {
        for (const id of won) expect(jobs.get(id)).toMatchObject({ status: 'running', ownerPid: pid });
      }
      // While the owners live, nobody else gets their jobs.
      expect(jobs.claim(first.won[0] ?? second.won[0], ['queued']).claimed).toBe(false);
    } finally {
      fs.writeFileSync(releaseFile, '');
      await Promise.all(children.map((child) => waitForExit(child)));
    }

    // Both owners are gone now (as after a crash): their jobs are free to resume without any start-up clean-up.
    const any = jobs.list()[0];
    expect(jobs.claim(any.id, ['interrupted'])).toMatchObject({ claimed: true, job: { ownerPid: process.pid } });
    store.close();
  });
});
