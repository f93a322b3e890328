import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runUpscaleJob } from '../../src/engine/jobs/run-upscale-job.ts';
import type { ExistingPolicy } from '../../src/engine/jobs/upscale-request.ts';
import { readBatchStatus } from '../../src/engine/queue/dispatch/batch-status.ts';
import { openQueueLink } from '../../src/engine/queue/dispatch/queue-link.ts';
import { parseRedisUrl } from '../../src/engine/queue/redis-target.ts';
import { type RunningWorker, startWorker } from '../../src/engine/queue/worker/run-worker.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { writePhotos } from '../helpers/jobs-batch.ts';
import { touchFile } from '../helpers/jobs-fs.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';

/**
 * A queued batch honours its output policy up to the moment each output appears, as a local batch does: a file that
 * turns up at a planned output after planning is kept (refuse: that photo fails OUTPUT_EXISTS, tried once; skip: it
 * is skipped), and only overwrite replaces it. A real worker (in this process) on a real redis-server.
 */
const queue = useQueueFixture('output-policy');
const at = queue.at;
let worker: RunningWorker;
const log: string[] = [];

beforeAll(async () => {
  await writePhotos(at('in'), 3, { seed: 7 });
  worker = await startWorker({
    target: parseRedisUrl(queue.redis.url, '--redis'),
    stateDir: at('worker'),
    lockSeconds: 5,
    log: (l) => log.push(l),
  });
}, 60_000);
afterAll(() => worker?.stop('finish'));

/** Runs the folder as a queued batch into `out-<policy>`; once it is planned, and before any job is queued, another writer puts a file at photo01's output. */
async function queuedWithIntruder(existing: ExistingPolicy) {
  const out = at(`out-${existing}`);
  const intruder = `${out}/photo01_x2.png`;
  const store = openStore(at(`state-${existing}`));
  try {
    const summary = await runUpscaleJob({
      store,
      request: { inputs: [at('in')], outDir: out, model: queue.model, existing },
      queue: { target: parseRedisUrl(queue.redis.url, '--queue') },
      onEvent: (e) => {
        if (e.type === 'job-start') touchFile(intruder, 'another batch');
      },
    });
    return { summary, intruder, out };
  } finally {
    store.close();
  }
}

/** How many tries of photo01 the worker has started so far (over all batches of this file). */
const triesOfPhoto01 = () => log.filter((line) => line.startsWith(`upscaling ${at('in', 'photo01.png')} (batch`)).length;

describe('a queued batch never replaces a file that appeared after planning, unless it may', () => {
  it('refuse: the file is kept, that photo fails with OUTPUT_EXISTS after one try, the others are written', async () => {
    const before = triesOfPhoto01();
    const { summary, intruder } = await queuedWithIntruder('refuse');
    expect(fs.readFileSync(intruder, 'utf8')).toBe('another batch');
    expect(summary).toMatchObject({ status: 'done', ok: 2, skipped: [] });
    expect(summary.failed).toEqual([
      { input: at('in', 'photo01.png'), code: 'OUTPUT_EXISTS', error: expect.stringContaining(`${intruder} already exists`) },
    ]);
    expect(triesOfPhoto01() - before).toBe(1);
  }, 120_000);

  it('skip: the file is kept and that photo is skipped, as in a local batch and in `jobs status` from Redis', async () => {
    const { summary, intruder } = await queuedWithIntruder('skip');
    expect(fs.readFileSync(intruder, 'utf8')).toBe('another batch');
    expect(summary).toMatchObject({ status: 'done', ok: 2, failed: [] });
    const skipped = [{ input: at('in', 'photo01.png'), reason: `output already exists: ${intruder} (--skip-existing)` }];
    expect(summary.skipped).toEqual(skipped);

    const link = await openQueueLink(parseRedisUrl(queue.redis.url, '--redis'));
    try {
      expect(await readBatchStatus(link, summary.queue?.batch ?? 0)).toMatchObject({ ok: 2, failed: [], skipped });
    } finally {
      await link.close();
    }
  }, 120_000);

  it('overwrite: the file is replaced by the upscaled photo', async () => {
    const { summary, intruder } = await queuedWithIntruder('overwrite');
    expect(summary).toMatchObject({ status: 'done', ok: 3, failed: [], skipped: [] });
    expect(fs.readFileSync(intruder).subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);
});
