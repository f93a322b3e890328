import { type Job, UnrecoverableError, WaitingError } from 'bullmq';
import type { z } from 'zod';
import type { PhotoPipeline } from '../../jobs/pipeline/photo-pipeline.ts';
import type { Device } from '../../models/execution-providers.ts';
import type { FileProgress } from '../file-jobs.ts';
import type { ModelCache } from '../model-transport.ts';

/** What every job handler of a worker process shares. */
export interface WorkerContext {
  /** `host-pid`: how the enqueuing side tells workers apart. */
  name: string;
  models: ModelCache;
  /** The worker's --device; a batch's own device applies only when the worker was given none. */
  device?: Device;
  /** The pipeline every file of this worker goes through (the local batch's); absent with `--pipeline off`. */
  pipeline?: PhotoPipeline;
  log: (line: string) => void;
  /**
   * A file failed because this machine's output disk is full: the worker takes no new file for a while, so that the
   * file's next try, and the rest of the batch, go to workers whose disks have room.
   */
  onDiskFull: () => void;
}

/** A job's data, checked: one written by another SR Studio version fails at once, without retries. */
export function parseJobData<S extends z.ZodType>(schema: S, job: Job): z.infer<S> {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    throw new UnrecoverableError(
      `INTERNAL: job ${job.id} (${job.name}) was queued by another SR Studio version\n→ Use the same SR Studio version on every machine.`,
    );
  }
  return parsed.data;
}

/** Which try of the job this is: 1, or more after a failure or after a worker died on it. */
export function attemptOf(job: Job): number {
  return Math.max(1, job.attemptsStarted);
}

/**
 * Tells the enqueuing side who works on the job and how far it is (BullMQ progress → its event stream), at most once
 * a second. Never awaited by the work: while Redis is away the reports wait, the file does not.
 */
export function progressReporter(job: Job, worker: string): (fraction: number) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (fraction) => {
    const now = performance.now();
    if (fraction > 0 && fraction < 1 && now - last < 1000) return;
    last = now;
    const report: FileProgress = { worker, fraction: Math.min(1, Math.max(0, fraction)) };
    job.updateProgress(report).catch(() => undefined);
  };
}

/**
 * Gives the job back to the queue untouched (the worker is stopping at once): not a failed try, and the next worker
 * takes it without waiting for the lock to expire. What BullMQ expects a processor to throw after moving its job.
 */
export async function handBack(job: Job, token: string | undefined): Promise<never> {
  await job.moveToWait(token);
  throw new WaitingError();
}
