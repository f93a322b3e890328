import { SrError } from '../errors.ts';
import { useGraphCache } from '../models/graph-cache.ts';
import type { LoadedModel } from '../models/loaded-model.ts';
// Types only: the queue code (BullMQ, ioredis) is loaded when a batch uses the queue, never for a local batch.
import type { QueueChoice } from '../queue/dispatch/queued-upscale.ts';
import { JobsRepo } from '../store/jobs-repo.ts';
import type { Store } from '../store/store.ts';
import { warmModelPass } from '../upscale/model-pass.ts';
import type { AbortStatus } from './abort-status.ts';
import { resolveBatchModel, resolveRequestModel } from './batch-model.ts';
import { createUpscaleJob, parseUpscaleRequest, readUpscaleJobParams } from './create-upscale-job.ts';
import type { UpscaleJobListener } from './job-events.ts';
import type { UpscaleJobSummary } from './job-summary.ts';
import { removeLeftoverTempFiles } from './leftover-temp-files.ts';
import type { StageListener } from './pipeline/photo-pipeline.ts';
import { type PipelineSettings, pipelineSettings } from './pipeline/pipeline-settings.ts';
import { claimResumableJob, findResumableJob } from './resume-target.ts';
import type { StartupClock } from './startup-clock.ts';
import type { UpscaleRequest, UpscaleRequestInput } from './upscale-request.ts';

export interface RunUpscaleJobOptions {
  store: Store;
  /** A new batch, or `resume` (a job id, or 'latest' for the newest unfinished upscale job). */
  request?: UpscaleRequestInput;
  resume?: number | 'latest';
  /** Stops the batch after (or inside) the current file; the job can be resumed later. */
  signal?: AbortSignal;
  /** Status recorded when `signal` aborts: Ctrl-C interrupts, a UI "Cancel" cancels. Both can be resumed. */
  abortStatus?: AbortStatus;
  onEvent?: UpscaleJobListener;
  /** Minimum time between two progress events inside a file (item boundaries always report). Default 100 ms. */
  progressIntervalMs?: number;
  /**
   * Queue workers upscale the files (`--queue`): a new batch is published to this Redis; a resumed queued batch is
   * followed there again (needed only when the stored URL lacks the password).
   */
  queue?: QueueChoice;
  /** 'off': one file after another (`--pipeline off`); absent: the automatic pipeline (execute-upscale-job.ts). */
  pipeline?: PipelineSettings | 'off';
  /** Per-stage busy seconds of each file, for bench:batch. */
  onStage?: StageListener;
  /** The CLI's clock since the process started: the phases until the batch starts go into its summary. */
  startup?: StartupClock;
}

/**
 * Runs a batch upscale, new or resumed, and returns its summary (read back from the journal). UI-agnostic: all
 * reporting goes through `onEvent`. Per-file failures are recorded and the batch goes on; it throws only when the
 * batch cannot run at all (bad settings, no model, no images, outputs that exist, an unusable store).
 */
export async function runUpscaleJob(options: RunUpscaleJobOptions): Promise<UpscaleJobSummary> {
  const jobs = new JobsRepo(options.store);
  if (options.request && options.resume !== undefined) {
    throw new SrError('BAD_ARGUMENT', 'Either start a new batch or resume one, not both', 'Resume takes the settings stored with the job.');
  }
  if (options.request) {
    const request = parseUpscaleRequest(options.request);
    const { model, note } = await resolveRequestModel(request, options.store);
    options.startup?.lap('model');
    if (options.queue) {
      const { startQueuedUpscale } = await import('../queue/dispatch/queued-upscale.ts');
      return startQueuedUpscale({ ...options, jobs, request, model, queue: options.queue });
    }
    return runHere(options, jobs, {
      model,
      request,
      resumed: false,
      plan: () => {
        // Written already claimed: another process's job queue never sees this batch as 'queued' and waiting.
        const job = createUpscaleJob(jobs, request, model, { claim: true });
        if (note) options.onEvent?.({ type: 'notice', jobId: job.id, message: note });
        return job.id;
      },
    });
  }
  if (options.resume === undefined)
    throw new SrError('BAD_ARGUMENT', 'Nothing to do: give inputs for a new batch, or resume one', undefined);

  const target = findResumableJob(jobs, options.resume === 'latest' ? undefined : options.resume);
  // Settings and model are checked before the claim, so a job that cannot run is not left 'running'.
  const params = readUpscaleJobParams(target);
  const model = await resolveBatchModel(params.model.path, undefined, options.store);
  options.startup?.lap('model');
  if (params.queue) {
    const { resumeQueuedUpscale } = await import('../queue/dispatch/queued-upscale.ts');
    return resumeQueuedUpscale({ ...options, jobs, model, target, params: { ...params, queue: params.queue } });
  }
  // Atomic: of two processes resuming this job at once, only the winner goes on to touch the output folder.
  const job = claimResumableJob(jobs, target.id);
  return runHere(options, jobs, {
    model,
    request: params.request,
    resumed: true,
    plan: () => {
      // A kill -9 between the encoder's temp write and its rename leaves a hidden temp file behind.
      removeLeftoverTempFiles(params.request.outDir);
      return job.id;
    },
  });
}

/** A batch this process runs itself, new or resumed. */
interface LocalBatch {
  model: LoadedModel;
  request: UpscaleRequest;
  resumed: boolean;
  /** Makes the job ready in the journal, beside the model's opening; returns its id. */
  plan: () => number;
}

/** Runs a local batch from its model's warm-up to its summary. */
async function runHere(options: RunUpscaleJobOptions, jobs: JobsRepo, batch: LocalBatch): Promise<UpscaleJobSummary> {
  const { model, request, resumed } = batch;
  const pipeline = options.pipeline ?? pipelineSettings();
  const { modelOpen, modelReady } = startWarmUp(model, request, pipeline, options);
  try {
    const jobId = batch.plan();
    options.startup?.lap('plan');
    announceJob(jobs, jobId, request, model, resumed, options.onEvent);
    const { executeUpscaleJob } = await photoMachinery(modelOpen, options.startup);
    return await executeUpscaleJob({ ...options, pipeline, modelOpen, modelReady, jobs, jobId, model, request, resumed });
  } finally {
    // A batch that ends before its model was ready (stopped, or failed to start) leaves the model opening or warming up
    // in its worker: it returns only once that is over, so that a caller exiting next does not exit while ONNX Runtime
    // runs in the worker, which aborts the process (the engine host exits once its parent is gone). The warm-up never
    // rejects: a model that cannot be opened fails the files, with the reason.
    await modelReady;
  }
}

/**
 * Says that the job exists and is this process' now, before its model is ready: a Ctrl-C from here on knows which job it
 * stops (the CLI marks it interrupted on a second one, which quits at once).
 */
function announceJob(
  jobs: JobsRepo,
  jobId: number,
  request: UpscaleRequest,
  model: LoadedModel,
  resumed: boolean,
  onEvent: UpscaleJobListener | undefined,
): void {
  const all = jobs.items(jobId);
  const toDo = all.filter((item) => item.status === 'pending' || item.status === 'running').length;
  onEvent?.({ type: 'job-start', jobId, resumed, total: all.length, toDo, outDir: request.outDir, modelId: model.meta.id });
}

/**
 * What runs the photos (decoding, the pipeline, encoding: sharp with libvips, 0.06–0.1 s to load) loads once the model
 * is open, while its worker warms it, rather than before the model is even known: a batch starts when its model is
 * ready, and the model's opening needs this thread for its first steps (a module being loaded would hold them up).
 */
async function photoMachinery(
  modelOpen: Promise<unknown>,
  startup: StartupClock | undefined,
): Promise<typeof import('./execute-upscale-job.ts')> {
  await modelOpen;
  startup?.lap('model open');
  const machinery = await import('./execute-upscale-job.ts');
  startup?.lap('photo modules');
  return machinery;
}

/**
 * Opens and warms the model (model-pass.ts' warmModelPass) beside the planning and the first file's decoding; the first
 * file then finds the sessions cached. The promise never rejects: a model that cannot be opened fails each file with
 * the reason. It resolves to the notices of the opening (e.g. `--device auto` fell back to the CPU): the sessions are
 * cached, so the files' own openings will not say them again, and the batch passes them on once its job exists.
 * Optimised graphs are cached in the state folder from here on (graph-cache.ts).
 */
function startWarmUp(
  model: LoadedModel,
  request: UpscaleRequest,
  pipeline: PipelineSettings | 'off',
  options: RunUpscaleJobOptions,
): { modelOpen: Promise<unknown>; modelReady: Promise<string[]> } {
  useGraphCache(options.store.dir);
  const threads = pipeline === 'off' ? {} : { threads: pipeline.ortThreads, narrowThreads: pipeline.narrowThreads };
  const notices: string[] = [];
  const warm = warmModelPass(model, { device: request.device, ...threads, tile: request.tile, onNotice: (m) => notices.push(m) });
  const settled = warm.ready.then(
    () => notices,
    () => notices,
  );
  options.startup?.warming(warm.ready);
  return { modelOpen: warm.opened.catch(() => undefined), modelReady: settled };
}
