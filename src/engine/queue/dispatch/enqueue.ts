import type { JobsOptions, Queue } from 'bullmq';
import { fileJobId, KEEP_FINISHED_SECONDS } from '../queue-names.ts';

export interface FileJobSpec {
  name: string;
  seq: number;
  data: unknown;
}

/** Jobs per addBulk: one round trip each, small enough not to stall the connection for other commands. */
const CHUNK = 500;

/**
 * Adds one job per file. Ids are `batch-seq`, so adding a file that is already in the queue (in any state, finished
 * included) changes nothing: a resume or a retried enqueue never duplicates work, it only fills in what is missing.
 * A file is tried `attempts` times (a failure, or a worker that died on it), 1 s then 2 s, 4 s … apart.
 */
export async function enqueueFiles(queue: Queue, batch: number, attempts: number, jobs: readonly FileJobSpec[]): Promise<void> {
  for (let start = 0; start < jobs.length; start += CHUNK) {
    await queue.addBulk(
      jobs.slice(start, start + CHUNK).map((job) => ({ name: job.name, data: job.data, opts: fileJobOptions(batch, job.seq, attempts) })),
    );
  }
}

function fileJobOptions(batch: number, seq: number, attempts: number): JobsOptions {
  return {
    jobId: fileJobId(batch, seq),
    attempts,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { age: KEEP_FINISHED_SECONDS },
    removeOnFail: { age: KEEP_FINISHED_SECONDS },
  };
}

/** Takes finished or waiting files out of the queue, so that `enqueueFiles` adds them anew (a file being worked on stays). */
export async function removeFiles(queue: Queue, batch: number, seqs: readonly number[]): Promise<void> {
  for (let start = 0; start < seqs.length; start += CHUNK) {
    await Promise.all(seqs.slice(start, start + CHUNK).map((seq) => queue.remove(fileJobId(batch, seq))));
  }
}

/**
 * Takes a batch's files that no worker has started out of the queue (a cancel); files being worked on finish.
 * Returns how many were removed. A later resume adds them again.
 */
export async function removeUnstarted(queue: Queue, batch: number, seqs: readonly number[]): Promise<number> {
  let removed = 0;
  for (let start = 0; start < seqs.length; start += CHUNK) {
    const results = await Promise.all(
      seqs.slice(start, start + CHUNK).map(async (seq) => {
        const jobId = fileJobId(batch, seq);
        const state = await queue.getJobState(jobId);
        // An active job is locked by its worker and cannot be removed; finished ones are kept as the record.
        if (state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return 0;
        return queue.remove(jobId);
      }),
    );
    removed += results.reduce<number>((sum, r) => sum + r, 0);
  }
  return removed;
}
