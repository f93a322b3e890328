import type { SrError } from '../errors.ts';
import { probePhoto } from '../imaging/probe.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
import type { JobItemRecord, JobStatus, JobsRepo } from '../store/jobs-repo.ts';
import { type AbortStatus, statusOnAbort } from './abort-status.ts';
import type { FileWork } from './batch-file.ts';
import type { ItemError, UpscaleJobEvent, UpscaleJobListener } from './job-events.ts';
import { summarizeJob, type UpscaleJobSummary } from './job-summary.ts';
import { type FileOutcome, PhotoPipeline, type StageListener } from './pipeline/photo-pipeline.ts';
import { type PipelineSettings, pipelineSettings } from './pipeline/pipeline-settings.ts';
import { applySharpThreads } from './pipeline/sharp-threads.ts';
import { skipForAppearedOutput } from './plan-outputs.ts';
import { ProgressReporter } from './progress-reporter.ts';
import type { StartupClock } from './startup-clock.ts';
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
  abortStatus?: AbortStatus;
  onEvent?: UpscaleJobListener;
  progressIntervalMs?: number;
  /** 'off': one file after another, all cores to each (`--pipeline off`); absent: the automatic pipeline. */
  pipeline?: PipelineSettings | 'off';
  /** Per-stage busy seconds of each file, for bench:batch. */
  onStage?: StageListener;
  /** What ran before the batch, reported with its summary. */
  startup?: StartupClock;
  /** The model's session is open (run-upscale-job.ts): the first file prepares its photo for it from then on. */
  modelOpen?: Promise<unknown>;
  /** The model's warm-up, which the first file's inference waits for; it resolves to its notices. */
  modelReady?: Promise<string[]>;
}

/** Why the batch stopped before the end; the job stays resumable. */
type StopReason = { kind: 'aborted' } | { kind: 'disk-full'; error: SrError };

/**
 * Processes a planned job's pending files and records each result in the journal as soon as it is known, so a kill at
 * any moment loses at most the files in progress (left 'running', redone by a resume). By default the files go
 * through a pipeline (pipeline/photo-pipeline.ts): one is decoded while another is in the model and a third is
 * encoded, and they finish in any order. `pipeline: 'off'` runs them one after another. The caller has claimed the job
 * for this process first (`JobsRepo.claim`), so no other process works on the same files.
 */
export async function executeUpscaleJob(options: ExecuteOptions): Promise<UpscaleJobSummary> {
  const { jobs, jobId, request } = options;
  const startedAt = performance.now();
  options.startup?.batchStarted(startedAt);
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

  // The user's stop, or ours: a full disk stops the files in flight too.
  const stopper = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopper.signal]) : stopper.signal;
  let stop: StopReason | undefined;
  let batchEnded = (): void => {};
  let meter: ThroughputMeter | undefined;
  let writtenMp = 0;
  try {
    // 'job-start' was said when the job was made or claimed (run-upscale-job.ts).
    if (!options.resumed) announcePlanned(all, jobId, emit);
    // What opening the model had to say (it opened before the job existed); the first file waits for it anyway.
    void options.modelReady?.then((notices) => {
      for (const message of notices) notice(message);
    });

    const activeMeter = new ThroughputMeter(new Map(toDo.map((item) => [item.id, undefined])));
    meter = activeMeter;
    // Header probes for the ETA, beside the batch rather than before its first photo; they stop with the batch.
    const probing = new AbortController();
    void estimateWork(toDo, request, options.model.meta.scale, AbortSignal.any([signal, probing.signal]), (id, mp) =>
      activeMeter.setWeight(id, mp),
    );
    batchEnded = () => probing.abort();
    const progress = new ProgressReporter(jobId, all.length, counts, activeMeter, emit, options.progressIntervalMs ?? 100);
    progress.report(true);

    const workFor = (item: JobItemRecord): FileWork => ({
      input: item.input,
      output: item.output as string,
      // The job's own policy, stored with it: a resume honours it too, so a file put at a pending output meanwhile is kept.
      replace: request.existing === 'overwrite',
      // A resumed job's earlier process may have committed a photo's output and been killed before journaling it (its
      // row is then pending again): that file, byte for byte what this run produces, is the photo's output, not a
      // file that appeared meanwhile. Comparing bytes needs no extra journal write per photo; a fresh batch skips it.
      mayFindOwnOutput: options.resumed,
      model: options.model,
      request,
      signal,
      modelOpen: options.modelOpen,
      modelReady: options.modelReady,
      onFraction: (fraction) => {
        activeMeter.itemProgress(item.id, fraction);
        progress.current(item.input, fraction);
      },
      onNotice: notice,
    });
    const begin = (item: JobItemRecord): void => {
      jobs.markItem(item.id, 'running');
      emit({ type: 'item-start', jobId, itemId: item.id, input: item.input, output: item.output as string });
    };
    /** Records one file's end in the journal; a full disk or a stop also stops the batch. */
    const finish = (item: JobItemRecord, result: FileOutcome): void => {
      const output = item.output as string;
      if ('width' in result) {
        // The file's own seconds: its stages' busy time, without the waits for other files or for the model's warm-up.
        const { width, height, seconds } = result;
        jobs.markItem(item.id, 'done', { width, height, seconds, error: null });
        counts.ok++;
        writtenMp += (width * height) / 1e6;
        activeMeter.itemFinished(item.id, (width * height) / 1e6);
        emit({ type: 'item-done', jobId, itemId: item.id, input: item.input, output, width, height, seconds });
      } else {
        activeMeter.itemFinished(item.id, 0);
        const itemError = toItemError(result.error);
        const skipReason = skipForAppearedOutput(itemError.code, request.existing, output);
        if (signal.aborted || itemError.code === 'CANCELLED') {
          // Cancelled inside the file: nothing was written (the encoder only renames a complete file).
          jobs.markItem(item.id, 'pending');
          stop ??= { kind: 'aborted' };
        } else if (itemError.code === 'DISK_FULL') {
          // Every next file would fail the same way: stop, keep this one to redo after space is freed.
          jobs.markItem(item.id, 'pending');
          stop ??= { kind: 'disk-full', error: result.error as SrError };
          stopper.abort(result.error);
        } else if (skipReason !== undefined) {
          // Its output appeared after planning (another batch, a file put there before a resume): kept, as planned ones are.
          jobs.markItem(item.id, 'skipped', { reason: skipReason });
          counts.skipped++;
          emit({ type: 'item-skipped', jobId, itemId: item.id, input: item.input, reason: skipReason });
        } else {
          jobs.markItem(item.id, 'failed', { error: itemError.message, reason: itemError.code });
          counts.failed++;
          emit({ type: 'item-failed', jobId, itemId: item.id, input: item.input, error: itemError });
        }
      }
      if (progress.currentInputIs(item.input)) progress.current(null, 0);
      progress.report(true);
    };

    if (options.pipeline === 'off') {
      for (const item of toDo) {
        if (signal.aborted) break;
        begin(item);
        const work = { ...workFor(item), onStage: options.onStage };
        const result = await upscaleFile(item.input, item.output as string, work).catch((error: unknown) => ({ error }));
        finish(item, result);
      }
    } else {
      const settings = options.pipeline ?? pipelineSettings();
      applySharpThreads(settings);
      await runPipelined(toDo, new PhotoPipeline(settings, options.onStage), workFor, begin, finish, signal);
    }
    // A stop that came after the last file had started changed nothing: the batch is done.
    if (signal.aborted && jobs.items(jobId).some((i) => i.status === 'pending' || i.status === 'running')) stop ??= { kind: 'aborted' };
    else if (stop?.kind === 'aborted') stop = undefined;
  } catch (error) {
    batchEnded();
    // The journal itself failed (disk, lock): leave the job resumable and say why.
    try {
      jobs.setStatus(jobId, 'interrupted', (error as Error).message);
    } catch {
      // The store is unusable; the next start-up marks the job interrupted from its dead owner pid.
    }
    throw error;
  }

  batchEnded();
  const status: JobStatus = stop?.kind === 'aborted' ? statusOnAbort(options.abortStatus, options.signal) : stop ? 'interrupted' : 'done';
  jobs.setStatus(jobId, status, stop?.kind === 'disk-full' ? stop.error.describe() : null);
  emit({ type: 'job-end', jobId, status });

  const job = jobs.get(jobId);
  const seconds = (performance.now() - startedAt) / 1000;
  const activeSeconds = meter?.snapshot().elapsedSeconds ?? seconds;
  return summarizeJob(job ?? { id: jobId, status, error: null }, jobs.items(jobId), {
    seconds,
    megapixelsPerSecond: writtenMp > 0 && activeSeconds > 0 ? writtenMp / activeSeconds : null,
    startup: options.startup?.report(),
    notices: [...noticed],
  });
}

/**
 * Feeds the files to the pipeline in journal order, never more at once than it can hold (its stages' places plus a
 * few waiting for the budget), and waits for the last. A file's row says 'running' from the moment the pipeline admits
 * it until its outcome is recorded, which happens before its budget goes to the next file. A journal failure stops the
 * feeding and is thrown once the files in flight have settled.
 */
async function runPipelined(
  toDo: readonly JobItemRecord[],
  pipeline: PhotoPipeline,
  workFor: (item: JobItemRecord) => FileWork,
  begin: (item: JobItemRecord) => void,
  finish: (item: JobItemRecord, outcome: FileOutcome) => void,
  signal: AbortSignal,
): Promise<void> {
  const { decoders, encoders, writers } = pipeline.settings;
  const capacity = decoders + encoders + writers + 3;
  const inFlight = new Set<Promise<void>>();
  let journalError: unknown;
  for (const item of toDo) {
    if (signal.aborted || journalError !== undefined) break;
    let admitted = false;
    let recorded = false;
    const running: Promise<void> = pipeline
      .run(workFor(item), {
        onAdmitted: () => {
          admitted = true;
          begin(item);
        },
        onSettled: (outcome) => {
          finish(item, outcome);
          recorded = true;
        },
      })
      .then(
        () => undefined,
        (error: unknown) => {
          // Not admitted: cancelled while waiting, never started. Recorded: the file's own failure, journaled.
          if (admitted && !recorded) journalError ??= error;
        },
      )
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
    if (inFlight.size >= capacity) await Promise.race(inFlight);
  }
  await Promise.allSettled(inFlight);
  if (journalError !== undefined) throw journalError;
}

/** Estimated output megapixels of each file to do, from header probes (cheap); unreadable files weigh 0. */
async function estimateWork(
  items: readonly JobItemRecord[],
  request: UpscaleRequest,
  modelScale: number,
  signal: AbortSignal,
  onWeight: (id: number, mp: number) => void,
): Promise<void> {
  const sizing = sizingOf(request, modelScale);
  for (const item of items) {
    if (signal.aborted) break;
    try {
      const info = await probePhoto(item.input, { maxPixels: request.maxPixels });
      const out = estimateOutputSize(info.width, info.height, sizing);
      onWeight(item.id, (out.width * out.height) / 1e6);
    } catch {
      onWeight(item.id, 0);
    }
  }
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
