import { resolve } from 'node:path';
import { SrError } from '../../errors.ts';
import { listEvalImages } from '../../eval/list-images.ts';
import { assertEvalScale, type EvalDegradation } from '../../eval/protocol.ts';
import { type EvalImageResult, type EvalResult, ensureFolder, meanScores } from '../../eval/run-eval.ts';
import type { ItemError } from '../../jobs/job-events.ts';
import type { Device } from '../../models/execution-providers.ts';
import { type EvalBatchManifest, writeManifest } from '../batch-manifest.ts';
import { readOutcomes } from '../batch-outcomes.ts';
import { parseFailureReason } from '../failure-reason.ts';
import { type EvalImageJob, type EvalMethodRef, EvalImageResult as QueuedResult } from '../file-jobs.ts';
import { publishModel } from '../model-transport.ts';
import { JOB_NAMES, parseFileJobId } from '../queue-names.ts';
import type { RedisTarget } from '../redis-target.ts';
import { enqueueFiles, removeUnstarted } from './enqueue.ts';
import { openQueueLink } from './queue-link.ts';
import { DEFAULT_ATTEMPTS } from './queued-upscale.ts';

export interface QueuedEvalOptions {
  target: RedisTarget;
  dataDir: string;
  scale: number;
  /** A kernel, or a model described by content (model-transport.ts `describeModel`). */
  method: EvalMethodRef;
  device?: Device;
  saveDir?: string;
  /** `eval --degrade`: real-photo inputs, made identically by every worker. */
  degradation?: EvalDegradation | null;
  attempts?: number;
  /** Each image's score, in the folder's order (as a local run reports them). */
  onImage?: (result: EvalImageResult, done: number, total: number) => void;
  /** Once the batch is in the queue: its number and the URL. */
  onQueued?: (batch: number, url: string) => void;
}

/**
 * `srstudio eval --queue`: one job per image, scored by the workers with the same `evalImage` a local run uses, and
 * the same result. As locally, a score must cover the whole set: an image that still fails after its attempts stops
 * the evaluation with that image's error, and the images no worker started yet leave the queue.
 */
export async function runQueuedEval(options: QueuedEvalOptions): Promise<EvalResult> {
  const startedAt = performance.now();
  assertEvalScale(options.scale);
  const dataDir = resolve(options.dataDir);
  const files = await listEvalImages(dataDir);
  if (options.saveDir) await ensureFolder(options.saveDir);
  const link = await openQueueLink(options.target);
  try {
    const batch = await link.nextBatchId();
    const manifest: EvalBatchManifest = {
      version: 1,
      kind: 'eval',
      batch,
      createdAt: new Date().toISOString(),
      data: dataDir,
      scale: options.scale,
      method: options.method,
      images: files,
    };
    const results = new Map<number, EvalImageResult>();
    let flushed = 0;
    let stop: ItemError | undefined;
    let settle!: () => void;
    const settled = new Promise<void>((resolvePromise) => {
      settle = resolvePromise;
    });
    const done = (seq: number, raw: unknown): void => {
      const parsed = QueuedResult.safeParse(raw);
      if (results.has(seq) || !parsed.success) return;
      const { worker: _worker, psnr, ...rest } = parsed.data;
      results.set(seq, { ...rest, psnr: psnr ?? Number.POSITIVE_INFINITY });
      // Reported in the folder's order: a result waits for the ones before it.
      while (results.has(flushed)) {
        flushed += 1;
        options.onImage?.(results.get(flushed - 1) as EvalImageResult, flushed, files.length);
      }
      if (results.size === files.length) settle();
    };
    const failed = (error: ItemError): void => {
      stop ??= error;
      settle();
    };

    const events = await link.openEvents();
    try {
      events.on('completed', ({ jobId, returnvalue }) => {
        const ref = parseFileJobId(jobId);
        if (ref?.batch === batch) done(ref.seq, returnvalue);
      });
      events.on('failed', ({ jobId, failedReason }) => {
        if (parseFileJobId(jobId)?.batch === batch) failed(parseFailureReason(failedReason));
      });
      if (options.method.kind === 'model') await publishModel(link.redis, options.method.model);
      await writeManifest(link.redis, manifest);
      const jobs = files.map((file, seq) => {
        const data: EvalImageJob = {
          batch,
          seq,
          file,
          scale: options.scale,
          method: options.method,
          device: options.device,
          saveDir: options.saveDir,
          ...(options.degradation ? { degradation: options.degradation } : {}),
        };
        return { name: JOB_NAMES.eval, seq, data };
      });
      await enqueueFiles(link.queue, batch, options.attempts ?? DEFAULT_ATTEMPTS, jobs);
      options.onQueued?.(batch, link.target.display);
      // What finished before the listener saw it (a fast worker, a Redis restart) is read back once.
      const catchUp = async (): Promise<void> => {
        const open = jobs.map((j) => j.seq).filter((seq) => !results.has(seq));
        for (const [seq, outcome] of await readOutcomes(link.queue, batch, open)) {
          if (outcome.state === 'done') done(seq, outcome.result);
          else if (outcome.state === 'failed') failed(parseFailureReason(outcome.reason));
        }
      };
      const stopCatchingUp = link.onReconnect(() => void catchUp().catch(() => undefined));
      await catchUp();
      await settled;
      stopCatchingUp();
      if (stop) {
        await removeUnstarted(
          link.queue,
          batch,
          files.map((_, seq) => seq).filter((seq) => !results.has(seq)),
        );
        throw new SrError(stop.code, stop.message, stop.hint);
      }
    } finally {
      await events.close().catch(() => undefined);
    }
    const images = files.map((_, seq) => results.get(seq) as EvalImageResult);
    return {
      method: options.method.name,
      scale: options.scale,
      data: dataDir,
      degradation: options.degradation ?? null,
      images,
      mean: meanScores(images),
      seconds: (performance.now() - startedAt) / 1000,
    };
  } finally {
    await link.close();
  }
}
