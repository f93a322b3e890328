import type { JobItemRecord, JobStatus } from '../store/jobs-repo.ts';
import type { WorkerThroughput } from './job-events.ts';
import type { StartupReport } from './startup-clock.ts';

/**
 * The result of a batch, read back from the journal so that a resumed job reports all of its files, including
 * those finished before the interruption. This is also the `--json` document of `srstudio upscale`.
 */
export interface UpscaleJobSummary {
  job: number;
  status: JobStatus;
  /** Files upscaled and written. */
  ok: number;
  failed: { input: string; error: string; code: string | null }[];
  skipped: { input: string; reason: string }[];
  outputs: { input: string; output: string; width: number; height: number; seconds: number }[];
  /** Files neither done, failed nor skipped (the job was interrupted). */
  remaining: number;
  /** Wall time of this run. */
  seconds: number;
  /** Output megapixels per second of the files written in this run; null if none were. */
  megapixelsPerSecond: number | null;
  /** Set when the job stopped early (interrupted, cancelled, disk full). */
  error?: string;
  /** What ran before the batch (CLI runs): module loading, store, model, planning, and the model's warm-up. */
  startup?: StartupReport;
  /**
   * What this run had to say besides each file's outcome, in order, each once (the `notice` events): e.g. that only the
   * first frame of an animated GIF was upscaled, or that `--device auto` ran on the CPU. Absent when there was nothing.
   */
  notices?: string[];
  /** Queued batches: the batch's number and Redis URL (no password), and each worker's part in this run. */
  queue?: { batch: number; url: string; workers: WorkerThroughput[] };
}

export function summarizeJob(
  job: { id: number; status: JobStatus; error: string | null },
  items: readonly JobItemRecord[],
  run: { seconds: number; megapixelsPerSecond: number | null; startup?: StartupReport; notices?: readonly string[] },
): UpscaleJobSummary {
  const summary: UpscaleJobSummary = {
    job: job.id,
    status: job.status,
    ok: 0,
    failed: [],
    skipped: [],
    outputs: [],
    remaining: 0,
    seconds: run.seconds,
    megapixelsPerSecond: run.megapixelsPerSecond,
  };
  for (const item of items) {
    switch (item.status) {
      case 'done':
        summary.ok += 1;
        summary.outputs.push({
          input: item.input,
          output: item.output ?? '',
          width: item.width ?? 0,
          height: item.height ?? 0,
          seconds: item.seconds ?? 0,
        });
        break;
      case 'failed':
        summary.failed.push({ input: item.input, error: item.error ?? 'failed', code: item.reason });
        break;
      case 'skipped':
        summary.skipped.push({ input: item.input, reason: item.reason ?? 'skipped' });
        break;
      default:
        summary.remaining += 1;
    }
  }
  if (job.error) summary.error = job.error;
  if (run.startup) summary.startup = run.startup;
  if (run.notices && run.notices.length > 0) summary.notices = [...run.notices];
  return summary;
}
