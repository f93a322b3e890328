/**
 * Names in Redis. Every key SR Studio writes starts with `srstudio:`, BullMQ's own keys too (its `prefix`), so a
 * Redis shared with other software can tell ours apart (and `redis-cli --scan --pattern 'srstudio:*'` lists them).
 */
export const KEY_PREFIX = 'srstudio';

/** One BullMQ queue for all distributed work: each job is one file to upscale or one image to score. */
export const QUEUE_NAME = 'files';

/** `job.name` in the queue: what the worker does with the job. */
export const JOB_NAMES = { upscale: 'upscale-file', eval: 'eval-image' } as const;

/** How long finished batches (manifest, finished jobs, results) stay in Redis for `jobs status` and `--resume`. */
export const KEEP_FINISHED_SECONDS = 30 * 24 * 3600;

export const redisKeys = {
  /** INCR gives each batch its number, unique for this Redis. */
  batchSeq: `${KEY_PREFIX}:batch-seq`,
  /** The batch's plan (JSON, see batch-manifest.ts). */
  batch: (batch: number) => `${KEY_PREFIX}:batch:${batch}`,
  /** A model file's bytes, by the sha256 of those bytes. */
  model: (sha256: string) => `${KEY_PREFIX}:model:${sha256}`,
};

/**
 * A job's id is its batch and its place in the batch. Deterministic on purpose: enqueueing the same file twice (a
 * resume, a retry of the enqueue after Redis restarted) finds the existing job instead of adding a second one.
 */
export function fileJobId(batch: number, seq: number): string {
  return `${batch}-${seq}`;
}

export function parseFileJobId(jobId: string | undefined): { batch: number; seq: number } | undefined {
  const match = /^(\d+)-(\d+)$/.exec(jobId ?? '');
  return match ? { batch: Number(match[1]), seq: Number(match[2]) } : undefined;
}
