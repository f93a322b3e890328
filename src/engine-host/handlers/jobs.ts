import { SrError } from '../../engine/errors.ts';
import { JobsRepo } from '../../engine/store/jobs-repo.ts';
import type { HandlerTable } from '../handler.ts';
import { jobDetails } from '../jobs/job-details.ts';
import { toJobSummary } from '../jobs/job-summary.ts';
import { cancelJob, queueUpscale, resumeJob } from '../jobs/queue-requests.ts';

function jobNumber(jobId: string): number {
  const id = Number(jobId);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new SrError('NOT_FOUND', `No job "${jobId}"`, 'Job ids are the numbers that jobs.list shows.');
  return id;
}

/** Batch upscale jobs over the durable journal. */
export const jobHandlers: HandlerTable = {
  'jobs.start': async (params, { services }) => ({ job: await queueUpscale(services, params) }),
  'jobs.cancel': async ({ jobId }, { services }) => ({ job: await cancelJob(services, jobNumber(jobId)) }),
  'jobs.resume': async ({ jobId }, { services }) => ({ job: resumeJob(services, jobNumber(jobId)) }),
  'jobs.list': async ({ states, limit }, { services }) => {
    const store = services.store;
    const records = new JobsRepo(store).list().filter((record) => !states || states.includes(record.status));
    return { jobs: records.slice(0, limit).map((record) => toJobSummary(store, record)) };
  },
  'jobs.details': async ({ jobId }, { services }) => {
    const job = new JobsRepo(services.store).get(jobNumber(jobId));
    if (!job) throw new SrError('NOT_FOUND', `No job "${jobId}"`, 'Refresh the job list.');
    return jobDetails(services.store, job);
  },
};
