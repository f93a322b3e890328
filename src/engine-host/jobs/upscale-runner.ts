import path from 'node:path';
import { SrError } from '../../engine/errors.ts';
import type { UpscaleJobEvent } from '../../engine/jobs/job-events.ts';
import { runUpscaleJob } from '../../engine/jobs/run-upscale-job.ts';
import type { UpscaleRequestInput } from '../../engine/jobs/upscale-request.ts';
import { JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { JobSummary, UpscaleParams } from '../../shared/contract/index.ts';
import type { HandlerContext } from '../handler.ts';
import type { EngineServices } from '../services.ts';
import { toWireError } from '../wire-error.ts';
import { toJobSummary } from './job-summary.ts';

type Emit = HandlerContext['emit'];

interface ActiveJob {
  jobId: number | undefined;
  controller: AbortController;
  finished: Promise<void>;
}

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
    nameTemplate: params.nameTemplate,
    existing: params.existing,
    tile: params.tileSize,
    device: params.device,
  };
}

/**
 * Runs batch upscales (src/engine/jobs/run-upscale-job.ts) one at a time inside the engine host and turns their
 * events into contract events. The journal in the store is the durable record: a crash leaves the job `running`,
 * and the next engine start marks it interrupted (jobs/recover.ts) so `jobs.resume` can finish it.
 */
export class UpscaleRunner {
  private active: ActiveJob | undefined;

  constructor(private readonly services: EngineServices) {}

  /** Resolves once the job is in the journal and running; errors that stop it from starting reject. */
  async start(source: { params: UpscaleParams } | { resume: number }, emit: Emit): Promise<JobSummary> {
    if (this.active) {
      throw new SrError(
        'BAD_ARGUMENT',
        `Job #${this.active.jobId ?? '?'} is still running`,
        'Jobs run one at a time: wait for it, or cancel it.',
      );
    }
    const controller = new AbortController();
    let started!: (jobId: number) => void;
    let failedToStart!: (error: unknown) => void;
    const whenStarted = new Promise<number>((resolve, reject) => {
      started = resolve;
      failedToStart = reject;
    });
    const active: ActiveJob = { jobId: undefined, controller, finished: Promise.resolve() };
    this.active = active;
    active.finished = runUpscaleJob({
      store: this.services.store,
      ...('params' in source ? { request: toRequest(source.params) } : { resume: source.resume }),
      signal: controller.signal,
      abortStatus: 'cancelled',
      onEvent: (event) => {
        if (event.type === 'job-start') {
          active.jobId = event.jobId;
          started(event.jobId);
        }
        forward(event, emit);
      },
    }).then(
      () => undefined,
      (error: unknown) => {
        failedToStart(error);
        if (active.jobId !== undefined) {
          emit('job.state', { jobId: String(active.jobId), kind: 'upscale', state: 'failed', error: toWireError(error) });
        }
      },
    );
    void active.finished.finally(() => {
      if (this.active === active) this.active = undefined;
    });
    const jobId = await whenStarted;
    return this.summary(jobId);
  }

  /** Stops the running job after (or inside) its current file; finished files stay, and it can be resumed. */
  async cancel(jobId: number): Promise<JobSummary> {
    const active = this.active;
    if (active && active.jobId === jobId) {
      active.controller.abort();
      await active.finished;
    }
    return this.summary(jobId);
  }

  /** Stops whatever runs, e.g. when the host shuts down. */
  stop(): void {
    this.active?.controller.abort();
  }

  summary(jobId: number): JobSummary {
    const record = new JobsRepo(this.services.store).get(jobId);
    if (!record) throw new SrError('NOT_FOUND', `No job #${jobId}`, 'Refresh the job list.');
    return toJobSummary(this.services.store, record);
  }
}

function forward(event: UpscaleJobEvent, emit: Emit): void {
  const jobId = String(event.jobId);
  const at = new Date().toISOString();
  switch (event.type) {
    case 'job-start':
      emit('job.state', { jobId, kind: 'upscale', state: 'running' });
      return;
    case 'progress':
      emit('job.progress', {
        jobId,
        kind: 'upscale',
        done: event.done,
        total: event.total,
        etaSeconds: event.etaSeconds,
        ...(event.currentInput ? { message: path.basename(event.currentInput).slice(0, 500) } : {}),
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
