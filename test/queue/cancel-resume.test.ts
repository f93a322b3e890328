import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UpscaleJobEvent } from '../../src/engine/jobs/job-events.ts';
import { runUpscaleJob } from '../../src/engine/jobs/run-upscale-job.ts';
import { readOutcomes } from '../../src/engine/queue/batch-outcomes.ts';
import { openQueueLink } from '../../src/engine/queue/dispatch/queue-link.ts';
import { parseRedisUrl } from '../../src/engine/queue/redis-target.ts';
import { startWorker } from '../../src/engine/queue/worker/run-worker.ts';
import { openStore } from '../../src/engine/store/store.ts';
import { readTree, writePhotos } from '../helpers/jobs-batch.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';

/**
 * A queued batch cancelled (the desktop app's Cancel): its unstarted files leave the queue, the journal keeps them to
 * do, and a resume puts them back and follows the workers to the end, with the same events a local batch gives.
 */
const queue = useQueueFixture('cancel-resume');
const at = queue.at;

describe('cancel and resume of a queued batch (in process: the engine host runs it this way)', () => {
  it('takes the unstarted files out of the queue on cancel, and a resume adds them again and completes', async () => {
    await writePhotos(at('in'), 3, { seed: 5 });
    const target = parseRedisUrl(queue.redis.url, '--queue');
    const store = openStore(at('state'));
    try {
      // No worker yet: cancel as soon as the batch is published and waiting.
      const controller = new AbortController();
      const cancelled = await runUpscaleJob({
        store,
        request: { inputs: [at('in')], outDir: at('out'), model: queue.model },
        queue: { target },
        signal: controller.signal,
        abortStatus: 'cancelled',
        onEvent: (event) => {
          if (event.type === 'progress' && event.done === 0) controller.abort();
        },
      });
      expect(cancelled).toMatchObject({ status: 'cancelled', ok: 0, remaining: 3 });
      const batch = cancelled.queue?.batch as number;
      const link = await openQueueLink(target);
      try {
        const states = [...(await readOutcomes(link.queue, batch, [0, 1, 2])).values()].map((o) => o.state);
        expect(states).toEqual(['missing', 'missing', 'missing']);
      } finally {
        await link.close();
      }

      const worker = await startWorker({ target, stateDir: at('worker'), lockSeconds: 5, log: () => {} });
      try {
        const events: UpscaleJobEvent[] = [];
        const resumed = await runUpscaleJob({ store, resume: cancelled.job, onEvent: (e) => events.push(e) });
        expect(resumed).toMatchObject({ job: cancelled.job, status: 'done', ok: 3, remaining: 0 });
        expect(resumed.queue?.workers.map((w) => [w.name, w.files])).toEqual([[worker.name, 3]]);
        expect(events.filter((e) => e.type === 'item-done').map((e) => e.type === 'item-done' && e.worker)).toEqual([
          worker.name,
          worker.name,
          worker.name,
        ]);
        expect(events.at(-1)).toMatchObject({ type: 'job-end', status: 'done' });
        expect([...readTree(at('out')).keys()].map((f) => path.basename(f))).toEqual([
          'photo00_x2.png',
          'photo01_x2.png',
          'photo02_x2.png',
        ]);
      } finally {
        await worker.stop('finish');
      }
    } finally {
      store.close();
    }
  }, 120_000);
});
