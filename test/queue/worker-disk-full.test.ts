import fs from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { readTree, writePhotos } from '../helpers/jobs-batch.ts';
import { runCli, startCli } from '../helpers/jobs-cli.ts';
import { fullDiskSkipNote, fullDiskUnavailable, listAsSeenBy, withFullDisk } from '../helpers/private-tmpfs.ts';
import { useQueueFixture } from '../helpers/queue-fixture.ts';
import { escapeRegExp, startWorkerProcess, type WorkerProcess } from '../helpers/queue-workers.ts';

/**
 * A worker whose output disk fills up, for real: its output folder is a 64 KiB tmpfs that only it sees (a mount
 * namespace of its own), while the other processes see the roomy folder underneath, as a second machine would.
 */
const queue = useQueueFixture('worker-disk-full');
const at = queue.at;
const TIMEOUT = 240_000;

/**
 * A worker that sees `out` as a full disk. One file at a time (with the pipeline a worker takes three), so that the
 * test can tell the file that met the full disk from any it took after.
 */
function fullDiskWorker(out: string, state: string): WorkerProcess {
  fs.mkdirSync(out, { recursive: true });
  return startWorkerProcess(queue.redis.url, { stateDir: state, wrapper: withFullDisk(out, '64k'), extraArgs: ['--concurrency', '1'] });
}

/** Waits for the worker to fail `input` for the full disk and to stop taking files; returns the line it logged. */
async function failsForFullDisk(worker: WorkerProcess, input: string, output: string): Promise<string> {
  const [line] = await worker.waitFor(
    new RegExp(`failed ${escapeRegExp(input)} \\(try 1\\): The disk is full while writing ${escapeRegExp(output)}`),
  );
  await worker.waitFor(/the output disk is full: taking no new file for 60 s, so that workers with room take them/);
  return line;
}

/** Stops a worker (first SIGTERM: finish and exit 0), checking that a paused one does so at once. */
async function stop(worker: WorkerProcess): Promise<void> {
  worker.child.kill('SIGTERM');
  const done = await worker.done;
  expect(done.code, done.stderr).toBe(0);
}

const upscaling = (worker: WorkerProcess) => worker.log().match(/upscaling /g)?.length ?? 0;

describe.skipIf(fullDiskUnavailable)(`a queue worker whose output disk is full${fullDiskSkipNote}`, () => {
  it(
    'fails its try with the reason, leaves nothing on the disk, takes no new file, and the batch goes on elsewhere',
    async () => {
      await writePhotos(at('in1'), 3, { width: 120, height: 120, seed: 41 });
      const full = fullDiskWorker(at('out1'), at('w1-full'));
      const enqueuer = startCli([...queue.queuedUpscaleArgs(at('in1'), at('out1'), at('state1')), '--json']);
      await failsForFullDisk(full, at('in1', 'photo00.png'), at('out1', 'photo00_x2.png'));
      // Nothing of the file stays on the full disk: neither the output nor the encoder's temp file.
      expect(listAsSeenBy(full.child.pid as number, at('out1'))).toEqual([]);

      const roomy = startWorkerProcess(queue.redis.url, { stateDir: at('w1-roomy') });
      const result = await enqueuer.done;
      expect(result.code, result.stderr).toBe(0);
      const doc = JSON.parse(result.stdout);
      expect(doc).toMatchObject({ status: 'done', ok: 3, failed: [], remaining: 0 });
      // Every file, the one that met the full disk included, was written by the worker with room (a worker's name is
      // its host and pid).
      const files = Object.fromEntries(doc.workers.map((w: { name: string; files: number }) => [w.name, w.files]));
      expect(files).toEqual({ [`${os.hostname()}-${full.child.pid}`]: 0, [`${os.hostname()}-${roomy.child.pid}`]: 3 });
      expect(roomy.log()).toMatch(/wrote \S+photo00_x2\.png/);
      expect([...readTree(at('out1')).keys()].sort()).toEqual(['photo00_x2.png', 'photo01_x2.png', 'photo02_x2.png']);
      // While paused the full worker took nothing more, and its disk stayed empty.
      expect(upscaling(full)).toBe(1);
      expect(listAsSeenBy(full.child.pid as number, at('out1'))).toEqual([]);
      await stop(full);
      await stop(roomy);
    },
    TIMEOUT,
  );

  it(
    'with nowhere to write, stops the batch with the reason, and a resume once there is room finishes it',
    async () => {
      await writePhotos(at('in2'), 3, { width: 120, height: 120, seed: 42 });
      const full = fullDiskWorker(at('out2'), at('w2-full'));
      const stopped = await runCli([...queue.queuedUpscaleArgs(at('in2'), at('out2'), at('state2')), '--attempts', '1']);
      expect(stopped.code, stopped.stderr).toBe(1);
      expect(stopped.stdout).toContain(`The disk is full while writing ${at('out2', 'photo00_x2.png')}\n  → Free some space, then resume.`);
      expect(stopped.stdout).toMatch(/Interrupted with 3 file\(s\) left\. Resume with:/);
      expect(listAsSeenBy(full.child.pid as number, at('out2'))).toEqual([]);
      expect(fs.readdirSync(at('out2'))).toEqual([]);
      await stop(full);

      // Space is back: this time the worker writes to a disk with room.
      startWorkerProcess(queue.redis.url, { stateDir: at('w2-roomy') });
      const resumed = await runCli(['upscale', '--resume', '--state', at('state2'), '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'done', ok: 3, failed: [], remaining: 0 });
      expect(readTree(at('out2')).size).toBe(3);
    },
    TIMEOUT,
  );

  it(
    'a file that failed for a full disk while nobody followed the batch is reported so, and tried again on resume',
    async () => {
      await writePhotos(at('in3'), 2, { width: 120, height: 120, seed: 43 });
      const full = fullDiskWorker(at('out3'), at('w3-full'));
      // Queued, then left at once (Ctrl-C): the failure happens with nobody following.
      const enqueuer = startCli([...queue.queuedUpscaleArgs(at('in3'), at('out3'), at('state3')), '--attempts', '1']);
      await full.waitFor(/upscaling /);
      enqueuer.child.kill('SIGINT');
      const left = await enqueuer.done;
      expect(left.code, left.stderr).toBe(130);
      const batch = Number(/Batch (\d+) queued/.exec(left.stderr)?.[1]);
      await failsForFullDisk(full, at('in3', 'photo00.png'), at('out3', 'photo00_x2.png'));
      await stop(full);

      // The queue says which file failed and why, to anyone who asks.
      const roomy = startWorkerProcess(queue.redis.url, { stateDir: at('w3-roomy') });
      await roomy.waitFor(/wrote \S+photo01_x2\.png/);
      const status = await runCli(['jobs', 'status', String(batch), '--redis', queue.redis.url, '--json']);
      expect(JSON.parse(status.stdout)).toMatchObject({
        ok: 1,
        failed: [
          { input: at('in3', 'photo00.png'), code: 'DISK_FULL', error: `The disk is full while writing ${at('out3', 'photo00_x2.png')}` },
        ],
      });

      // The disk was the worker's fault, not the file's: the resume tries it again, on the worker with room.
      const resumed = await runCli(['upscale', '--resume', '--state', at('state3'), '--json']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'done', ok: 2, failed: [], remaining: 0 });
      expect([...readTree(at('out3')).keys()].sort()).toEqual(['photo00_x2.png', 'photo01_x2.png']);
      expect(roomy.log()).toMatch(/wrote \S+photo00_x2\.png/);
    },
    TIMEOUT,
  );
});
