import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobsRepo } from '../../../src/engine/store/jobs-repo.ts';
import { openStore } from '../../../src/engine/store/store.ts';
import { writeBatchModel, writePhotos } from '../../helpers/jobs-batch.ts';
import { listTree, makeJobsTempDir } from '../../helpers/jobs-fs.ts';
import { runInterruptedBatch } from '../../helpers/jobs-interrupted.ts';
import { spawnTsScript, waitForExit, waitForLine } from '../../helpers/store-child.ts';

const helpers = path.resolve(import.meta.dirname, '..', '..', 'helpers');
const PHOTOS = 8;

let tmp: { dir: string; cleanup(): void };
beforeEach(() => {
  tmp = makeJobsTempDir('srstudio-resume-race-');
});
afterEach(() => tmp.cleanup());
const at = (...parts: string[]) => path.join(tmp.dir, ...parts);

type Outcome = { pid: number; status?: string; ok?: number; code?: string; message?: string };

describe('two processes resuming the same interrupted batch at once', () => {
  it('exactly one runs it; the other is told which process does', async () => {
    const model = await writeBatchModel(at('model'));
    await writePhotos(at('in'), PHOTOS, { width: 120, height: 96 });
    const store = openStore(at('state'));
    const jobId = await runInterruptedBatch(store, { inputs: [at('in')], outDir: at('out'), model });

    const startFile = at('start');
    const children = [0, 1].map(() => spawnTsScript(path.join(helpers, 'jobs-child-resume.ts'), [at('state'), String(jobId), startFile]));
    await Promise.all(children.map((child) => waitForLine(child, (l) => l === 'ready', 60_000)));
    fs.writeFileSync(startFile, '');
    const codes = await Promise.all(children.map((child) => waitForExit(child, 120_000)));
    const outcomes = children.map((child) => JSON.parse(child.lines.find((l) => l.startsWith('{')) ?? '{}') as Outcome);

    const winner = outcomes.find((o) => o.status !== undefined);
    const loser = outcomes.find((o) => o.code !== undefined);
    expect(winner, JSON.stringify(outcomes)).toMatchObject({ status: 'done', ok: PHOTOS });
    expect(loser, JSON.stringify(outcomes)).toEqual({
      pid: expect.any(Number),
      code: 'BAD_ARGUMENT',
      message: `Upscale job ${jobId} is already being run by process ${winner?.pid}`,
    });
    expect(codes.sort()).toEqual([0, 2]);

    const jobs = new JobsRepo(store);
    expect(jobs.get(jobId)).toMatchObject({ status: 'done', ownerPid: null });
    expect(jobs.items(jobId).every((i) => i.status === 'done')).toBe(true);
    expect(listTree(at('out'))).toHaveLength(PHOTOS);
    store.close();
  }, 180_000);
});
