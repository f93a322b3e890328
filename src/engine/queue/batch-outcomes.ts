import type { Queue } from 'bullmq';
import { fileJobId } from './queue-names.ts';

/** Where one file of a batch stands in the queue. */
export type FileOutcome =
  | { state: 'done'; result: unknown }
  | { state: 'failed'; reason: string }
  /** Waiting for a worker, or for its next try. */
  | { state: 'queued' }
  | { state: 'active' }
  /** No job for it: cancelled, expired, or lost by a Redis that keeps no data across restarts. */
  | { state: 'missing' };

/** Jobs asked at once: enough to keep the connection busy, few enough to leave room for other commands. */
const CHUNK = 200;

/** Reads the outcome of each file (by its place in the batch) from the queue: one pass, for status and catch-up. */
export async function readOutcomes(queue: Queue, batch: number, seqs: readonly number[]): Promise<Map<number, FileOutcome>> {
  const outcomes = new Map<number, FileOutcome>();
  for (let start = 0; start < seqs.length; start += CHUNK) {
    const chunk = seqs.slice(start, start + CHUNK);
    const read = await Promise.all(chunk.map((seq) => readOutcome(queue, fileJobId(batch, seq))));
    for (const [i, seq] of chunk.entries()) outcomes.set(seq, read[i]);
  }
  return outcomes;
}

async function readOutcome(queue: Queue, jobId: string): Promise<FileOutcome> {
  const state = await queue.getJobState(jobId);
  if (state === 'unknown') return { state: 'missing' };
  if (state === 'active') return { state: 'active' };
  if (state !== 'completed' && state !== 'failed') return { state: 'queued' };
  const job = await queue.getJob(jobId);
  if (!job) return { state: 'missing' };
  return state === 'completed' ? { state: 'done', result: job.returnvalue } : { state: 'failed', reason: job.failedReason };
}
