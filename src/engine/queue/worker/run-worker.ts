import os from 'node:os';
import path from 'node:path';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { PhotoPipeline } from '../../jobs/pipeline/photo-pipeline.ts';
import { type PipelineSettings, pipelineSettings } from '../../jobs/pipeline/pipeline-settings.ts';
import { applySharpThreads } from '../../jobs/pipeline/sharp-threads.ts';
import type { Device } from '../../models/execution-providers.ts';
import { useGraphCache } from '../../models/graph-cache.ts';
import { ModelCache } from '../model-transport.ts';
import { JOB_NAMES, KEY_PREFIX, QUEUE_NAME } from '../queue-names.ts';
import { checkRedis, redisOptions } from '../redis-connection.ts';
import type { RedisTarget } from '../redis-target.ts';
import { runEvalImageJob } from './eval-image-job.ts';
import { runUpscaleFileJob } from './upscale-file-job.ts';
import type { WorkerContext } from './worker-context.ts';

export interface WorkerOptions {
  target: RedisTarget;
  /**
   * Files taken from the queue at once. Default: 3 with the pipeline (one decoding, one in the model, one encoding),
   * 1 without it (one file already uses every core through ONNX Runtime).
   */
  concurrency?: number;
  /** The local batch's pipeline (default, automatic settings), or 'off': each file's stages back to back. */
  pipeline?: PipelineSettings | 'off';
  device?: Device;
  /** Holds the model cache (`<state>/queue-models`). */
  stateDir: string;
  /**
   * How long a file's lock lasts without renewal (renewed every half of it while the worker lives). After a worker
   * dies (kill -9, power cut), its file goes to another worker after 1-3 times this. Default 30 s.
   */
  lockSeconds?: number;
  log: (line: string) => void;
}

export interface RunningWorker {
  readonly name: string;
  /**
   * `finish`: take no new file, finish the current ones, then close. `hand-back`: stop the current files now and put
   * them back in the queue for another worker (their outputs are not written: only a complete file is ever renamed).
   */
  stop(mode: 'finish' | 'hand-back'): Promise<void>;
  /** Resolves once the worker has closed. */
  readonly closed: Promise<void>;
}

/**
 * A queue worker: takes file jobs (upscale, eval) from the queue and runs them on this machine's engine. It checks the
 * URL first (a clear error, nothing started), then rides out Redis restarts: BullMQ reconnects, a file in progress
 * finishes and reports once Redis is back. A file whose worker dies is taken over by another worker once its lock
 * expires (BullMQ's stalled-job check); a file that keeps failing is reported failed after the batch's attempts.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  await checkRedis(options.target);
  const name = `${os.hostname()}-${process.pid}`;
  const lockMs = Math.round((options.lockSeconds ?? 30) * 1000);
  // For models; also the one connection whose loss and return are logged (the worker's own ones drop at the same time).
  const redis = new Redis(redisOptions(options.target, { reconnect: true }));
  let lost = false;
  redis.on('error', (error: Error) => {
    if (lost) return;
    lost = true;
    options.log(`lost the connection to ${options.target.display} (${error.message}); reconnecting…`);
  });
  redis.on('ready', () => {
    if (lost) options.log(`reconnected to ${options.target.display}`);
    lost = false;
  });
  let closing: Promise<void> | undefined;
  let diskFullPause: NodeJS.Timeout | undefined;
  // Optimised graphs are cached in the worker's state folder, as a local batch caches them in its own.
  useGraphCache(options.stateDir);
  const settings = options.pipeline === 'off' ? undefined : (options.pipeline ?? pipelineSettings());
  if (settings) applySharpThreads(settings);
  const context: WorkerContext = {
    name,
    models: new ModelCache(path.join(options.stateDir, 'queue-models'), redis, options.stateDir),
    device: options.device,
    pipeline: settings ? new PhotoPipeline(settings) : undefined,
    log: options.log,
    onDiskFull() {
      if (diskFullPause || closing) return;
      options.log(`the output disk is full: taking no new file for ${DISK_FULL_PAUSE_SECONDS} s, so that workers with room take them`);
      // Files in progress (--concurrency above 1) go on; each one that also meets the full disk fails its try alike.
      void worker.pause(true);
      diskFullPause = setTimeout(() => {
        diskFullPause = undefined;
        options.log('taking files again');
        void worker.resume();
      }, DISK_FULL_PAUSE_SECONDS * 1000);
    },
  };
  const worker = new Worker(QUEUE_NAME, (job: Job, token?: string, signal?: AbortSignal) => runJob(job, token, signal, context), {
    connection: redisOptions(options.target, { reconnect: true }),
    prefix: KEY_PREFIX,
    name,
    concurrency: options.concurrency ?? defaultConcurrency(options.pipeline),
    lockDuration: lockMs,
    stalledInterval: lockMs,
    // A file whose worker died twice is more likely to kill workers than to be unlucky: it is reported failed.
    maxStalledCount: 2,
    autorun: false,
  });
  worker.on('error', (error) => {
    // Connection trouble is logged once above; anything else (a lock lost to a slow machine, …) is worth a line.
    if (!lost && !CONNECTION_ERROR.test(error.message)) options.log(`queue error: ${error.message}`);
  });
  const running = worker.run();
  await worker.waitUntilReady();

  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });
  const close = (): Promise<void> => {
    clearTimeout(diskFullPause);
    closing ??= worker.close().finally(() => {
      redis.disconnect();
      markClosed();
    });
    return closing;
  };
  // The run loop ends when the worker closes or fails, and also when a disk-full pause finds it idle: BullMQ starts
  // it again on resume, so only the other two close the worker.
  running.then(
    () => {
      if (!worker.isPaused()) void close();
    },
    () => void close(),
  );
  return {
    name,
    stop(mode) {
      if (mode === 'hand-back') worker.cancelAllJobs('hand-back');
      return close();
    },
    closed,
  };
}

/** How long a worker whose output disk filled up takes no new file; then it tries again (space may be freed). */
const DISK_FULL_PAUSE_SECONDS = 60;
export function defaultConcurrency(pipeline: WorkerOptions['pipeline']): number {
  return pipeline === 'off' ? 1 : 3;
}

const CONNECTION_ERROR = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|connect/i;

function runJob(job: Job, token: string | undefined, signal: AbortSignal | undefined, context: WorkerContext): Promise<unknown> {
  switch (job.name) {
    case JOB_NAMES.upscale:
      return runUpscaleFileJob(job, token, signal, context);
    case JOB_NAMES.eval:
      return runEvalImageJob(job, token, signal, context);
    default:
      throw new UnrecoverableError(`INTERNAL: this worker does not know jobs named "${job.name}"\n→ Update SR Studio on this worker.`);
  }
}
