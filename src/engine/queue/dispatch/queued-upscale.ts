import { SrError } from '../../errors.ts';
import type { AbortStatus } from '../../jobs/abort-status.ts';
import { createUpscaleJob, type UpscaleJobParams } from '../../jobs/create-upscale-job.ts';
import type { UpscaleJobListener } from '../../jobs/job-events.ts';
import type { UpscaleJobSummary } from '../../jobs/job-summary.ts';
import { claimResumableJob } from '../../jobs/resume-target.ts';
import type { UpscaleRequest } from '../../jobs/upscale-request.ts';
import type { LoadedModel } from '../../models/loaded-model.ts';
import type { JobRecord, JobsRepo } from '../../store/jobs-repo.ts';
import { parseRedisUrl, type RedisTarget } from '../redis-target.ts';
import { dispatchUpscaleJob } from './dispatch-upscale-job.ts';
import { openQueueLink, type QueueLink } from './queue-link.ts';

/** How a batch goes to the queue: where, and how many times a file is tried before it counts as failed. */
export interface QueueChoice {
  target: RedisTarget;
  /** Default 3. */
  attempts?: number;
}

export const DEFAULT_ATTEMPTS = 3;

interface Common {
  jobs: JobsRepo;
  model: LoadedModel;
  signal?: AbortSignal;
  abortStatus?: AbortStatus;
  onEvent?: UpscaleJobListener;
  progressIntervalMs?: number;
}

/**
 * A new batch for queue workers: the URL is checked first (nothing is planned when Redis cannot be reached), the batch
 * gets its number, then it is planned and journaled here exactly as a local batch (same discovery, output names and
 * refusals) and dispatched.
 */
export async function startQueuedUpscale(options: Common & { request: UpscaleRequest; queue: QueueChoice }): Promise<UpscaleJobSummary> {
  let jobId: number | undefined;
  const link = await openQueueLink(options.queue.target, (message) => {
    if (jobId !== undefined) options.onEvent?.({ type: 'notice', jobId, message });
  });
  try {
    const { job, batch, attempts } = await planOnQueue(link, options, { claim: true });
    jobId = job.id;
    return await dispatchUpscaleJob({ ...options, jobId: job.id, link, batch, attempts, resumed: false });
  } finally {
    await link.close();
  }
}

/**
 * A queued batch journaled as 'queued' but not yet published (the desktop app's job line runs it later, through
 * `resumeQueuedUpscale`): the URL is checked and the batch numbered now, so a bad URL is refused at once.
 */
export async function planQueuedUpscale(
  jobs: JobsRepo,
  request: UpscaleRequest,
  model: LoadedModel,
  queue: QueueChoice,
): Promise<{ job: JobRecord; batch: number }> {
  const link = await openQueueLink(queue.target);
  try {
    const { job, batch } = await planOnQueue(link, { jobs, request, model, queue }, { claim: false });
    return { job, batch };
  } finally {
    await link.close();
  }
}

/** Numbers the batch in Redis, then plans and journals it here exactly as a local batch (discovery, names, refusals). */
async function planOnQueue(
  link: QueueLink,
  options: { jobs: JobsRepo; request: UpscaleRequest; model: LoadedModel; queue: QueueChoice },
  { claim }: { claim: boolean },
): Promise<{ job: JobRecord; batch: number; attempts: number }> {
  const batch = await link.nextBatchId();
  const attempts = options.queue.attempts ?? DEFAULT_ATTEMPTS;
  const job = createUpscaleJob(options.jobs, options.request, options.model, {
    claim,
    queue: { url: options.queue.target.display, batch, attempts },
  });
  return { job, batch, attempts };
}

/**
 * Follows a queued batch again (after Ctrl-C, a crash, a cancel): the workers may have gone on meanwhile, so the
 * journal first catches up with the queue, then files not in the queue any more are added again. The stored URL has
 * no password: it comes from `queue` (the URL given again) or from $SRSTUDIO_REDIS_PASSWORD.
 */
export async function resumeQueuedUpscale(
  options: Common & {
    target: JobRecord;
    params: UpscaleJobParams & { queue: NonNullable<UpscaleJobParams['queue']> };
    queue?: QueueChoice;
  },
): Promise<UpscaleJobSummary> {
  const { params } = options;
  const target = options.queue?.target ?? parseRedisUrl(params.queue.url, `the queue URL of job ${options.target.id}`);
  if (target.display !== params.queue.url) {
    throw new SrError(
      'BAD_ARGUMENT',
      `Job ${options.target.id} is batch ${params.queue.batch} on ${params.queue.url}, not on ${target.display}`,
      `Resume it with --queue ${params.queue.url} (add the password if that Redis needs one).`,
    );
  }
  const jobId = options.target.id;
  const link = await openQueueLink(target, (message) => options.onEvent?.({ type: 'notice', jobId, message }));
  try {
    // Claimed only once Redis answered, so a job that cannot be followed now is not left 'running'.
    const job = claimResumableJob(options.jobs, options.target.id);
    return await dispatchUpscaleJob({
      ...options,
      jobId: job.id,
      request: params.request,
      link,
      batch: params.queue.batch,
      attempts: params.queue.attempts,
      resumed: true,
    });
  } finally {
    await link.close();
  }
}
