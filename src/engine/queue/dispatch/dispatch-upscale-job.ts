import { announcePlanned } from '../../jobs/execute-upscale-job.ts';
import type { ItemError, UpscaleJobEvent, UpscaleJobListener } from '../../jobs/job-events.ts';
import { summarizeJob, type UpscaleJobSummary } from '../../jobs/job-summary.ts';
import { ProgressReporter } from '../../jobs/progress-reporter.ts';
import { type UpscaleRequest, upscaleSettingsOf } from '../../jobs/upscale-request.ts';
import type { LoadedModel } from '../../models/loaded-model.ts';
import type { JobItemRecord, JobStatus, JobsRepo } from '../../store/jobs-repo.ts';
import { findManifest, type UpscaleBatchManifest, writeManifest } from '../batch-manifest.ts';
import { readOutcomes } from '../batch-outcomes.ts';
import { parseFailureReason } from '../failure-reason.ts';
import { FileProgress, type UpscaleFileJob, UpscaleFileResult } from '../file-jobs.ts';
import { describeModel, publishModel } from '../model-transport.ts';
import { fileJobId, JOB_NAMES, parseFileJobId } from '../queue-names.ts';
import { enqueueFiles, removeUnstarted } from './enqueue.ts';
import { FleetMeter } from './fleet-meter.ts';
import type { QueueLink } from './queue-link.ts';

export interface DispatchUpscaleOptions {
  jobs: JobsRepo;
  jobId: number;
  model: LoadedModel;
  request: UpscaleRequest;
  resumed: boolean;
  link: QueueLink;
  batch: number;
  attempts: number;
  /** Stops following the batch. `cancelled` also takes its unstarted files out of the queue; `interrupted` leaves the workers at it. */
  signal?: AbortSignal;
  abortStatus?: 'interrupted' | 'cancelled';
  onEvent?: UpscaleJobListener;
  progressIntervalMs?: number;
}

type Stop = { kind: 'aborted' } | { kind: 'disk-full'; error: ItemError };

/**
 * The queued counterpart of executeUpscaleJob: the same journal, the same events, the same summary, but the files
 * are upscaled by queue workers. It publishes the batch (model, plan, one job per file still to do), then mirrors
 * what the workers report (BullMQ's event stream) into this machine's journal, file by file, until every file is done
 * or failed. On start and after every reconnection it also reads each open file's state once, so a report missed
 * while this process was away or Redis restarted is caught up; there is no polling.
 */
export async function dispatchUpscaleJob(options: DispatchUpscaleOptions): Promise<UpscaleJobSummary> {
  const { jobs, jobId, link, batch, signal } = options;
  const startedAt = performance.now();
  const emit = (event: UpscaleJobEvent): void => options.onEvent?.(event);
  const all = jobs.items(jobId);
  const open = new Map(all.filter((i) => i.status === 'pending' || i.status === 'running').map((i) => [i.seq, i]));
  const counts = { ok: 0, failed: 0, skipped: 0 };
  for (const item of all) {
    if (item.status === 'done') counts.ok++;
    else if (item.status === 'failed') counts.failed++;
    else if (item.status === 'skipped') counts.skipped++;
  }
  const meter = new FleetMeter(open.size);
  const intervalMs = options.progressIntervalMs ?? 250;
  const progress = new ProgressReporter(jobId, all.length, counts, meter, emit, 0);
  // Progress at every file boundary (as a local batch reports), the workers' table at most once per interval.
  let lastWorkers = Number.NEGATIVE_INFINITY;
  const reportWorkers = (): void => {
    lastWorkers = performance.now();
    emit({ type: 'workers', jobId, workers: meter.workers() });
  };
  const report = (fileBoundary: boolean): void => {
    const due = performance.now() - lastWorkers >= intervalMs;
    if (fileBoundary || due) progress.report(true);
    if (due) reportWorkers();
  };
  const reportAll = (): void => {
    progress.report(true);
    reportWorkers();
  };

  let stop: Stop | undefined;
  let writtenMp = 0;
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  const settleIfDone = (): void => {
    if (open.size === 0) settle();
  };

  const started = (seq: number, worker: string): void => {
    const item = open.get(seq);
    if (!item) return;
    if (item.status !== 'running') {
      jobs.markItem(item.id, 'running');
      item.status = 'running';
      emit({ type: 'item-start', jobId, itemId: item.id, input: item.input, output: item.output as string });
    }
    meter.started(worker, item.input);
    report(false);
  };

  const done = (seq: number, raw: unknown): void => {
    const item = open.get(seq);
    if (!item) return;
    const parsed = UpscaleFileResult.safeParse(raw);
    if (!parsed.success) {
      failed(seq, { code: 'INTERNAL', message: `${item.input}: the worker reported a result this SR Studio version cannot read` });
      return;
    }
    open.delete(seq);
    const { width, height, seconds, worker } = parsed.data;
    jobs.markItem(item.id, 'done', { width, height, seconds, error: null });
    counts.ok++;
    writtenMp += (width * height) / 1e6;
    meter.finished(worker, item.input, (width * height) / 1e6);
    emit({ type: 'item-done', jobId, itemId: item.id, input: item.input, output: item.output as string, width, height, seconds, worker });
    report(true);
    settleIfDone();
  };

  const failed = (seq: number, error: ItemError): void => {
    const item = open.get(seq);
    if (!item) return;
    open.delete(seq);
    meter.finished(undefined, item.input, 0);
    if (error.code === 'DISK_FULL') {
      // As in a local batch: every next file would fail the same way. The file stays to do, its failed job leaves the
      // queue (so a resume can add it again), and the batch stops, resumable once space is freed.
      jobs.markItem(item.id, 'pending');
      stop ??= { kind: 'disk-full', error };
      void link.queue.remove(fileJobId(batch, seq)).catch(() => 0);
      settle();
      return;
    }
    jobs.markItem(item.id, 'failed', { error: error.message, reason: error.code });
    counts.failed++;
    emit({ type: 'item-failed', jobId, itemId: item.id, input: item.input, error });
    report(true);
    settleIfDone();
  };

  const manifest = await loadOrPlanManifest(options, all);
  /** Reads the state of every open file once: outcomes missed while away are applied, lost jobs are added again. */
  const catchUp = async (): Promise<void> => {
    const outcomes = await readOutcomes(link.queue, batch, [...open.keys()]);
    const missing: number[] = [];
    for (const [seq, outcome] of outcomes) {
      if (outcome.state === 'done') done(seq, outcome.result);
      else if (outcome.state === 'failed') failed(seq, parseFailureReason(outcome.reason));
      else if (outcome.state === 'missing') missing.push(seq);
    }
    await enqueueFiles(link.queue, batch, options.attempts, fileJobs(manifest, missing));
  };

  emit({
    type: 'job-start',
    jobId,
    resumed: options.resumed,
    total: all.length,
    toDo: open.size,
    outDir: options.request.outDir,
    modelId: options.model.meta.id,
    queue: { batch, url: link.target.display },
  });
  if (!options.resumed) announcePlanned(all, jobId, emit);
  reportAll();

  const events = await link.openEvents();
  events.on('progress', ({ jobId: id, data }) => {
    const ref = parseFileJobId(id);
    const report = FileProgress.safeParse(data);
    if (ref?.batch === batch && report.success) started(ref.seq, report.data.worker);
  });
  events.on('completed', ({ jobId: id, returnvalue }) => {
    const ref = parseFileJobId(id);
    if (ref?.batch === batch) done(ref.seq, typeof returnvalue === 'string' ? safeJson(returnvalue) : returnvalue);
  });
  events.on('failed', ({ jobId: id, failedReason }) => {
    const ref = parseFileJobId(id);
    if (ref?.batch === batch) failed(ref.seq, parseFailureReason(failedReason));
  });
  const stopCatchingUp = link.onReconnect(() => {
    catchUp().catch((error: unknown) => emit({ type: 'notice', jobId, message: `Could not catch up with the queue: ${String(error)}` }));
  });
  const onAbort = (): void => {
    stop ??= { kind: 'aborted' };
    settle();
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    if (signal?.aborted) onAbort();
    await publishModel(link.redis, manifest.model);
    await writeManifest(link.redis, manifest);
    // Listening started before the jobs exist, and catchUp reads the state of each after: no report can slip between.
    await enqueueFiles(link.queue, batch, options.attempts, fileJobs(manifest, [...open.keys()]));
    await catchUp();
    settleIfDone();
    await settled;
    if (stop?.kind === 'disk-full' || (stop?.kind === 'aborted' && options.abortStatus === 'cancelled')) {
      await removeUnstarted(link.queue, batch, [...open.keys()]);
    }
  } catch (error) {
    // Redis or the journal failed under us: the workers may go on; a resume catches up with them.
    try {
      jobs.setStatus(jobId, 'interrupted', (error as Error).message);
    } catch {
      // The store is unusable; the next start marks the job interrupted from its dead owner pid.
    }
    throw error;
  } finally {
    stopCatchingUp();
    signal?.removeEventListener('abort', onAbort);
    await events.close().catch(() => undefined);
  }

  const status: JobStatus = stop?.kind === 'aborted' ? (options.abortStatus ?? 'interrupted') : stop ? 'interrupted' : 'done';
  jobs.setStatus(jobId, status, stop?.kind === 'disk-full' ? describe(stop.error) : null);
  reportAll();
  emit({ type: 'job-end', jobId, status });
  const snapshot = meter.snapshot();
  const summary = summarizeJob(jobs.get(jobId) ?? { id: jobId, status, error: null }, jobs.items(jobId), {
    seconds: (performance.now() - startedAt) / 1000,
    megapixelsPerSecond: writtenMp > 0 && snapshot.elapsedSeconds > 0 ? writtenMp / snapshot.elapsedSeconds : null,
  });
  return { ...summary, queue: { batch, url: link.target.display, workers: meter.workers() } };
}

/** The plan in Redis (a resume keeps the one first published), or a new one from this journal. */
async function loadOrPlanManifest(options: DispatchUpscaleOptions, items: readonly JobItemRecord[]): Promise<UpscaleBatchManifest> {
  const existing = await findManifest(options.link.redis, options.batch, options.link.target.display);
  if (existing?.kind === 'upscale') return existing;
  return {
    version: 1,
    kind: 'upscale',
    batch: options.batch,
    createdAt: new Date().toISOString(),
    request: options.request,
    model: await describeModel(options.model),
    attempts: options.attempts,
    items: items.map((i) => ({
      seq: i.seq,
      input: i.input,
      output: i.output,
      status: i.status === 'skipped' || i.status === 'failed' ? i.status : 'pending',
      reason: i.reason,
      error: i.error,
    })),
  };
}

function fileJobs(manifest: UpscaleBatchManifest, seqs: readonly number[]): { name: string; seq: number; data: UpscaleFileJob }[] {
  const bySeq = new Map(manifest.items.map((i) => [i.seq, i]));
  const settings = upscaleSettingsOf(manifest.request);
  return seqs.flatMap((seq) => {
    const item = bySeq.get(seq);
    if (!item?.output) return [];
    const data: UpscaleFileJob = { batch: manifest.batch, seq, input: item.input, output: item.output, model: manifest.model, settings };
    return [{ name: JOB_NAMES.upscale, seq, data }];
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(error: ItemError): string {
  return error.hint ? `${error.message}\n  → ${error.hint}` : error.message;
}
