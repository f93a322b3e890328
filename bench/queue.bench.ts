/**
 * Queue scale-out (npm run bench:queue [-- --photos 16] [--size 480x360] [--model srcnn-x2] [--smoke]).
 * Prints numbers; asserts nothing. The machine is shared and noisy: compare only numbers from one run.
 *
 * One folder of photo-like images, upscaled ×2 in these ways, each by the real CLI:
 * - a local batch (`srstudio upscale`, ONNX Runtime on all cores): the baseline;
 * - a local batch with SRSTUDIO_THREADS=1, and two of them side by side, each on half the folder: what this machine
 *   itself gives two one-thread processes (two cores share caches and memory bandwidth), the ceiling for the queue;
 * - `upscale --queue` with 1 `srstudio worker`, then with 2, each worker with SRSTUDIO_THREADS=1, against a private
 *   redis-server. Two one-thread workers on this 2-core machine stand in for two machines.
 * Seconds are the batch's own wall time as its --json reports it (from planning to the last file; process start-up
 * is not counted, for any run). The local batch builds its ORT session inside that time, as a user's run does; the
 * workers are warmed by a 4-file batch first, as a long-running fleet is (model fetched, session built). The queue's overhead per file is read from BullMQ's job timestamps: how long a file
 * waited for a worker that was free (enqueue or the worker's previous file → start), and what a worker adds around
 * the upscale itself (a stat of the output, recording it, the ack). Outputs are checked byte for byte against the local
 * batch.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openQueueLink } from '../src/engine/queue/dispatch/queue-link.ts';
import { UpscaleFileResult } from '../src/engine/queue/file-jobs.ts';
import { fileJobId } from '../src/engine/queue/queue-names.ts';
import { parseRedisUrl } from '../src/engine/queue/redis-target.ts';
import { readTree, writePhotos } from '../test/helpers/jobs-batch.ts';
import { startWorkerProcess, stopAllWorkers } from '../test/helpers/queue-workers.ts';
import { startRedisServer } from '../test/helpers/redis-server.ts';

const CLI = fileURLToPath(new URL('../bin/srstudio.js', import.meta.url));

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const smoke = process.argv.includes('--smoke');
const photos = Number(flag('--photos', smoke ? '4' : '16'));
const [width, height] = flag('--size', smoke ? '160x120' : '480x360')
  .split('x')
  .map(Number);
const model = flag('--model', 'srcnn-x2');

interface BatchDoc {
  batch?: number;
  ok: number;
  seconds: number;
  outputs: { output: string; width: number; height: number }[];
}

/** Runs the CLI and returns its --json document (the batch must succeed). */
function runBatch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<BatchDoc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--json'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`srstudio ${args[0]} exited ${code}:\n${stderr}`)),
    );
  });
}

interface Overhead {
  /** Enqueue (or the worker's previous file's end) → start, per file. */
  waitMs: number[];
  /** Worker time around the upscale: stat, record, ack. */
  workerMs: number[];
}

/** BullMQ's timestamps for each file of a batch: how long files waited on a free worker, and what the worker added. */
async function queueOverhead(url: string, batch: number, files: number): Promise<Overhead> {
  const link = await openQueueLink(parseRedisUrl(url, '--redis'));
  try {
    const jobs = [];
    for (let seq = 0; seq < files; seq++) {
      const job = await link.queue.getJob(fileJobId(batch, seq));
      const result = UpscaleFileResult.safeParse(job?.returnvalue);
      if (job?.processedOn && job.finishedOn && result.success) {
        jobs.push({ enqueued: job.timestamp, started: job.processedOn, finished: job.finishedOn, result: result.data });
      }
    }
    const waitMs: number[] = [];
    const workerMs: number[] = [];
    for (const worker of new Set(jobs.map((j) => j.result.worker))) {
      let previousEnd = Number.NEGATIVE_INFINITY;
      for (const job of jobs.filter((j) => j.result.worker === worker).sort((a, b) => a.started - b.started)) {
        waitMs.push(job.started - Math.max(job.enqueued, previousEnd));
        workerMs.push(job.finished - job.started - job.result.seconds * 1000);
        previousEnd = job.finished;
      }
    }
    return { waitMs, workerMs };
  } finally {
    await link.close();
  }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function queuedRun(url: string, workers: number, root: string, name: string): Promise<{ doc: BatchDoc; overhead: Overhead }> {
  const started = Array.from({ length: workers }, (_, i) =>
    startWorkerProcess(url, { stateDir: path.join(root, `${name}-w${i}`), lockSeconds: 30 }),
  );
  await Promise.all(started.map((w) => w.waitFor(/serving redis:/)));
  try {
    // A fleet's workers are long-running: each has fetched the model and built its ORT session before the batch.
    const warmUp = ['upscale', path.join(root, 'warm-up'), '-o', path.join(root, `${name}-warm-up`), '--model', model];
    await runBatch([...warmUp, '--state', path.join(root, `${name}-warm-up-state`), '--queue', url]);
    const doc = await runBatch([
      'upscale',
      path.join(root, 'in'),
      '-o',
      path.join(root, name),
      '--model',
      model,
      '--state',
      path.join(root, `${name}-state`),
      '--queue',
      url,
    ]);
    return { doc, overhead: await queueOverhead(url, doc.batch as number, photos) };
  } finally {
    await stopAllWorkers();
  }
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'srstudio-queue-bench-'));
const redis = await startRedisServer();
try {
  await writePhotos(path.join(root, 'in'), photos, { width, height, seed: 5 });
  const halves = [path.join(root, 'in-a'), path.join(root, 'in-b')];
  fs.readdirSync(path.join(root, 'in'))
    .sort()
    .forEach((file, i) => {
      fs.mkdirSync(halves[i % 2], { recursive: true });
      fs.copyFileSync(path.join(root, 'in', file), path.join(halves[i % 2], file));
    });
  await writePhotos(path.join(root, 'warm-up'), 4, { width: 64, height: 48, seed: 500 });
  const outputMp = (photos * width * 2 * height * 2) / 1e6;
  process.stdout.write(
    `Queue bench: ${photos} photos ${width}×${height} → ×2 with ${model} (${outputMp.toFixed(1)} output MP in all); ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
  );

  const local = await runBatch([
    'upscale',
    path.join(root, 'in'),
    '-o',
    path.join(root, 'local'),
    '--model',
    model,
    '--state',
    path.join(root, 'local-state'),
  ]);
  const oneThread = { SRSTUDIO_THREADS: '1' };
  const localOne = await runBatch(
    ['upscale', path.join(root, 'in'), '-o', path.join(root, 'local-1'), '--model', model, '--state', path.join(root, 'local-1-state')],
    oneThread,
  );
  const sideBySide = await Promise.all(
    halves.map((dir, i) =>
      runBatch(
        ['upscale', dir, '-o', path.join(root, `local-half-${i}`), '--model', model, '--state', path.join(root, `local-half-${i}-state`)],
        oneThread,
      ),
    ),
  );
  // Side by side they finish when the slower half does.
  const ceiling: BatchDoc = { ok: photos, seconds: Math.max(...sideBySide.map((d) => d.seconds)), outputs: [] };
  const one = await queuedRun(redis.url, 1, root, 'queue-1');
  const two = await queuedRun(redis.url, 2, root, 'queue-2');

  const rows: [string, BatchDoc][] = [
    ['local batch (ORT on all cores)', local],
    ['local batch, 1 thread', localOne],
    ['2 local 1-thread batches, ½ each', ceiling],
    ['queue, 1 worker × 1 thread', one.doc],
    ['queue, 2 workers × 1 thread', two.doc],
  ];
  process.stdout.write(
    `\n${'run'.padEnd(34)}${'seconds'.padStart(9)}${'output MP/s'.padStart(13)}${'vs 1 worker'.padStart(13)}${'vs local'.padStart(10)}\n`,
  );
  for (const [label, doc] of rows) {
    process.stdout.write(
      `${label.padEnd(34)}${doc.seconds.toFixed(2).padStart(9)}${(outputMp / doc.seconds).toFixed(2).padStart(13)}${`${(one.doc.seconds / doc.seconds).toFixed(2)}×`.padStart(13)}${`${(local.seconds / doc.seconds).toFixed(2)}×`.padStart(10)}\n`,
    );
  }
  const speedup = one.doc.seconds / two.doc.seconds;
  const machine = localOne.seconds / ceiling.seconds;
  process.stdout.write(`\n2 workers vs 1: ${speedup.toFixed(2)}× (target ≥ 1.7×: ${speedup >= 1.7 ? 'met' : 'NOT met'} in this run)\n`);
  process.stdout.write(
    `this machine's own ceiling, 2 one-thread local batches side by side vs 1: ${machine.toFixed(2)}×; the queue keeps ${((100 * speedup) / machine).toFixed(0)}% of it\n`,
  );

  for (const [label, run] of [
    ['1 worker', one],
    ['2 workers', two],
  ] as const) {
    const { waitMs, workerMs } = run.overhead;
    const worst = quantile(waitMs, 0.5) + quantile(workerMs, 0.5);
    process.stdout.write(
      `queue overhead per file, ${label} (${waitMs.length} files): waiting on a free worker (enqueue or previous file → start) median ${quantile(waitMs, 0.5).toFixed(1)} ms, p95 ${quantile(waitMs, 0.95).toFixed(1)} ms, max ${Math.max(...waitMs).toFixed(1)} ms; in the worker around the upscale (stat, record, ack) median ${quantile(workerMs, 0.5).toFixed(1)} ms; together ${worst.toFixed(1)} ms (target < 20 ms: ${worst < 20 ? 'met' : 'NOT met'})\n`,
    );
  }

  const reference = readTree(path.join(root, 'local'));
  for (const name of ['queue-1', 'queue-2']) {
    const queued = readTree(path.join(root, name));
    const same = [...reference].filter(([file, bytes]) => queued.get(file)?.equals(bytes)).length;
    process.stdout.write(`${name}: ${same}/${reference.size} outputs byte-identical to the local batch\n`);
  }
} finally {
  await stopAllWorkers();
  await redis.dispose();
  fs.rmSync(root, { recursive: true, force: true });
}
