import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTree, writePhotos } from '../helpers/jobs-batch.ts';
import { runCli, startCli } from '../helpers/jobs-cli.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';
import { startWorkerProcess } from '../helpers/queue-workers.ts';

/** The commands around a queued batch: Ctrl-C and --resume, `jobs status` from Redis alone, and `eval --queue`. */
const queue = useQueueFixture('queued-cli');
const at = queue.at;

describe('a queued batch followed, left, and followed again', () => {
  it('Ctrl-C leaves the batch to the workers; jobs status reads it from Redis; --resume catches up and reports every file', async () => {
    await writePhotos(at('in'), 4, { seed: 11 });
    const state = at('state');
    // No worker yet: the batch waits in the queue while its enqueuer is stopped.
    const enqueuer = startCli(queue.queuedUpscaleArgs(at('in'), at('out'), state));
    let stderr = '';
    await new Promise<void>((resolve) => {
      enqueuer.child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/Batch \d+ queued/.test(stderr)) resolve();
      });
    });
    enqueuer.child.kill('SIGINT');
    const stopped = await enqueuer.done;
    expect(stopped.code, stopped.stderr).toBe(130);
    const batch = Number(/Batch (\d+) queued/.exec(stopped.stderr)?.[1]);
    const jobId = Number(/job (\d+) in this machine's journal/.exec(stopped.stderr)?.[1]);
    expect(stopped.stdout).toContain(`The workers go on with batch ${batch}`);

    const waiting = await runCli(['jobs', 'status', String(batch), '--redis', queue.redis.url, '--json']);
    expect(waiting.code).toBe(1);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ kind: 'upscale', batch, status: 'running', ok: 0, remaining: 4, workersOnline: [] });

    const worker = startWorkerProcess(queue.redis.url, { stateDir: at('worker') });
    await worker.waitFor(/wrote \S+photo03_x2\.png/);
    // The journal here still says nothing is done; --resume (the stored URL, no --queue) catches up with the queue.
    const resumed = await runCli(['upscale', '--resume', '--state', state, '--json']);
    expect(resumed.code, resumed.stderr).toBe(0);
    const doc = JSON.parse(resumed.stdout);
    expect(doc).toMatchObject({ job: jobId, batch, status: 'done', ok: 4, remaining: 0 });
    expect(doc.outputs.map((o: { output: string }) => path.basename(o.output))).toEqual([0, 1, 2, 3].map((i) => `photo0${i}_x2.png`));
    expect(readTree(at('out')).size).toBe(4);

    const finished = await runCli(['jobs', 'status', String(batch), '--redis', queue.redis.url, '--json']);
    expect(finished.code, finished.stderr).toBe(0);
    expect(JSON.parse(finished.stdout)).toMatchObject({ status: 'done', ok: 4, remaining: 0, failed: [] });
    const local = await runCli(['jobs', 'status', String(jobId), '--state', state]);
    expect(local.stdout).toMatch(new RegExp(`Job ${jobId}: 4 upscaled, 0 failed`));

    const missing = await runCli(['jobs', 'status', '999', '--redis', queue.redis.url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`There is no batch 999 on ${queue.redis.url}`);
  }, 240_000);
});

describe('eval --queue', () => {
  it('scores a folder on the workers with exactly the local result, for a kernel and for a model', async () => {
    await writePhotos(at('set'), 3, { width: 48, height: 36, seed: 21 });
    startWorkerProcess(queue.redis.url, { stateDir: at('eval-worker') });
    for (const method of ['bicubic', queue.model]) {
      const args = ['eval', '--data', at('set'), '--scale', '2', '--method', method, '--json', '--state', at('eval-state')];
      const [local, queued] = [await runCli(args), await runCli([...args, '--queue', queue.redis.url])];
      expect(local.code, local.stderr).toBe(0);
      expect(queued.code, queued.stderr).toBe(0);
      const strip = (text: string) => {
        const { seconds: _seconds, ...rest } = JSON.parse(text);
        return rest;
      };
      expect(strip(queued.stdout)).toEqual(strip(local.stdout));
      expect(queued.stderr).toMatch(/Batch \d+ queued on redis:/);
    }
  }, 240_000);

  it('stops at an image that cannot be read, naming it, as a local evaluation does', async () => {
    fs.mkdirSync(at('bad-set'), { recursive: true });
    await writePhotos(at('bad-set'), 2, { width: 48, height: 36 });
    fs.writeFileSync(at('bad-set', 'photo02.png'), 'not a png');
    startWorkerProcess(queue.redis.url, { stateDir: at('eval-worker') });
    const result = await runCli([
      'eval',
      '--data',
      at('bad-set'),
      '--scale',
      '2',
      '--method',
      'bicubic',
      '--queue',
      queue.redis.url,
      '--attempts',
      '1',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Evaluation stopped: ${at('bad-set', 'photo02.png')}`);
  }, 120_000);
});
