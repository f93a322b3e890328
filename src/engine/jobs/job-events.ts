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
    }
  | { type: 'item-start'; jobId: number; itemId: number; input: string; output: string }
  | { type: 'item-done'; jobId: number; itemId: number; input: string; output: string; width: number; height: number; seconds: number }
  | { type: 'item-failed'; jobId: number; itemId: number; input: string; error: ItemError }
  | { type: 'item-skipped'; jobId: number; itemId: number; input: string; reason: string }
  | ({ type: 'progress'; jobId: number } & JobProgress)
  /** Said once per batch, e.g. "Running on the CPU: …" when `auto` found no usable GPU. */
  | { type: 'notice'; jobId: number; message: string }
  | { type: 'job-end'; jobId: number; status: JobStatus };

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
