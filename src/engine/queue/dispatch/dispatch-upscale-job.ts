import { type AbortStatus, statusOnAbort } from '../../jobs/abort-status.ts';
import { announcePlanned } from '../../jobs/execute-upscale-job.ts';
import type { ItemError, UpscaleJobEvent, UpscaleJobListener } from '../../jobs/job-events.ts';
import { summarizeJob, type UpscaleJobSummary } from '../../jobs/job-summary.ts';
import { type UpscaleRequest, upscaleSettingsOf } from '../../jobs/upscale-request.ts';
import type { LoadedModel } from '../../models/loaded-model.ts';
import type { JobItemRecord, JobStatus, JobsRepo } from '../../store/jobs-repo.ts';
import { findManifest, type UpscaleBatchManifest, writeManifest } from '../batch-manifest.ts';
import { readOutcomes } from '../batch-outcomes.ts';
import { parseFailureReason } from '../failure-reason.ts';
import { FileProgress, type UpscaleFileJob } from '../file-jobs.ts';
import { describeModel, publishModel } from '../model-transport.ts';
import { JOB_NAMES, parseFileJobId } from '../queue-names.ts';
import { enqueueFiles, removeFiles, removeUnstarted } from './enqueue.ts';
import { JournalMirror } from './journal-mirror.ts';
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
  abortStatus?: AbortStatus;
  onEvent?: UpscaleJobListener;
  progressIntervalMs?: number;
}

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
  const mirror = new JournalMirror(jobs, jobId, all, options.request.existing, emit, options.progressIntervalMs ?? 250);
  const manifest = await loadOrPlanManifest(options, all);
  /**
   * Reads the state of every open file once: outcomes missed while away are applied, lost jobs are added again, and
   * files that failed for a full disk while nobody followed the batch are tried anew (the disk is the workers', not
   * the file's fault: space may be back, or other workers have room); a full disk seen live stops the batch instead.
   */
  const catchUp = async (): Promise<void> => {
    const missing: number[] = [];
    const diskFull: number[] = [];
    for (const [seq, outcome] of await readOutcomes(link.queue, batch, [...mirror.open.keys()])) {
      const failure = outcome.state === 'failed' ? parseFailureReason(outcome.reason) : undefined;
      if (outcome.state === 'done') mirror.done(seq, outcome.result);
      else if (failure?.code === 'DISK_FULL') diskFull.push(seq);
      else if (failure) mirror.failed(seq, failure);
      else if (outcome.state === 'missing') missing.push(seq);
    }
    await removeFiles(link.queue, batch, diskFull);
    await enqueueFiles(link.queue, batch, options.attempts, fileJobs(manifest, [...missing, ...diskFull]));
  };

  emit({
    type: 'job-start',
    jobId,
    resumed: options.resumed,
    total: all.length,
    toDo: mirror.open.size,
    outDir: options.request.outDir,
    modelId: options.model.meta.id,
    queue: { batch, url: link.target.display },
  });
  if (!options.resumed) announcePlanned(all, jobId, emit);
  mirror.reportAll();

  const events = await link.openEvents();
  events.on('progress', ({ jobId: id, data }) => {
    const ref = parseFileJobId(id);
    const report = FileProgress.safeParse(data);
    if (ref?.batch === batch && report.success) mirror.started(ref.seq, report.data.worker);
  });
  events.on('completed', ({ jobId: id, returnvalue }) => {
    const ref = parseFileJobId(id);
    if (ref?.batch === batch) mirror.done(ref.seq, typeof returnvalue === 'string' ? safeJson(returnvalue) : returnvalue);
  });
  events.on('failed', ({ jobId: id, failedReason }) => {
    const ref = parseFileJobId(id);
    if (ref?.batch === batch) mirror.failed(ref.seq, parseFailureReason(failedReason));
  });
  const stopCatchingUp = link.onReconnect(() => {
    catchUp().catch((error: unknown) => emit({ type: 'notice', jobId, message: `Could not catch up with the queue: ${String(error)}` }));
  });
  const onAbort = (): void => mirror.stop({ kind: 'aborted' });
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    if (signal?.aborted) onAbort();
    await publishModel(link.redis, manifest.model);
    await writeManifest(link.redis, manifest);
    // Listening started before the jobs exist, and catchUp reads the state of each after: no report can slip between.
    await enqueueFiles(link.queue, batch, options.attempts, fileJobs(manifest, [...mirror.open.keys()]));
    await catchUp();
    await mirror.settled;
    await leaveQueue(options, mirror);
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

  const stop = mirror.stopped;
  const status: JobStatus = stop?.kind === 'aborted' ? statusOnAbort(options.abortStatus, options.signal) : stop ? 'interrupted' : 'done';
  jobs.setStatus(jobId, status, stop?.kind === 'disk-full' ? describe(stop.error) : null);
  mirror.reportAll();
  emit({ type: 'job-end', jobId, status });
  const { elapsedSeconds } = mirror.meter.snapshot();
  const summary = summarizeJob(jobs.get(jobId) ?? { id: jobId, status, error: null }, jobs.items(jobId), {
    seconds: (performance.now() - startedAt) / 1000,
    megapixelsPerSecond: mirror.megapixelsWritten > 0 && elapsedSeconds > 0 ? mirror.megapixelsWritten / elapsedSeconds : null,
  });
  return { ...summary, queue: { batch, url: link.target.display, workers: mirror.meter.workers() } };
}

/**
 * What leaves the queue when the batch stops early. A cancel takes out the files no worker started; a full disk
 * also takes out the files that failed on it, so a resume (after space is freed) adds them again. An interrupt (Ctrl-C,
 * the engine shutting down) takes out nothing: the workers go on, and a resume catches up with them.
 */
async function leaveQueue(options: DispatchUpscaleOptions, mirror: JournalMirror): Promise<void> {
  const stop = mirror.stopped;
  await removeFiles(options.link.queue, options.batch, mirror.diskFull);
  if (stop?.kind === 'disk-full' || (stop?.kind === 'aborted' && statusOnAbort(options.abortStatus, options.signal) === 'cancelled')) {
    await removeUnstarted(options.link.queue, options.batch, [...mirror.open.keys()]);
  }
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
    const { batch, model, request } = manifest;
    const data: UpscaleFileJob = { batch, seq, input: item.input, output: item.output, model, settings, existing: request.existing };
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
