import path from 'node:path';
import { resolveRequestModel } from '../../engine/jobs/batch-model.ts';
import { createUpscaleJob, parseUpscaleRequest } from '../../engine/jobs/create-upscale-job.ts';
import type { UpscaleJobEvent } from '../../engine/jobs/job-events.ts';
import { findResumableJob } from '../../engine/jobs/resume-target.ts';
import { runUpscaleJob } from '../../engine/jobs/run-upscale-job.ts';
import type { UpscaleRequestInput } from '../../engine/jobs/upscale-request.ts';
import type { RedisTarget } from '../../engine/queue/redis-target.ts';
import { type JobRecord, JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { Store } from '../../engine/store/store.ts';
import type { UpscaleParams } from '../../shared/contract/index.ts';
import type { Emit, JobRunner } from './job-queue.ts';

function toRequest(params: UpscaleParams): UpscaleRequestInput {
  return {
    inputs: params.inputs,
    outDir: params.outputFolder,
    recursive: params.recursive,
    scale: params.scale,
    width: params.width,
    height: params.height,
    model: params.model,
    format: params.format,
    quality: params.quality,
    pngCompression: params.pngCompression,
    nameTemplate: params.nameTemplate,
    existing: params.existing,
    tile: params.tileSize,
    device: params.device,
    precision: params.precision,
    strength: params.strength,
  };
}

/**
 * Batch upscales (src/engine/jobs/) as queue jobs. `plan` checks the request and writes the journal (job 'queued',
 * one row per file) before answering, so a bad batch is refused at once and an accepted one survives a restart;
 * the queue (job-queue.ts) later runs it through the journal's resume path, the same path an interrupted job takes.
 */
export class UpscaleRunner implements JobRunner {
  /**
   * Queued batches' Redis URLs with their passwords, which the journal does not keep: known for the life of this
   * engine; after a restart a resume takes the password from $SRSTUDIO_REDIS_PASSWORD (or is started again).
   */
  private readonly queueTargets = new Map<number, RedisTarget>();

  constructor(
    private readonly store: () => Store,
    private readonly emit: Emit,
  ) {}

  /** Validates the request and journals the batch as 'queued'. Errors that stop it from starting reject. */
  async plan(params: UpscaleParams): Promise<JobRecord> {
    const store = this.store();
    const request = parseUpscaleRequest(toRequest(params));
    const { model } = await resolveRequestModel(request, store);
    return createUpscaleJob(new JobsRepo(store), request, model);
  }

  /**
   * `queue.upscale`: the same checks and journal as `plan`, plus the queue's: the URL is tried and the batch gets its
   * number in that Redis before anything is journaled. The job line then publishes it and follows the workers.
   */
  async planQueued(params: UpscaleParams, url: string, attempts: number): Promise<{ job: JobRecord; batch: number }> {
    const { parseRedisUrl } = await import('../../engine/queue/redis-target.ts');
    const { planQueuedUpscale } = await import('../../engine/queue/dispatch/queued-upscale.ts');
    const target = parseRedisUrl(url, 'The queue URL');
    const store = this.store();
    const request = parseUpscaleRequest(toRequest(params));
    const { model } = await resolveRequestModel(request, store);
    const planned = await planQueuedUpscale(new JobsRepo(store), request, model, { target, attempts });
    this.queueTargets.set(planned.job.id, target);
    return planned;
  }

  /** Puts a stopped job back in the line; finished files stay done. */
  requeue(jobId: number): void {
    const jobs = new JobsRepo(this.store());
    const job = findResumableJob(jobs, jobId);
    if (job.status !== 'queued') jobs.setStatus(jobId, 'queued');
  }

  /** Runs a queued job through the journal; a throw (bad model file, store error) is recorded by the queue. */
  async run(job: JobRecord, signal: AbortSignal): Promise<void> {
    const target = this.queueTargets.get(job.id);
    await runUpscaleJob({
      store: this.store(),
      resume: job.id,
      queue: target ? { target } : undefined,
      signal,
      // A UI cancel is 'cancelled'; an engine shutting down leaves the job 'interrupted' for the next start (and a
      // queued batch's files with its workers). Decided when the batch stops: the reason is not known before.
      abortStatus: (reason) => (reason === 'shutdown' ? 'interrupted' : 'cancelled'),
      onEvent: eventForwarder(this.emit),
    });
  }
}

/** The batch's events as the contract's: job state and progress, problems as log lines, queue workers' throughput. */
function eventForwarder(emit: Emit): (event: UpscaleJobEvent) => void {
  let queue: { batch: number; url: string } | undefined;
  return (event) => {
    if (event.type === 'job-start') queue = event.queue;
    if (event.type === 'workers' && queue) {
      const workers = event.workers.map((w) => ({ ...w, current: w.current.map((p) => path.basename(p).slice(0, 500)) }));
      emit('queue.workers', { jobId: String(event.jobId), ...queue, workers });
      return;
    }
    forward(event, emit);
  };
}

function forward(event: UpscaleJobEvent, emit: Emit): void {
  const jobId = String(event.jobId);
  const at = new Date().toISOString();
  switch (event.type) {
    case 'job-start':
      emit('job.state', { jobId, kind: 'upscale', state: 'running' });
      if (event.queue)
        emit('log', { level: 'info', source: `job ${jobId}`, message: `Batch ${event.queue.batch} on ${event.queue.url}`, at });
      return;
    case 'progress':
      emit('job.progress', {
        jobId,
        kind: 'upscale',
        done: event.done,
        total: event.total,
        etaSeconds: event.etaSeconds,
        megapixelsPerSecond: event.megapixelsPerSecond,
        ...(event.currentInput
          ? { message: path.basename(event.currentInput).slice(0, 500), itemFraction: Math.min(1, Math.max(0, event.currentFraction)) }
          : {}),
      });
      return;
    case 'item-failed':
      emit('log', { level: 'warn', source: `job ${jobId}`, message: `${event.input}: ${event.error.message}`.slice(0, 4000), at });
      return;
    case 'notice':
      emit('log', { level: 'info', source: `job ${jobId}`, message: event.message.slice(0, 4000), at });
      return;
    case 'job-end':
      emit('job.state', { jobId, kind: 'upscale', state: event.status });
      return;
    default:
      return;
  }
}
