import { SrError } from '../../engine/errors.ts';
import { JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { JobSummary, UpscaleParams } from '../../shared/contract/index.ts';
import type { EngineServices } from '../services.ts';
import { toJobSummary } from './job-summary.ts';
import { trainingJobParams } from './training-job-params.ts';

function summary(services: EngineServices, jobId: number): JobSummary {
  const record = new JobsRepo(services.store).get(jobId);
  if (!record) throw new SrError('NOT_FOUND', `No job #${jobId}`, 'Refresh the job list.');
  return toJobSummary(services.store, record);
}

/** `jobs.start`: journals the batch (errors reject here), then queues it; it runs now if nothing else does. */
export async function queueUpscale(services: EngineServices, params: UpscaleParams): Promise<JobSummary> {
  const job = await services.upscale.plan(params);
  services.queue.kick(job.id);
  return summary(services, job.id);
}

/** `queue.upscale`: the same as `jobs.start`, but the files go to queue workers; the URL is checked before anything is journaled. */
export async function queueUpscaleOnQueue(
  services: EngineServices,
  params: { batch: UpscaleParams; url: string; attempts: number },
): Promise<{ job: JobSummary; batch: number }> {
  const { job, batch } = await services.upscale.planQueued(params.batch, params.url, params.attempts);
  services.queue.kick(job.id);
  return { job: summary(services, job.id), batch };
}

/** `jobs.cancel`: any job kind; a running one stops after its current file or step, a queued one leaves the line. */
export async function cancelJob(services: EngineServices, jobId: number): Promise<JobSummary> {
  summary(services, jobId);
  await services.queue.stop(jobId, 'cancel');
  return summary(services, jobId);
}

/** `jobs.resume`: puts an interrupted or cancelled job back in the line, where it continues from where it stopped. */
export function resumeJob(services: EngineServices, jobId: number): JobSummary {
  const record = new JobsRepo(services.store).get(jobId);
  if (!record) throw new SrError('NOT_FOUND', `No job #${jobId}`, 'Refresh the job list.');
  const training = trainingJobParams(record);
  if (training) services.training.requeue(training.runId);
  else if (record.kind === 'eval') services.evaluation.requeue(jobId);
  else services.upscale.requeue(jobId);
  services.queue.kick(jobId);
  return summary(services, jobId);
}
