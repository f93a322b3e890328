import type { ErrorCode } from '../errors.ts';
import type { JobStatus } from '../store/jobs-repo.ts';

/** What an item failure looks like outside the engine: the SrError's parts, no stack. */
export interface ItemError {
  code: ErrorCode;
  message: string;
  hint?: string;
}

/**
 * Everything a batch reports while it runs. The CLI draws a progress bar from these, the desktop app forwards
 * them over IPC; neither needs to know how the batch works. `progress` events are full snapshots, so a listener
 * may drop all but the latest (coalesce) without losing anything.
 */
export type UpscaleJobEvent =
  | {
      type: 'job-start';
      jobId: number;
      resumed: boolean;
      /** All items in the journal, including skipped and failed ones. */
      total: number;
      /** Items this run will process. */
      toDo: number;
      outDir: string;
      modelId: string;
      /** Set when the files are upscaled by queue workers: the batch's number in that Redis, and the Redis URL (no password). */
      queue?: { batch: number; url: string };
    }
  | { type: 'item-start'; jobId: number; itemId: number; input: string; output: string }
  | {
      type: 'item-done';
      jobId: number;
      itemId: number;
      input: string;
      output: string;
      width: number;
      height: number;
      seconds: number;
      /** The queue worker that wrote it (queued batches only). */
      worker?: string;
    }
  | { type: 'item-failed'; jobId: number; itemId: number; input: string; error: ItemError }
  | { type: 'item-skipped'; jobId: number; itemId: number; input: string; reason: string }
  | ({ type: 'progress'; jobId: number } & JobProgress)
  /** Said once per batch, e.g. "Running on the CPU: …" when `auto` found no usable GPU. */
  | { type: 'notice'; jobId: number; message: string }
  /** Queued batches: who works on the batch and how fast, with every progress report. */
  | { type: 'workers'; jobId: number; workers: WorkerThroughput[] }
  | { type: 'job-end'; jobId: number; status: JobStatus };

/** One queue worker's share of a batch, as the enqueuing side sees it (from the workers' reports). */
export interface WorkerThroughput {
  /** `host-pid` of the worker process. */
  name: string;
  /** Files it finished (written or failed) for this batch since this machine started following it. */
  files: number;
  /** Output megapixels it wrote. */
  megapixels: number;
  /** Its output MP/s since its first file of the batch; null until it wrote one. */
  megapixelsPerSecond: number | null;
  /** The inputs it works on now. */
  current: string[];
}

export interface JobProgress {
  /** Finished items (ok + failed + skipped), over the whole job including earlier runs. */
  done: number;
  total: number;
  ok: number;
  failed: number;
  skipped: number;
  /** The input being processed, and how much of it is done (0..1), or null between items. */
  currentInput: string | null;
  currentFraction: number;
  /** Output megapixels per second in this run; null until measurable. */
  megapixelsPerSecond: number | null;
  /** null while unknown. */
  etaSeconds: number | null;
  elapsedSeconds: number;
}

export type UpscaleJobListener = (event: UpscaleJobEvent) => void;
