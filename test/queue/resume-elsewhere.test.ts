import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { readTree, writePhotos } from '../helpers/jobs-batch.ts';
import { type CliResult, runCli, startCli } from '../helpers/jobs-cli.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';
import { escapeRegExp, startWorkerProcess } from '../helpers/queue-workers.ts';

/**
 * `srstudio upscale --queue URL --resume BATCH` from a machine that did not queue the batch: another state folder, in
 * another process, with the model gone from the path it was queued from (it comes from Redis, as to a worker).
 */
const queue = useQueueFixture('resume-elsewhere');
const at = queue.at;

/** Queues a batch from `state` and stops following it at once (Ctrl-C), as a laptop that queued and left would. */
async function queueAndLeave(input: string, out: string, state: string): Promise<{ batch: number; left: CliResult }> {
  const enqueuer = startCli(queue.queuedUpscaleArgs(input, out, state));
  await new Promise<void>((resolve) => {
    let stderr = '';
    enqueuer.child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/Batch \d+ queued/.test(stderr)) resolve();
    });
  });
  enqueuer.child.kill('SIGINT');
  const left = await enqueuer.done;
  return { batch: Number(/Batch (\d+) queued/.exec(left.stderr)?.[1]), left };
}

function journalJobs(state: string): { id: number; status: string; params: { queue?: { batch: number; url: string } } }[] {
  const db = new Database(path.join(state, 'srstudio.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT id, status, params FROM jobs WHERE kind = 'upscale' ORDER BY id").all() as {
      id: number;
      status: string;
      params: string;
    }[];
    return rows.map((r) => ({ ...r, params: JSON.parse(r.params) }));
  } finally {
    db.close();
  }
}

describe('resuming a queued batch from another machine', () => {
  it('follows the batch to the end from a fresh state folder, with every file reported, and only once', async () => {
    await writePhotos(at('in'), 4, { seed: 31 });
    const { batch, left } = await queueAndLeave(at('in'), at('out'), at('laptop'));
    expect(left.code, left.stderr).toBe(130);
    // What the laptop tells its user: the command that works from anywhere.
    expect(left.stdout).toContain(`srstudio upscale --queue ${queue.redis.url} --resume ${batch}`);

    // A worker does part of the batch while nobody follows it.
    const worker = startWorkerProcess(queue.redis.url, { stateDir: at('worker') });
    await worker.waitFor(/wrote \S+photo00_x2\.png/);
    // The model is no longer where the laptop had it: the other machine gets it from Redis, by its hash.
    fs.renameSync(queue.model, `${queue.model}.away`);
    try {
      const elsewhere = await runCli(['upscale', '--queue', queue.redis.url, '--resume', String(batch), '--state', at('desk'), '--json']);
      expect(elsewhere.code, elsewhere.stderr).toBe(0);
      expect(elsewhere.stderr).toMatch(
        new RegExp(
          `Following batch ${batch} again on ${escapeRegExp(queue.redis.url)}: \\d file\\(s\\) for the workers \\(job 1 in this machine's journal\\)`,
        ),
      );
      const doc = JSON.parse(elsewhere.stdout);
      expect(doc).toMatchObject({ status: 'done', ok: 4, remaining: 0, batch, queue: queue.redis.url, failed: [] });
      expect(doc.outputs.map((o: { output: string }) => o.output)).toEqual([0, 1, 2, 3].map((i) => at('out', `photo0${i}_x2.png`)));
      expect([...readTree(at('out')).keys()].sort()).toEqual([0, 1, 2, 3].map((i) => `photo0${i}_x2.png`));

      // The desk's own journal now follows the batch; the laptop's still says it stopped following.
      expect(journalJobs(at('desk'))).toEqual([
        expect.objectContaining({
          id: 1,
          status: 'done',
          params: expect.objectContaining({ queue: { url: queue.redis.url, batch, attempts: 3 } }),
        }),
      ]);
      expect(journalJobs(at('laptop'))).toEqual([expect.objectContaining({ status: 'interrupted' })]);
      expect(fs.readdirSync(at('desk', 'queue-models'))).toHaveLength(1);

      // Again from the desk: the same job, which has nothing left to do; no second job for the batch.
      const again = await runCli(['upscale', '--queue', queue.redis.url, '--resume', String(batch), '--state', at('desk')]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('Upscale job 1 has already finished (done)');
      expect(journalJobs(at('desk'))).toHaveLength(1);
    } finally {
      fs.renameSync(`${queue.model}.away`, queue.model);
    }

    // And the laptop (its model back in place), on its own journal, catches up too.
    const back = await runCli(['upscale', '--resume', '--state', at('laptop'), '--json']);
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ status: 'done', ok: 4, batch });
  }, 240_000);

  it('says plainly when the queue has no such batch, and changes nothing', async () => {
    const missing = await runCli(['upscale', '--queue', queue.redis.url, '--resume', '999', '--state', at('nothing')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`There is no batch 999 on ${queue.redis.url}`);
    expect(journalJobs(at('nothing'))).toEqual([]);
  }, 120_000);
});
