import type { SrError } from '../errors.ts';
import { probePhoto } from '../imaging/probe.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import type { JobItemRecord, JobStatus, JobsRepo } from '../store/jobs-repo.ts';
import type { ItemError, UpscaleJobEvent, UpscaleJobListener } from './job-events.ts';
import { summarizeJob, type UpscaleJobSummary } from './job-summary.ts';
import { ProgressReporter } from './progress-reporter.ts';
import { ThroughputMeter } from './throughput-meter.ts';
import { toItemError, upscaleFile } from './upscale-file.ts';
import { estimateOutputSize, sizingOf, type UpscaleRequest } from './upscale-request.ts';

export interface ExecuteOptions {
  jobs: JobsRepo;
  jobId: number;
  model: LoadedModel;
  request: UpscaleRequest;
  resumed: boolean;
  signal?: AbortSignal;
  abortStatus?: 'interrupted' | 'cancelled';
  onEvent?: UpscaleJobListener;
  progressIntervalMs?: number;
}

/** Why the loop stopped before the end; the job stays resumable. */
type StopReason = { kind: 'aborted' } | { kind: 'disk-full'; error: SrError };

/**
 * Processes a planned job's pending files one by one (the model already uses every core), recording each result
 * in the journal before going on, so a kill at any moment loses at most the file in progress. The caller has
 * claimed the job for this process first (`JobsRepo.claim`), so no other process works on the same files.
 */
export async function executeUpscaleJob(options: ExecuteOptions): Promise<UpscaleJobSummary> {
  const { jobs, jobId, request, signal } = options;
  const startedAt = performance.now();
  const emit = (event: UpscaleJobEvent): void => options.onEvent?.(event);
  const noticed = new Set<string>();
  const notice = (message: string): void => {
    if (noticed.has(message)) return;
    noticed.add(message);
    emit({ type: 'notice', jobId, message });
  };

  const all = jobs.items(jobId);
  const toDo = all.filter((i) => i.status === 'pending' || i.status === 'running');
  const counts = { ok: 0, failed: 0, skipped: 0 };
  for (const item of all) {
    if (item.status === 'done') counts.ok++;
    else if (item.status === 'failed') counts.failed++;
    else if (item.status === 'skipped') counts.skipped++;
  }

  let stop: StopReason | undefined;
  let meter: ThroughputMeter | undefined;
  let writtenMp = 0;
  try {
    emit({
      type: 'job-start',
      jobId,
      resumed: options.resumed,
      total: all.length,
      toDo: toDo.length,
      outDir: request.outDir,
      modelId: options.model.meta.id,
    });
    if (!options.resumed) announcePlanned(all, jobId, emit);

    meter = new ThroughputMeter(await estimateWork(toDo, request, options.model.meta.scale, signal));
    const progress = new ProgressReporter(jobId, all.length, counts, meter, emit, options.progressIntervalMs ?? 100);
    progress.report(true);

    for (const item of toDo) {
      if (signal?.aborted) {
        stop = { kind: 'aborted' };
        break;
      }
      const output = item.output as string;
      jobs.markItem(item.id, 'running');
      emit({ type: 'item-start', jobId, itemId: item.id, input: item.input, output });
      meter.itemStarted(item.id);
      progress.current(item.input, 0);
      const t0 = performance.now();
      try {
        const { width, height } = await upscaleFile(item.input, output, {
          model: options.model,
          request,
          signal,
          onFraction: (fraction) => {
            meter?.itemProgress(item.id, fraction);
            progress.current(item.input, fraction);
          },
          onNotice: notice,
        });
        const seconds = (performance.now() - t0) / 1000;
        jobs.markItem(item.id, 'done', { width, height, seconds, error: null });
        counts.ok++;
        writtenMp += (width * height) / 1e6;
        meter.itemFinished(item.id, (width * height) / 1e6);
        emit({ type: 'item-done', jobId, itemId: item.id, input: item.input, output, width, height, seconds });
      } catch (error) {
        meter.itemFinished(item.id, 0);
        if (signal?.aborted) {
          // Cancelled inside the file: nothing was written (the encoder only renames a complete file).
          jobs.markItem(item.id, 'pending');
          stop = { kind: 'aborted' };
          break;
        }
        const itemError = toItemError(error);
        if (itemError.code === 'DISK_FULL') {
          // Every next file would fail the same way: stop, keep this one to redo after space is freed.
          jobs.markItem(item.id, 'pending');
          stop = { kind: 'disk-full', error: error as SrError };
          break;
        }
        jobs.markItem(item.id, 'failed', { error: itemError.message, reason: itemError.code });
        counts.failed++;
        emit({ type: 'item-failed', jobId, itemId: item.id, input: item.input, error: itemError });
      }
      progress.current(null, 0);
      progress.report(true);
    }
  } catch (error) {
    // The journal itself failed (disk, lock): leave the job resumable and say why.
    try {
      jobs.setStatus(jobId, 'interrupted', (error as Error).message);
    } catch {
      // The store is unusable; the next start-up marks the job interrupted from its dead owner pid.
    }
    throw error;
  }

  const status: JobStatus = stop?.kind === 'aborted' ? (options.abortStatus ?? 'interrupted') : stop ? 'interrupted' : 'done';
  jobs.setStatus(jobId, status, stop?.kind === 'disk-full' ? stop.error.describe() : null);
  emit({ type: 'job-end', jobId, status });

  const job = jobs.get(jobId);
  const seconds = (performance.now() - startedAt) / 1000;
  const activeSeconds = meter?.snapshot().elapsedSeconds ?? seconds;
  return summarizeJob(job ?? { id: jobId, status, error: null }, jobs.items(jobId), {
    seconds,
    megapixelsPerSecond: writtenMp > 0 && activeSeconds > 0 ? writtenMp / activeSeconds : null,
  });
}

/** Estimated output megapixels of each file to do, from header probes (cheap); unreadable files weigh 0. */
async function estimateWork(
  items: readonly JobItemRecord[],
  request: UpscaleRequest,
  modelScale: number,
  signal?: AbortSignal,
): Promise<Map<number, number>> {
  const sizing = sizingOf(request, modelScale);
  const weights = new Map<number, number>();
  for (const item of items) {
    if (signal?.aborted) break;
    try {
      const info = await probePhoto(item.input, { maxPixels: request.maxPixels });
      const out = estimateOutputSize(info.width, info.height, sizing);
      weights.set(item.id, (out.width * out.height) / 1e6);
    } catch {
      weights.set(item.id, 0);
    }
  }
  return weights;
}

/** Fresh jobs report the rows decided at planning time, so a listener sees every input once. */
export function announcePlanned(items: readonly JobItemRecord[], jobId: number, emit: (event: UpscaleJobEvent) => void): void {
  for (const item of items) {
    if (item.status === 'skipped')
      emit({ type: 'item-skipped', jobId, itemId: item.id, input: item.input, reason: item.reason ?? 'skipped' });
    else if (item.status === 'failed') {
      emit({
        type: 'item-failed',
        jobId,
        itemId: item.id,
        input: item.input,
        error: { code: (item.reason ?? 'INTERNAL') as ItemError['code'], message: item.error ?? 'failed' },
      });
    }
  }
}
